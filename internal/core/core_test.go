//go:build unix

package core_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"parley/internal/control"
	"parley/internal/core"
	"parley/internal/credential"
	"parley/internal/geometry"
	"parley/internal/ipc"
)

// harness runs a core whose windows are fake window processes (this test
// binary in a mode, see fakewindow_test.go).
type harness struct {
	t      *testing.T
	c      *core.Core
	holder *credential.Holder
	logs   string
}

// newHarness starts a core whose windows run in mode; configure, if given,
// changes the core's Config first.
func newHarness(t *testing.T, mode string, configure ...func(*core.Config)) *harness {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, logs: t.TempDir(), holder: credential.New(credential.Options{Logf: t.Logf})}
	cfg := core.Config{
		Holder: h.holder,
		Exe:    exe,
		Args:   func(string, geometry.Rect, string) []string { return []string{"-test.run=^$"} },
		WindowEnv: func() ([]string, string, error) {
			return []string{"PARLEY_FAKE_WINDOW=" + mode, "PARLEY_FAKE_LOG=" + h.logs}, "", nil
		},
	}
	for _, f := range configure {
		f(&cfg)
	}
	h.c = core.New(cfg)
	t.Cleanup(func() {
		done := make(chan struct{})
		go func() { h.c.Shutdown(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("Shutdown did not return")
		}
	})
	return h
}

func (h *harness) open(role string) int {
	h.t.Helper()
	id, err := h.c.OpenWindow(role)
	if err != nil {
		h.t.Fatalf("OpenWindow(%s): %v", role, err)
	}
	return id
}

// waitFor polls cond until it holds or 10 seconds pass.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; windows: %+v", what, h.c.ListWindows())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *harness) readyCount() int {
	n := 0
	for _, w := range h.c.ListWindows() {
		if w.Ready {
			n++
		}
	}
	return n
}

func (h *harness) status(id int) (control.WindowStatus, bool) {
	for _, w := range h.c.ListWindows() {
		if w.ID == id {
			return w, true
		}
	}
	return control.WindowStatus{}, false
}

