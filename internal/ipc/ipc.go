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

	// The onboarding wizard's methods. Params carry what the user typed;
	// results and events never carry a secret back.
	MethodSignInOptions = "signInOptions" // result [SignInOptions]
	MethodSignInWithKey = "signInWithKey" // params [KeyParams]
	MethodImportEnvKey  = "importEnvKey"
	MethodStartOAuth    = "startOAuth" // params [MethodParams]
	MethodPasteCode     = "pasteCode"  // params [CodeParams]
	MethodCancelSignIn  = "cancelSignIn"
	MethodChooseStorage = "chooseStorage" // params [StorageParams]
	MethodSignOut       = "signOut"
	MethodUseSDKProfile = "useSDKProfile" // params [MethodParams] with the profile name

	// A chat window's methods, on its own conversation.
	MethodChatMessages = "chatMessages" // result: the conversation's messages
	MethodChatSend     = "chatSend"     // params [TextParams]
	MethodChatStop     = "chatStop"
	MethodChatRetry    = "chatRetry"    // also "regenerate", after a complete reply
	MethodChatEdit     = "chatEdit"     // params [TextParams]: the last user message, edited
	MethodChatModels   = "chatModels"   // result [ModelList]
	MethodChatSetModel = "chatSetModel" // params [TextParams] with the model id
	MethodChatSystem   = "chatSystem"   // params [TextParams] with the system prompt
)

// ModelList is what the model picker offers.
type ModelList struct {
	Models []Model `json:"models"`
	// Note says why the list is a fallback, if it is ("" when it came from
	// the API).
	Note string `json:"note,omitempty"`
}

// Model is one model the account may use.
type Model struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TextParams carries what the user typed.
type TextParams struct {
	Text string `json:"text"`
}

// Notifications the core sends to a window.
const (
	// NotifyEvent carries an [Event] for the window to hand to its page.
	NotifyEvent = "event"
	// NotifyFocus asks the window to show and raise itself.
	NotifyFocus = "focus"
	// NotifyTitle gives the window its title; params [TextParams].
	NotifyTitle = "title"
)

// Event names, as the page subscribes to them.
const (
	EventWindows = "windows" // data: []WindowInfo, every open window
	EventAccount = "account" // data: Account
	EventSignIn  = "signin"  // data: SignInProgress
)

// SignInProgress is what the wizard shows of a sign-in under way.
type SignInProgress struct {
	State   string `json:"state"`             // one of the SignIn* states
	Method  string `json:"method,omitempty"`  // "api-key" or an OAuth profile
	Message string `json:"message,omitempty"` // for the user
	AuthURL string `json:"authUrl,omitempty"` // to open by hand if the browser did not
}

// Sign-in progress states.
const (
	SignInIdle      = "idle"
	SignInBrowser   = "waiting-for-browser"
	SignInChecking  = "checking"
	SignInDone      = "signed-in"
	SignInFailed    = "failed"
	SignInNoStorage = "needs-storage" // saving failed: the user chooses where to keep it
)

// KeyParams carries an API key the user pasted.
type KeyParams struct {
	Key string `json:"key"`
}

// MethodParams names a sign-in method.
type MethodParams struct {
	Method string `json:"method"`
}

// CodeParams carries an authorization code the user pasted.
type CodeParams struct {
	Code string `json:"code"`
}

// StorageParams is the user's choice of where to keep the sign-in.
type StorageParams struct {
	Choice string `json:"choice"` // "session" or "file"
	Path   string `json:"path,omitempty"`
}

// SignInOptions is what the wizard needs to start.
type SignInOptions struct {
	Methods    []SignInMethod `json:"methods"`
	EnvKeyHint string         `json:"envKeyHint,omitempty"` // masked, when ANTHROPIC_API_KEY is set
	Storage    string         `json:"storage"`              // where a sign-in will be kept, in words
	Progress   SignInProgress `json:"progress"`             // a sign-in under way, if any
	// SDKProfiles are the profiles Anthropic's own tools wrote (ant auth login).
	SDKProfiles []SDKProfile `json:"sdkProfiles,omitempty"`
}

// SDKProfile is one Anthropic SDK profile, for the wizard: never a secret.
type SDKProfile struct {
	Name    string `json:"name"`
	Label   string `json:"label,omitempty"`
	Usable  bool   `json:"usable"`
	Problem string `json:"problem,omitempty"`
}

// SignInMethod is one way to sign in.
type SignInMethod struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Problem     string `json:"problem,omitempty"`
}

// Window roles.
const (
	RoleChat       = "chat"
	RoleOnboarding = "onboarding"
)

// Roles lists every window role, in the order a usage message shows them.
var Roles = []string{RoleChat, RoleOnboarding, RoleSettings}

// Hello is what a window learns about itself when it calls [MethodReady].
type Hello struct {
	WindowID       int    `json:"windowId"`
	Role           string `json:"role"`
	ConversationID string `json:"conversationId,omitempty"`
	// Demo is set when Parley runs its offline demo.
	Demo bool `json:"demo,omitempty"`
	// Position is the message of the conversation to bring into view, -1
	// for the end.
	Position int `json:"position"`
	// Notice is something the user should know about Parley's state, such
	// as a history file that was damaged and set aside.
	Notice string `json:"notice,omitempty"`
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
