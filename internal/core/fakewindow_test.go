//go:build unix

package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/sourcegraph/jsonrpc2"

	"parley/internal/ipc"
)

// The test binary doubles as a window process: the core under test starts it
// with PARLEY_FAKE_WINDOW set, and it speaks the real protocol on fd 3 the
// way a Wails window does, without a display. Every notification it
// receives is appended to $PARLEY_FAKE_LOG/<pid>.jsonl.
//
// Modes:
//
//	normal    ready, then run until the link closes or SIGTERM (like closing the window)
//	calls     like normal, but after ready make the calls in $PARLEY_FAKE_CALLS (a
//	          JSON array of {method, params}), logging each answer as
//	          {"method": "answer:<method>", "params": {result, error}}
//	crash     exit 3 before calling ready (a window that cannot open)
//	stubborn  ready, then ignore the link closing (a hung window)
func init() {
	mode := os.Getenv("PARLEY_FAKE_WINDOW")
	if mode == "" {
		return
	}
	os.Exit(fakeWindow(mode))
}

func fakeWindow(mode string) int {
	if mode == "crash" {
		return 3
	}
	conn, err := ipc.ChildConn()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	logf, err := os.OpenFile(filepath.Join(os.Getenv("PARLEY_FAKE_LOG"), fmt.Sprintf("%d.jsonl", os.Getpid())), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	enc := json.NewEncoder(logf)
	// What a window could leak: the secrets its environment holds.
	_ = enc.Encode(map[string]any{"method": "env", "params": os.Getenv("ANTHROPIC_API_KEY") + os.Getenv("ANTHROPIC_AUTH_TOKEN")})
	c := ipc.NewConn(context.Background(), conn, jsonrpc2.HandlerWithError(func(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
		_ = enc.Encode(map[string]any{"method": req.Method, "params": req.Params})
		return nil, nil
	}))
	var hello ipc.Hello
	if err := c.Call(context.Background(), ipc.MethodReady, nil, &hello); err != nil {
		return 4
	}
	if mode == "calls" {
		var calls []struct {
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		if err := json.Unmarshal([]byte(os.Getenv("PARLEY_FAKE_CALLS")), &calls); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		for _, call := range calls {
			var params any
			if call.Params != nil {
				params = call.Params
			}
			var result json.RawMessage
			err := c.Call(context.Background(), call.Method, params, &result)
			answer := map[string]any{"result": result}
			if err != nil {
				answer["error"] = err.Error()
			}
			_ = enc.Encode(map[string]any{"method": "answer:" + call.Method, "params": answer})
		}
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	if mode == "stubborn" {
		<-term
		return 0
	}
	select {
	case <-c.DisconnectNotify():
	case <-term:
	}
	return 0
}