type received struct {
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// events returns what window pid has received so far.
func (h *harness) events(pid int) []received {
	f, err := os.Open(filepath.Join(h.logs, strconv.Itoa(pid)+".jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	var out []received
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r received
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue // a line being written right now
		}
		out = append(out, r)
	}
	return out
}

// eventsNamed returns the data of the events called name that window pid
// received, in order.
func eventsNamed[T any](h *harness, pid int, name string) []T {
	var out []T
	for _, r := range h.events(pid) {
		var ev ipc.Event
		var data T
		if r.Method == ipc.NotifyEvent && json.Unmarshal(r.Params, &ev) == nil && ev.Name == name && json.Unmarshal(ev.Data, &data) == nil {
			out = append(out, data)
		}
	}
	return out
}

// lastWindows returns the newest window list window pid was sent.
func (h *harness) lastWindows(pid int) []ipc.WindowInfo {
	lists := eventsNamed[[]ipc.WindowInfo](h, pid, ipc.EventWindows)
	if len(lists) == 0 {
		return nil
	}
	return lists[len(lists)-1]
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func TestReadyGetsAccountThenWindowsBeforeAnythingElse(t *testing.T) {
	h := newHarness(t, "normal")
	id := h.open(ipc.RoleChat)
	h.waitFor("window ready", func() bool { return h.readyCount() == 1 })
	st, _ := h.status(id)
	notes := func() []received {
		var out []received
		for _, r := range h.events(st.PID) {
			if r.Method == ipc.NotifyEvent {
				out = append(out, r)
			}
		}
		return out
	}
	h.waitFor("initial events", func() bool { return len(notes()) >= 2 })
	evs := notes()
	var names []string
	for _, r := range evs[:2] {
		var ev ipc.Event
		if err := json.Unmarshal(r.Params, &ev); err != nil {
			t.Fatal(err)
		}
		names = append(names, ev.Name)
		if ev.Name == ipc.EventAccount {
			var a ipc.Account
			_ = json.Unmarshal(ev.Data, &a)
			if a.State != string(credential.SignedOut) {
				t.Errorf("account state = %q, want signed-out before any sign-in", a.State)
			}
		}
	}
	if strings.Join(names, ",") != "account,windows" {
		t.Errorf("first events = %v, want [account windows]", names)
	}
}

func TestEveryWindowSeesTheOthersOpenAndClose(t *testing.T) {
	h := newHarness(t, "normal")
	first := h.open(ipc.RoleChat)
	second := h.open(ipc.RoleChat)
	third := h.open(ipc.RoleOnboarding)
	h.waitFor("three ready windows", func() bool { return h.readyCount() == 3 })
	st1, _ := h.status(first)
	h.waitFor("window 1 to list three windows", func() bool { return len(h.lastWindows(st1.PID)) == 3 })
	list := h.lastWindows(st1.PID)
	if list[0].ID != first || list[1].ID != second || list[2].ID != third {
		t.Errorf("window list = %+v, want ids %d, %d, %d in order", list, first, second, third)
	}
	if list[0].ConversationID == "" || list[0].ConversationID == list[1].ConversationID {
		t.Errorf("chat windows need distinct conversation ids: %+v", list)
	}
	if list[2].Role != ipc.RoleOnboarding || list[2].ConversationID != "" {
		t.Errorf("third window = %+v, want an onboarding window without a conversation", list[2])
	}

	st2, _ := h.status(second)
	if err := syscall.Kill(st2.PID, syscall.SIGTERM); err != nil { // the user closes it
		t.Fatal(err)
	}
	h.waitFor("window 1 to list two windows", func() bool { return len(h.lastWindows(st1.PID)) == 2 })
}

func TestKilledWindowLeavesCoreAndOthersRunning(t *testing.T) {
	h := newHarness(t, "normal")
	a, b := h.open(ipc.RoleChat), h.open(ipc.RoleChat)
	h.waitFor("two ready windows", func() bool { return h.readyCount() == 2 })
	sa, _ := h.status(a)
	sb, _ := h.status(b)
	if err := syscall.Kill(sa.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the killed window to be forgotten", func() bool { _, ok := h.status(a); return !ok })
	select {
	case <-h.c.Done():
		t.Fatal("core ended although a window is still open")
	default:
	}
	if !alive(sb.PID) {
		t.Fatal("the other window died with its sibling")
	}
	h.waitFor("survivor to see one window", func() bool {
		l := h.lastWindows(sb.PID)
		return len(l) == 1 && l[0].ID == b
	})
	// A window killed after its page loaded is logged, not taken for a core
	// that failed to start.
	if err := h.c.Err(); err != nil {
		t.Errorf("Err() = %v after a ready window was killed", err)
	}
}

func TestClosingTheLastWindowEndsTheCore(t *testing.T) {
	h := newHarness(t, "normal")
	ids := []int{h.open(ipc.RoleChat), h.open(ipc.RoleChat)}
	h.waitFor("two ready windows", func() bool { return h.readyCount() == 2 })
	for _, id := range ids {
		st, _ := h.status(id)
		_ = syscall.Kill(st.PID, syscall.SIGTERM)
	}
	select {
	case <-h.c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("core still running after its last window closed")
	}
	if err := h.c.Err(); err != nil {
		t.Errorf("Err() = %v after windows closed normally", err)
	}
	if _, err := h.c.OpenWindow(ipc.RoleChat); err == nil {
		t.Error("a core with no windows left accepted a new window; it is on its way out")
	}
}

func TestShutdownEndsEveryWindowProcess(t *testing.T) {
	h := newHarness(t, "normal")
	var pids []int
	for range 4 {
		h.open(ipc.RoleChat)
	}
	h.waitFor("four ready windows", func() bool { return h.readyCount() == 4 })
	for _, w := range h.c.ListWindows() {
		pids = append(pids, w.PID)
	}
	start := time.Now()
	h.c.Shutdown()
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("window pid %d still running after Shutdown", pid)
		}
	}
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Logf("Shutdown took %v (windows should quit as soon as their link closes)", d)
	}
}

func TestWindowIgnoringItsClosedLinkIsKilled(t *testing.T) {
	h := newHarness(t, "stubborn")
	id := h.open(ipc.RoleChat)
	h.waitFor("window ready", func() bool { return h.readyCount() == 1 })
	st, _ := h.status(id)
	h.c.Shutdown()
	if alive(st.PID) {
		t.Fatalf("hung window pid %d survived Shutdown", st.PID)
	}
}

func TestWindowFailingBeforeItsPageLoadsIsReported(t *testing.T) {
	h := newHarness(t, "crash")
	h.open(ipc.RoleChat)
	select {
	case <-h.c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("core did not end after its only window failed")
	}
	err := h.c.Err()
	if err == nil || !strings.Contains(err.Error(), "failed before its page loaded") {
		t.Errorf("Err() = %v, want a report that the window failed before its page loaded", err)
	}
}

