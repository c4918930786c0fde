// Package control is Parley's single-instance door: a unix socket, private to
// the user, on which a running core accepts "open a window" style commands
// from a second `parley` launch. It never carries secrets and accepts nothing
// else.
package control

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Commands the control socket accepts.
const (
	CmdOpenWindow  = "open-window"
	CmdListWindows = "list-windows"
)

// ErrNoCore means no core is listening for this user.
var ErrNoCore = errors.New("no Parley core is running")

// ErrBusy means another core holds the instance lock but is not answering on
// its socket yet (it is starting up). Try Send again shortly.
var ErrBusy = errors.New("another Parley core is starting")

// Request is one command, sent as a single JSON line.
type Request struct {
	Command string `json:"command"`
	Role    string `json:"role,omitempty"`
}

// Response answers a Request.
type Response struct {
	Error    string         `json:"error,omitempty"`
	WindowID int            `json:"windowId,omitempty"`
	Windows  []WindowStatus `json:"windows,omitempty"`
}

// WindowStatus describes one window process, for tests, benchmarks and
// scripts. Devserver is set only in dev builds.
type WindowStatus struct {
	ID        int    `json:"id"`
	Role      string `json:"role"`
	PID       int    `json:"pid"`
	Ready     bool   `json:"ready"`
	Devserver string `json:"devserver,omitempty"`
}

// Handler carries out commands for a Server.
type Handler interface {
	OpenWindow(role string) (id int, err error)
	ListWindows() []WindowStatus
}

// socketName is the control socket's file name inside Dir.
const socketName = "control.sock"

// Dir returns the private directory for the control socket and lock,
// creating it with mode 0700: $XDG_RUNTIME_DIR/parley, or
// $TMPDIR/parley-<uid> when XDG_RUNTIME_DIR is unset. It refuses a
// directory that another user owns or that others can enter.
func Dir() (string, error) {
	var dir string
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		dir = filepath.Join(rt, "parley")
	} else {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("parley-%d", os.Getuid()))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("control directory: %w", err)
	}
	if err := checkPrivate(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// Send delivers one command to the core listening in dir. It returns an
// error wrapping ErrNoCore when nothing listens there (or only a stale
// socket is left), and the core's own message when it refuses the command.
func Send(dir string, req Request) (Response, error) {
	conn, err := net.DialTimeout("unix", filepath.Join(dir, socketName), 2*time.Second)
	if err != nil {
		return Response{}, fmt.Errorf("%w: %v", ErrNoCore, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	writeErr := json.NewEncoder(conn).Encode(req)
	var resp Response
	// Read the answer even if writing failed: a core that refuses the
	// request may answer before it has read it.
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&resp); err != nil {
		return Response{}, fmt.Errorf("control: no answer from the core: %w", errors.Join(writeErr, err))
	}
	if resp.Error != "" {
		return resp, errors.New(resp.Error)
	}
	return resp, nil
}
