//go:build e2e

// Package e2e drives real Parley binaries under a display (Xvfb in CI).
// Run through `make test`, which builds the binaries and starts Xvfb.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"parley/internal/control"
)

// session is one user's Parley: its own XDG directories and control socket.
type session struct {
	t    testing.TB
	bin  string
	env  []string
	dir  string // control directory
	logs string
}

func newSession(t testing.TB) *session {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no DISPLAY: run the e2e tests under Xvfb (make test does)")
	}
	bin := os.Getenv("PARLEY_BIN") // an installed Parley, e.g. /usr/bin/parley
	if bin == "" {
		bin = "../build/bin/parley"
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%v: run `make build` first", err)
	}
	base := t.TempDir()
	s := &session{t: t, bin: bin, logs: base}
	xdg := map[string]string{"XDG_RUNTIME_DIR": "run", "XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache", "XDG_STATE_HOME": "state"}
	for k, v := range xdg {
		p := filepath.Join(base, v)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		s.env = append(s.env, k+"="+p)
		if k == "XDG_RUNTIME_DIR" {
			s.dir = filepath.Join(p, "parley")
		}
	}
	return s
}

func (s *session) command(args ...string) *exec.Cmd {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), s.env...)
	return cmd
}

// core is a running `parley` that became the core.
type core struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
	log    *bytes.Buffer
}

// startCore launches `parley` and waits for its first window's page.
func (s *session) startCore() *core {
	s.t.Helper()
	c := s.launch()
	s.waitWindows(1)
	return c
}

// launch starts `parley` with args and returns at once. The core is stopped
// (SIGTERM) when the test ends, and its log shown if the test failed.
func (s *session) launch(args ...string) *core {
	s.t.Helper()
	c := &core{cmd: s.command(args...), exited: make(chan struct{}), log: &bytes.Buffer{}}
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	go func() { c.err = c.cmd.Wait(); close(c.exited) }()
	s.t.Cleanup(func() {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
		}
		if s.t.Failed() {
			s.t.Logf("core log:\n%s", c.log)
		}
	})
	return c
}

func (c *core) waitExit(t testing.TB, within time.Duration) {
	t.Helper()
	select {
	case <-c.exited:
	case <-time.After(within):
		t.Fatalf("core still running after %v", within)
	}
}

// windows asks the core for its window processes.
func (s *session) windows() ([]control.WindowStatus, error) {
	resp, err := control.Send(s.dir, control.Request{Command: control.CmdListWindows})
	return resp.Windows, err
}

