//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/internal/control"
	"parley/internal/geometry"
)

// xgeometry returns where X window id is, as xdotool sees it.
func xgeometry(t testing.TB, id string) geometry.Rect {
	t.Helper()
	out, err := exec.Command("xdotool", "getwindowgeometry", "--shell", id).Output()
	if err != nil {
		t.Fatalf("xdotool getwindowgeometry %s: %v", id, err)
	}
	var r geometry.Rect
	for _, line := range strings.Fields(string(out)) {
		k, v, _ := strings.Cut(line, "=")
		p := map[string]*int{"X": &r.X, "Y": &r.Y, "WIDTH": &r.Width, "HEIGHT": &r.Height}[k]
		if p != nil {
			fmt.Sscan(v, p)
		}
	}
	return r
}

// waitGeometry waits until X window id is at want.
func waitGeometry(t testing.TB, id string, want geometry.Rect) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := xgeometry(t, id)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("window %s is at %v, want %v", id, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// xdotool runs xdotool with args.
func xdotool(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
}

// storedGeometry reads the core's record of where role's last window was.
func (s *session) storedGeometry(role string) geometry.Rect {
	var roles map[string]geometry.Rect
	b, _ := os.ReadFile(filepath.Join(s.logs, "state", "parley", "windows.json"))
	_ = json.Unmarshal(b, &roles)
	return roles[role]
}

func TestCommandLineVersionAndHelp(t *testing.T) {
	s := newSession(t)
	out, err := s.command("--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "parley ") {
		t.Errorf("parley --version: %v, %q", err, out)
	}
	out, err = s.command("--help").Output()
	for _, flag := range []string{"--new-window", "--demo", "--version", "--help", "--window=ROLE", "--geometry", "--theme"} {
		if err != nil || !strings.Contains(string(out), flag) {
			t.Errorf("parley --help does not document %s (%v):\n%s", flag, err, out)
		}
	}
}

// A window moved and resized, then closed, opens there next time; a new
// window beside it is offset; `parley --new-window` reaches the running
// Parley; Quit (Ctrl+Q) closes every window and ends Parley cleanly.
func TestWindowsReopenWhereTheyWereAndQuit(t *testing.T) {
	s := newSession(t)
	// Never signed in, yet --new-window starts with a chat window.
	c := s.launch("--new-window")
	s.waitWindows(1)
	id := waitXWindows(t, "Parley", 1)[0]
	want := geometry.Rect{X: 90, Y: 70, Width: 820, Height: 580}
	xdotool(t, "windowmove", id, fmt.Sprint(want.X), fmt.Sprint(want.Y))
	xdotool(t, "windowsize", id, fmt.Sprint(want.Width), fmt.Sprint(want.Height))
	// The window tells the core once it has stayed put.
	deadline := time.Now().Add(15 * time.Second)
	for s.storedGeometry("chat") != want {
		if time.Now().After(deadline) {
			t.Fatalf("windows.json has the chat window at %v, want %v", s.storedGeometry("chat"), want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	closeWindow(t, id)
	c.waitExit(t, 10*time.Second)
	if c.err != nil {
		t.Fatalf("core exited with %v after its window closed", c.err)
	}

	c = s.launch("--new-window")
	s.waitWindows(1)
	first := waitXWindows(t, "Parley", 1)[0]
	waitGeometry(t, first, want)

	if out, err := s.command("--new-window").CombinedOutput(); err != nil {
		t.Fatalf("parley --new-window with Parley running: %v\n%s", err, out)
	}
	s.waitWindows(2)
	if n := cores(s.bin); n != 1 {
		t.Fatalf("%d Parley cores running, want 1", n)
	}
	var second string
	for _, x := range waitXWindows(t, "Parley", 2) {
		if x != first {
			second = x
		}
	}
	cascaded := geometry.Rect{X: want.X + geometry.Step, Y: want.Y + geometry.Step, Width: want.Width, Height: want.Height}
	waitGeometry(t, second, cascaded)
	screenshot(t, "cascaded-windows")

	procs := descendants(c.cmd.Process.Pid)
	xdotool(t, "windowfocus", "--sync", second, "key", "--clearmodifiers", "ctrl+q")
	c.waitExit(t, 10*time.Second)
	if c.err != nil {
		t.Errorf("core ended with %v after Quit, want status 0", c.err)
	}
	waitGone(t, "processes after Quit", procs, 5*time.Second)
}

// clipboard is the X clipboard, through xclip.
type clipboard struct{ t testing.TB }

func (c clipboard) read() string {
	out, _ := exec.Command("xclip", "-selection", "clipboard", "-o").Output()
	return string(out)
}

// write makes xclip own the clipboard with text, until another program
// takes it, and waits until it does.
func (c clipboard) write(text string) {
	c.t.Helper()
	cmd := exec.Command("xclip", "-quiet", "-selection", "clipboard", "-i")
	cmd.Stdin = strings.NewReader(text)
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go cmd.Wait()
	c.t.Cleanup(func() { _ = cmd.Process.Kill() })
	deadline := time.Now().Add(5 * time.Second)
	for c.read() != text {
		if time.Now().After(deadline) {
			c.t.Fatalf("xclip did not take the clipboard")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The Edit menu's shortcuts reach GTK's menu rather than the web view; the
// page carries them out through the window's clipboard.
func TestEditMenuCutCopyPaste(t *testing.T) {
	s := newSession(t)
	const proxy = "http://proxy.example:3128"
	settingsFile := filepath.Join(s.logs, "config", "parley", "settings.json")
	if err := os.MkdirAll(filepath.Dir(settingsFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settingsFile, []byte(`{"proxy": "`+proxy+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s.launch("--new-window")
	s.waitWindows(1)
	if _, err := control.Send(s.dir, control.Request{Command: control.CmdOpenWindow, Role: "settings"}); err != nil {
		t.Fatal(err)
	}
	s.waitWindows(2)
	id := waitXWindows(t, "Parley Settings", 1)[0]
	clip := clipboard{t}
	key := func(keys ...string) {
		xdotool(t, append([]string{"windowfocus", "--sync", id, "key", "--clearmodifiers"}, keys...)...)
	}

	// Copy: once the form is there, Tab from the heading reaches the proxy
	// field (after the theme and the model), and Select All, Copy put its
	// text on the clipboard.
	deadline := time.Now().Add(15 * time.Second)
	for clip.read() != proxy {
		if time.Now().After(deadline) {
			t.Fatalf("Ctrl+A, Ctrl+C in the proxy field left %q on the clipboard, want %q", clip.read(), proxy)
		}
		xdotool(t, "mousemove", "--window", id, "40", "80", "click", "1")
		key("Tab", "Tab", "Tab", "ctrl+a", "ctrl+c")
		time.Sleep(200 * time.Millisecond)
	}

	// Paste replaces the selection, and the page sees the change: Enter
	// saves what was pasted. (Enter goes straight to the page while the
	// menu's commands take a detour through Go, so it may overtake them;
	// pressing it again is harmless.)
	const pasted = "http://pasted.example:8080"
	clip.write(pasted)
	key("ctrl+a", "ctrl+v")
	saveUntil(t, settingsFile, pasted, func() { key("Return") })

	// Cut empties the field and puts its text on the clipboard.
	clip.write("something else")
	key("ctrl+a", "ctrl+x")
	deadline = time.Now().Add(5 * time.Second)
	for clip.read() != pasted {
		if time.Now().After(deadline) {
			t.Fatalf("Ctrl+X left %q on the clipboard, want %q", clip.read(), pasted)
		}
		time.Sleep(50 * time.Millisecond)
	}
	saveUntil(t, settingsFile, "", func() { key("Return") })
}

// saveUntil saves (with save) until the settings file's proxy is want.
func saveUntil(t testing.TB, path, want string, save func()) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		save()
		time.Sleep(200 * time.Millisecond)
		var st struct {
			Proxy string `json:"proxy"`
		}
		b, _ := os.ReadFile(path)
		if json.Unmarshal(b, &st) == nil && st.Proxy == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("settings file has proxy %q, want %q:\n%s", st.Proxy, want, b)
		}
	}
}
