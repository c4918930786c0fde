//go:build linux || darwin

package control

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// windows is a Handler that opens pretend windows.
type windows struct {
	mu     sync.Mutex
	opened []string
}

func (w *windows) OpenWindow(role string) (int, error) {
	if role != "chat" {
		return 0, errors.New("unknown window role " + role)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.opened = append(w.opened, role)
	return len(w.opened), nil
}

func (w *windows) ListWindows() []WindowStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]WindowStatus, len(w.opened))
	for i, r := range w.opened {
		out[i] = WindowStatus{ID: i + 1, Role: r}
	}
	return out
}

func serve(t *testing.T, dir string) (*Server, *windows) {
	t.Helper()
	h := &windows{}
	s, err := Listen(dir, h)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
	return s, h
}

func TestDirIsPrivate(t *testing.T) {
	rt := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", rt)
	if err := os.Mkdir(filepath.Join(rt, "parley"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("control dir mode = %v, want 0700", fi.Mode().Perm())
	}
}

func TestSendReachesTheRunningCore(t *testing.T) {
	dir := t.TempDir()
	_, h := serve(t, dir)
	resp, err := Send(dir, Request{Command: CmdOpenWindow, Role: "chat"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.WindowID != 1 || len(h.opened) != 1 {
		t.Errorf("resp = %+v, opened = %v; want window 1 opened", resp, h.opened)
	}
	resp, err = Send(dir, Request{Command: CmdListWindows})
	if err != nil || len(resp.Windows) != 1 {
		t.Errorf("list-windows = %+v, %v", resp, err)
	}
}

func TestSendWithoutCoreSaysSo(t *testing.T) {
	_, err := Send(t.TempDir(), Request{Command: CmdOpenWindow, Role: "chat"})
	if !errors.Is(err, ErrNoCore) {
		t.Errorf("Send with no core: %v, want ErrNoCore", err)
	}
}

func TestOnlyWindowCommandsAreAccepted(t *testing.T) {
	dir := t.TempDir()
	serve(t, dir)
	for _, req := range []Request{{Command: "get-credential"}, {Command: ""}, {Command: CmdOpenWindow, Role: "settings"}} {
		if _, err := Send(dir, req); err == nil {
			t.Errorf("%+v was accepted", req)
		}
	}
	conn, err := net.Dial("unix", filepath.Join(dir, socketName))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("this is not json\n"))
	buf := make([]byte, 256)
	n, _ := conn.Read(buf)
	if !strings.Contains(string(buf[:n]), "bad request") {
		t.Errorf("garbage got %q, want a bad request answer", buf[:n])
	}
}

func TestSecondListenerIsBusy(t *testing.T) {
	dir := t.TempDir()
	serve(t, dir)
	if _, err := Listen(dir, &windows{}); !errors.Is(err, ErrBusy) {
		t.Errorf("second Listen: %v, want ErrBusy", err)
	}
}

func TestStaleSocketIsReplaced(t *testing.T) {
	dir := t.TempDir()
	// What a crashed core leaves: a socket file nobody listens on.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, socketName), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := Send(dir, Request{Command: CmdListWindows}); !errors.Is(err, ErrNoCore) {
		t.Fatalf("Send to a stale socket: %v, want ErrNoCore", err)
	}
	serve(t, dir)
	if _, err := Send(dir, Request{Command: CmdOpenWindow, Role: "chat"}); err != nil {
		t.Errorf("after replacing the stale socket: %v", err)
	}
}

func TestNonSocketInTheWayIsNotDeleted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, socketName)
	if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(dir, &windows{}); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("Listen over a regular file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Error("the regular file was changed")
	}
}

// TestClientOfAnotherUserIsRefused runs a client as uid 65534 (nobody)
// against a socket in a directory it may enter, so that only the peer
// credential check stands between it and the core.
func TestClientOfAnotherUserIsRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a client as another user")
	}
	dir, err := os.MkdirTemp("", "parley-control-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, h := serve(t, dir)
	if err := os.Chmod(filepath.Join(dir, socketName), 0o777); err != nil {
		t.Fatal(err)
	}
	// The test binary sits in a private build directory; give the other
	// user a copy it can run.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "client.test")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestHelperClient$", "-test.v")
	cmd.Env = append(os.Environ(), "PARLEY_CONTROL_CLIENT_DIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("client: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "refused: Parley accepts commands only from its own user") {
		t.Errorf("client of another uid got:\n%s", out)
	}
	if len(h.opened) != 0 {
		t.Errorf("a client of another uid opened windows: %v", h.opened)
	}
}

// TestHelperClient is the other user's client in TestClientOfAnotherUserIsRefused.
func TestHelperClient(t *testing.T) {
	dir := os.Getenv("PARLEY_CONTROL_CLIENT_DIR")
	if dir == "" {
		t.Skip("helper for TestClientOfAnotherUserIsRefused")
	}
	_, err := Send(dir, Request{Command: CmdOpenWindow, Role: "chat"})
	t.Logf("uid %d: %v", os.Getuid(), err)
	if err == nil {
		t.Fatal("accepted")
	}
}