// waitWindows waits until exactly n windows are open and every one of their
// pages has called Ready.
func (s *session) waitWindows(n int) []control.WindowStatus {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ws, err := s.windows()
		ready := 0
		for _, w := range ws {
			if w.Ready {
				ready++
			}
		}
		if err == nil && len(ws) == n && ready == n {
			return ws
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %d ready windows: have %+v (%v)", n, ws, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// xwindows lists the visible X windows titled exactly title.
func xwindows(t testing.TB, title string) []string {
	t.Helper()
	out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+title+"$").Output()
	return strings.Fields(string(out))
}

func waitXWindows(t testing.TB, title string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ids := xwindows(t, title)
		if len(ids) == n {
			return ids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d visible windows titled %q, want %d", len(ids), title, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot saves the whole display to e2e/artifacts/name.png once the
// page has painted: a window with only its frame and menu bar drawn has
// fewer than 100 colours, a painted page (text, buttons) over a thousand.
func screenshot(t testing.TB, name string) string {
	t.Helper()
	if err := os.MkdirAll("artifacts", 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("artifacts", name+".png")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
		out, err := exec.Command("convert", path, "-format", "%k", "info:").Output()
		if err != nil {
			t.Fatal(err)
		}
		colours, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		if colours >= 300 {
			return path
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d colours: the page never painted", path, colours)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// closeWindow closes an X window as a user would, with the Close Window
// shortcut (Ctrl+W) of its menu.
func closeWindow(t testing.TB, id string) {
	t.Helper()
	if out, err := exec.Command("xdotool", "windowfocus", "--sync", id, "key", "--clearmodifiers", "ctrl+w").CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v\n%s", err, out)
	}
}

// descendants returns every process below pid, WebKit helpers included.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := parentOf(p); ok {
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// stat returns a process's state letter and parent pid.
func stat(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	rest := string(b[bytes.LastIndexByte(b, ')')+2:])
	f := strings.Fields(rest)
	ppid, _ = strconv.Atoi(f[1])
	return f[0][0], ppid, true
}

func parentOf(pid int) (int, bool) {
	_, pp, ok := stat(pid)
	return pp, ok
}

// running reports whether pid is a live process (not gone, not a zombie).
func running(pid int) bool {
	state, _, ok := stat(pid)
	return ok && state != 'Z'
}

// waitGone waits until none of pids runs, and fails naming the survivors.
func waitGone(t testing.TB, what string, pids []int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		var alive []int
		for _, p := range pids {
			if running(p) {
				alive = append(alive, p)
			}
		}
		if len(alive) == 0 {
			return time.Since(start)
		}
		if time.Since(start) > within {
			var names []string
			for _, p := range alive {
				comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
				names = append(names, fmt.Sprintf("%d %s", p, strings.TrimSpace(string(comm))))
			}
			t.Fatalf("%s: still running after %v: %v", what, within, names)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func pidsOf(ws []control.WindowStatus) []int {
	var out []int
	for _, w := range ws {
		out = append(out, w.PID)
	}
	return out
}

// cores counts the processes running the Parley binary as a core.
func cores(bin string) int {
	n := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !running(pid) {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || exe != bin {
			continue
		}
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if !strings.Contains(string(cmdline), "--window=") {
			n++
		}
	}
	return n
}

func TestSecondLaunchOpensAWindowInTheSameCore(t *testing.T) {
	s := newSession(t)
	c := s.startCore()
	// Never signed in: the first window is the sign-in wizard.
	waitXWindows(t, "Sign in to Parley", 1)
	screenshot(t, "first-window")

	second := s.command()
	out, err := second.CombinedOutput()
	if err != nil {
		t.Fatalf("second parley: %v\n%s", err, out)
	}
	s.waitWindows(2)
	ids := waitXWindows(t, "Parley", 1)
	if n := cores(s.bin); n != 1 {
		t.Fatalf("%d Parley cores running, want 1", n)
	}
	screenshot(t, "two-windows")

	// Ctrl+N, the menu's New Window shortcut, opens another chat window.
	if out, err := exec.Command("xdotool", "windowfocus", "--sync", ids[0], "key", "--clearmodifiers", "ctrl+n").CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v\n%s", err, out)
	}
	s.waitWindows(3)
	waitXWindows(t, "Parley", 2)

	procs := descendants(c.cmd.Process.Pid)
	if len(procs) < 2*3 {
		t.Fatalf("%d processes under the core, want at least a window process and its two WebKit helpers per window: %v", len(procs), procs)
	}
	for _, id := range append(xwindows(t, "Parley"), xwindows(t, "Sign in to Parley")...) {
		closeWindow(t, id)
		time.Sleep(300 * time.Millisecond)
	}
	c.waitExit(t, 10*time.Second)
	if c.err != nil {
		t.Errorf("core exited with %v after its windows closed", c.err)
	}
	waitGone(t, "processes after the last window closed", procs, 5*time.Second)
	if _, err := os.Stat(filepath.Join(s.dir, "control.sock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("control socket left behind after a clean exit: %v", err)
	}
}

func TestSIGTERMToTheCoreClosesEveryWindow(t *testing.T) {
	s := newSession(t)
	c := s.startCore()
	if _, err := control.Send(s.dir, control.Request{Command: control.CmdOpenWindow, Role: "chat"}); err != nil {
		t.Fatal(err)
	}
	if _, err := control.Send(s.dir, control.Request{Command: control.CmdOpenWindow, Role: "chat"}); err != nil {
		t.Fatal(err)
	}
	s.waitWindows(3)
	waitXWindows(t, "Sign in to Parley", 1)
	waitXWindows(t, "Parley", 2)
	procs := descendants(c.cmd.Process.Pid)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	c.waitExit(t, 10*time.Second)
	if c.err != nil {
		t.Errorf("core exited with %v after SIGTERM", c.err)
	}
	d := waitGone(t, "processes after SIGTERM to the core", procs, 5*time.Second)
	t.Logf("all %d processes gone %v after the core exited", len(procs), d)
}

func TestKillingProcesses(t *testing.T) {
	s := newSession(t)
	c := s.startCore()
	if _, err := control.Send(s.dir, control.Request{Command: control.CmdOpenWindow, Role: "chat"}); err != nil {
		t.Fatal(err)
	}
	ws := s.waitWindows(2)

	// kill -9 of a window leaves the core and the other window running.
	victim := ws[0].PID
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	left := s.waitWindows(1)
	if left[0].PID != ws[1].PID || !running(ws[1].PID) {
		t.Fatalf("after killing window %d, windows are %+v; want window pid %d still open", victim, left, ws[1].PID)
	}
	select {
	case <-c.exited:
		t.Fatal("core died with one of its windows")
	default:
	}
	if got := len(xwindows(t, "Parley")) + len(xwindows(t, "Sign in to Parley")); got != 1 {
		t.Fatalf("%d visible windows after killing one of two", got)
	}

	// kill -9 of the core: every window process exits within 2 seconds.
	procs := descendants(c.cmd.Process.Pid)
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	d := waitGone(t, "window processes after kill -9 of the core", pidsOf(left), 2*time.Second)
	t.Logf("window process gone %v after kill -9 of the core", d)
	c.waitExit(t, 5*time.Second)
	waitGone(t, "WebKit helpers after kill -9 of the core", procs, 5*time.Second)

	// The crashed core left its socket behind; the next launch replaces it.
	if _, err := os.Stat(filepath.Join(s.dir, "control.sock")); err != nil {
		t.Fatalf("expected a stale socket after kill -9: %v", err)
	}
	next := s.startCore()
	if !strings.Contains(next.log.String(), "replacing a stale socket") {
		t.Errorf("the new core did not report the stale socket; log:\n%s", next.log)
	}
}

func TestBadCommandLines(t *testing.T) {
	s := newSession(t)
	for _, args := range [][]string{{"--bogus"}, {"--window=editor"}, {"stray"}, {"--geometry=800x600+0+0"}} {
		out, err := s.command(args...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("parley %v: %v, want exit status 2", args, err)
		}
		if !strings.Contains(string(out), "Usage: parley") {
			t.Errorf("parley %v printed no usage:\n%s", args, out)
		}
	}
	out, err := s.command("--help").Output()
	if err != nil || !strings.Contains(string(out), "Usage: parley") {
		t.Errorf("parley --help: %v\n%s", err, out)
	}
	// A window role started by hand, without a core, explains itself.
	out, err = s.command("--window=chat").CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !strings.Contains(string(out), "windows are started by parley itself") {
		t.Errorf("parley --window=chat without a core: %v\n%s", err, out)
	}
}
