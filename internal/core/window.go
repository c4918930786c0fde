package core

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os/exec"
	"sync"

	"github.com/sourcegraph/jsonrpc2"

	"parley/internal/geometry"
	"parley/internal/ipc"
)

// window is the core's record of one window process.
type window struct {
	id           int
	role         string
	conversation string // the conversation a chat window shows; guarded by Core.mu
	position     int    // the message to show first, -1 for the end; guarded by Core.mu
	title        string // the conversation's title, once it has one; guarded by Core.mu
	devserver    string
	cmd          *exec.Cmd
	conn         *jsonrpc2.Conn
	out          *outbox
	ready        bool          // guarded by Core.mu
	rect         geometry.Rect // where it is, as it last said (or was placed); guarded by Core.mu
}

func (w *window) info() ipc.WindowInfo {
	title := w.title
	switch {
	case w.role == ipc.RoleOnboarding:
		title = "Sign in"
	case w.role == ipc.RoleSettings:
		title = "Settings"
	case title == "":
		title = "New chat"
	}
	return ipc.WindowInfo{ID: w.id, Role: w.role, Title: title, ConversationID: w.conversation}
}

// handler serves the requests window w makes on its link, each in its own
// goroutine so that a slow one (checking a key) holds up nothing else.
func (c *Core) handler(w *window) jsonrpc2.Handler {
	return jsonrpc2.AsyncHandler(jsonrpc2.HandlerWithError(func(ctx context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
		if c.cfg.SignIn != nil {
			if res, ok, err := c.handleSignIn(ctx, req); ok {
				return res, err
			}
		}
		if c.cfg.Chat != nil && w.role == ipc.RoleChat {
			if res, ok, err := c.handleChat(ctx, w, req); ok {
				return res, err
			}
			if res, ok, err := c.handleHistory(w, req); ok {
				return res, err
			}
		}
		if res, ok, err := c.handleDesktop(ctx, w, req); ok {
			return res, err
		}
		switch req.Method {
		case ipc.MethodReady:
			return c.ready(w), nil
		case ipc.MethodOpenWindow:
			var p ipc.OpenWindowParams
			if err := unmarshalParams(req, &p); err != nil {
				return nil, err
			}
			id, err := c.OpenWindow(p.Role)
			if err != nil {
				return nil, err
			}
			return ipc.OpenWindowResult{WindowID: id}, nil
		default:
			return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: fmt.Sprintf("no method %q", req.Method)}
		}
	}).SuppressErrClosed())
}

func unmarshalParams(req *jsonrpc2.Request, v any) error {
	if req.Params == nil {
		return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: "missing params"}
	}
	if err := json.Unmarshal(*req.Params, v); err != nil {
		return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: err.Error()}
	}
	return nil
}

// outbox queues a window's notifications and sends them in order from one
// goroutine, so that the core never blocks on a slow window while holding
// its lock, and the page sees events in the order they happened.
type outbox struct {
	mu     sync.Mutex
	items  []note
	wake   chan struct{}
	closed bool
}

type note struct {
	method string
	params any
}

func newOutbox() *outbox { return &outbox{wake: make(chan struct{}, 1)} }

func (o *outbox) push(method string, params any) {
	o.mu.Lock()
	if !o.closed {
		o.items = append(o.items, note{method, params})
	}
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// pushEvent queues an event for the page. The data is encoded now, so a
// later change to it cannot alter what was queued.
func (o *outbox) pushEvent(name string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		log.Printf("event %s: %v", name, err)
		return
	}
	o.push(ipc.NotifyEvent, ipc.Event{Name: name, Data: raw})
}

func (o *outbox) close() {
	o.mu.Lock()
	o.closed = true
	o.items = nil
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// drain sends queued notifications until the outbox is closed.
func (o *outbox) drain(conn *jsonrpc2.Conn) {
	for range o.wake {
		o.mu.Lock()
		items, closed := o.items, o.closed
		o.items = nil
		o.mu.Unlock()
		if closed {
			return
		}
		for _, n := range items {
			if err := conn.Notify(context.Background(), n.method, n.params); err != nil {
				return // the link is gone; watch() cleans up
			}
		}
	}
}
