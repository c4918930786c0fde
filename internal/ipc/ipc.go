// Package ipc is the protocol between Parley's core and its window processes:
// JSON-RPC 2.0, newline-delimited, over one end of a socketpair each.
//
// Windows call the core (methods named Method*); the core pushes state to
// windows with notifications (Notify*). Nothing on this link ever carries a
// secret: windows receive labels and masked hints only.
package ipc

import (
	"context"
	"encoding/json"
	"io"

	"github.com/sourcegraph/jsonrpc2"
)

// Methods a window calls on the core.
const (
	// MethodReady says the page has subscribed to its events. The core answers
	// with a [Hello] and then sends the current state as [Event]s, so nothing
	// emitted before the page was listening is lost. A page may call it again
	// (after a reload, or from a second page in a dev build); each call resends
	// the state.
	MethodReady = "ready"
	// MethodOpenWindow asks the core for a new window; params [OpenWindowParams].
	MethodOpenWindow = "openWindow"
)

// Notifications the core sends to a window.
const (
	// NotifyEvent carries an [Event] for the window to hand to its page.
	NotifyEvent = "event"
	// NotifyFocus asks the window to show and raise itself.
	NotifyFocus = "focus"
)

// Event names, as the page subscribes to them.
const (
	EventWindows = "windows" // data: []WindowInfo, every open window
	EventAccount = "account" // data: Account
)

// Window roles.
const (
	RoleChat       = "chat"
	RoleOnboarding = "onboarding"
)

// Roles lists every window role, in the order a usage message shows them.
var Roles = []string{RoleChat, RoleOnboarding}

// Hello is what a window learns about itself when it calls [MethodReady].
type Hello struct {
	WindowID       int    `json:"windowId"`
	Role           string `json:"role"`
	ConversationID string `json:"conversationId,omitempty"`
}

// OpenWindowParams are the params of [MethodOpenWindow].
type OpenWindowParams struct {
	Role string `json:"role"`
}

// OpenWindowResult is the result of [MethodOpenWindow].
type OpenWindowResult struct {
	WindowID int `json:"windowId"`
}

// WindowInfo describes one open window to the pages, for the window list.
type WindowInfo struct {
	ID             int    `json:"id"`
	Role           string `json:"role"`
	Title          string `json:"title"`
	ConversationID string `json:"conversationId,omitempty"`
}

// Account is the sign-in state that every window shows. It never holds a
// secret: Label is an email, an organisation or a masked key hint.
type Account struct {
	State   string `json:"state"`          // "signed-out", "signed-in" or "needs-sign-in"
	Kind    string `json:"kind,omitempty"` // "api-key" or "oauth"
	Label   string `json:"label,omitempty"`
	Problem string `json:"problem,omitempty"` // what went wrong, for the user
}

// Event is the params of [NotifyEvent].
type Event struct {
	Name string          `json:"name"`
	Data json.RawMessage `json:"data"`
}

// NewConn starts a JSON-RPC connection over rw and serves incoming requests
// and notifications with h, one at a time and in order. The connection
// closes when rw does; watch [jsonrpc2.Conn.DisconnectNotify] for that.
func NewConn(ctx context.Context, rw io.ReadWriteCloser, h jsonrpc2.Handler) *jsonrpc2.Conn {
	return jsonrpc2.NewConn(ctx, jsonrpc2.NewPlainObjectStream(rw), h)
}