func TestOneOnboardingWindowAtATime(t *testing.T) {
	h := newHarness(t, "normal")
	h.open(ipc.RoleChat)
	first := h.open(ipc.RoleOnboarding)
	h.waitFor("two ready windows", func() bool { return h.readyCount() == 2 })
	again := h.open(ipc.RoleOnboarding)
	if again != first {
		t.Fatalf("second onboarding request opened window %d, want the existing %d raised", again, first)
	}
	st, _ := h.status(first)
	h.waitFor("focus notification", func() bool {
		for _, r := range h.events(st.PID) {
			if r.Method == ipc.NotifyFocus {
				return true
			}
		}
		return false
	})
	if n := len(h.c.ListWindows()); n != 2 {
		t.Errorf("%d windows open, want 2", n)
	}
}

func TestUnknownRoleIsRefused(t *testing.T) {
	h := newHarness(t, "normal")
	if _, err := h.c.OpenWindow("editor"); err == nil || !strings.Contains(err.Error(), "unknown window role") {
		t.Errorf("OpenWindow(editor) error = %v", err)
	}
	if n := len(h.c.ListWindows()); n != 0 {
		t.Errorf("%d windows opened for an unknown role", n)
	}
}

func TestConcurrentOpensAllArriveInEveryList(t *testing.T) {
	h := newHarness(t, "normal")
	const n = 12
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.c.OpenWindow(ipc.RoleChat); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	h.waitFor("all windows ready", func() bool { return h.readyCount() == n })
	for _, w := range h.c.ListWindows() {
		h.waitFor("every window to list every window", func() bool { return len(h.lastWindows(w.PID)) == n })
	}
}

// TestWindowsLearnAccountChangesButNeverSecrets signs in and out while
// windows are open: every window follows each change, by label, and no
// secret is ever in what the core sends them.
func TestWindowsLearnAccountChangesButNeverSecrets(t *testing.T) {
	h := newHarness(t, "normal")
	ids := []int{h.open(ipc.RoleChat), h.open(ipc.RoleOnboarding)}
	h.waitFor("two ready windows", func() bool { return h.readyCount() == 2 })

	var secrets []string
	for i := range 20 {
		var c *credential.Credential
		var err error
		if i%2 == 0 {
			c, err = credential.NewAPIKey(fmt.Sprintf("sk-ant-api03-SECRET%030d", i))
		} else {
			c, err = credential.NewOAuth(credential.Token{
				AccessToken: fmt.Sprintf("sk-ant-oat01-SECRET%030d", i), RefreshToken: fmt.Sprintf("sk-ant-ort01-SECRET%030d", i),
				Expiry: time.Now().Add(time.Hour), Label: fmt.Sprintf("user%d@example.com", i),
			}, "anthropic")
		}
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, c.Secret())
		if err := h.holder.Set(c); err != nil {
			t.Fatal(err)
		}
	}
	_ = h.holder.Clear()

	for _, id := range ids {
		st, _ := h.status(id)
		h.waitFor("the sign-out to reach every window", func() bool {
			acct := h.lastAccount(st.PID)
			return acct.State == string(credential.SignedOut) && len(h.accounts(st.PID)) >= 22
		})
		labels := map[string]bool{}
		for _, a := range h.accounts(st.PID) {
			labels[a.Label] = true
		}
		if !labels["user19@example.com"] || !labels["sk-ant-…0018"] {
			t.Errorf("window %d never saw the accounts by label: %v", id, labels)
		}
		raw, err := os.ReadFile(filepath.Join(h.logs, strconv.Itoa(st.PID)+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(string(raw), s) || strings.Contains(string(raw), "SECRET") {
				t.Fatalf("window %d was sent a secret", id)
			}
		}
	}
}

// accounts returns the account events window pid received, in order.
func (h *harness) accounts(pid int) []ipc.Account {
	return eventsNamed[ipc.Account](h, pid, ipc.EventAccount)
}

func (h *harness) lastAccount(pid int) ipc.Account {
	as := h.accounts(pid)
	if len(as) == 0 {
		return ipc.Account{}
	}
	return as[len(as)-1]
}

func TestWindowsDoNotInheritAnthropicSecrets(t *testing.T) {
	t.Setenv("ANTHROPIC_API_KEY", "sk-ant-api03-from-the-environment-0000000000")
	t.Setenv("ANTHROPIC_AUTH_TOKEN", "sk-ant-oat01-from-the-environment-0000000000")
	h := newHarness(t, "normal")
	id := h.open(ipc.RoleChat)
	h.waitFor("window ready", func() bool { return h.readyCount() == 1 })
	st, _ := h.status(id)
	var env []string
	for _, r := range h.events(st.PID) {
		if r.Method == "env" {
			var v string
			_ = json.Unmarshal(r.Params, &v)
			env = append(env, v)
		}
	}
	if len(env) != 1 || env[0] != "" {
		t.Errorf("the window's environment held %q, want no Anthropic secret", env)
	}
}
