package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"parley/internal/chat"
	"parley/internal/cli"
	"parley/internal/geometry"
	"parley/internal/ipc"
	"parley/internal/settings"
)

// linkLostExit bounds how long a window lingers once its core is gone.
const linkLostExit = time.Second

// App is the Go object bound to a window's page. It holds no state of its
// own: each call goes to the core over the link, and the core's events go
// to the page.
type App struct {
	role    string
	theme   string        // the theme the window started in
	place   geometry.Rect // where the core wants the window; zero: anywhere
	ctx     context.Context
	conn    *jsonrpc2.Conn
	started chan struct{} // closed once ctx and conn are set
	seq     int           // numbers the events passed to the page; see handle
	shown   sync.Once     // see show
	placed  atomic.Bool   // the window is where it should be: its geometry counts
}

// runWindow runs one window process (opts.Window is its role) until its
// window closes or its link to the core does.
func runWindow(opts cli.Options) int {
	role := opts.Window
	a := &App{role: role, theme: opts.Theme, place: opts.Geometry, started: make(chan struct{})}
	size := map[string][2]int{ipc.RoleChat: {960, 700}, ipc.RoleOnboarding: {560, 640}, ipc.RoleSettings: {680, 760}}[role]
	if !a.place.IsZero() {
		size = [2]int{a.place.Width, a.place.Height}
	}
	err := wails.Run(&options.App{
		Title:            map[string]string{ipc.RoleChat: "Parley", ipc.RoleOnboarding: "Sign in to Parley", ipc.RoleSettings: "Parley Settings"}[role],
		Width:            size[0],
		Height:           size[1],
		MinWidth:         geometry.MinWidth,
		MinHeight:        geometry.MinHeight,
		StartHidden:      !a.place.IsZero(), // shown once placed; see show
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: background(a.theme),
		Menu:             a.menu(),
		OnStartup:        a.startup,
		OnDomReady:       a.show,
		OnBeforeClose:    a.beforeClose,
		Bind:             []any{a},
		Linux:            &linux.Options{ProgramName: "parley"},
	})
	if err != nil {
		log.Printf("window: %v", err)
		return 1
	}
	return 0
}

// menu is every window's menu bar. Wails v2 cannot change a menu once its
// window runs (on Linux, MenuUpdateApplicationMenu builds a menu bar it
// never shows), so View > Theme marks the theme the window started in;
// choosing one still applies it in every window.
func (a *App) menu() *menu.Menu {
	open := func(role string) func(*menu.CallbackData) {
		return func(*menu.CallbackData) {
			if err := a.OpenWindow(role); err != nil {
				log.Printf("open %s window: %v", role, err)
			}
		}
	}
	m := menu.NewMenu()
	file := m.AddSubmenu("File")
	file.AddText("New Window", keys.CmdOrCtrl("n"), open(ipc.RoleChat))
	file.AddText("Account…", nil, open(ipc.RoleOnboarding))
	file.AddText("Settings…", nil, open(ipc.RoleSettings))
	file.AddSeparator()
	file.AddText("Close Window", keys.CmdOrCtrl("w"), func(*menu.CallbackData) { runtime.Quit(a.ctx) })
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { a.quit() })

	edit := m.AddSubmenu("Edit")
	for _, e := range []struct{ label, key, action string }{
		{"Cut", "x", "cut"}, {"Copy", "c", "copy"}, {"Paste", "v", "paste"}, {"Select All", "a", "selectAll"},
	} {
		edit.AddText(e.label, keys.CmdOrCtrl(e.key), func(*menu.CallbackData) { a.edit(e.action) })
	}

	theme := m.AddSubmenu("View").AddSubmenu("Theme")
	current := cmp.Or(a.theme, settings.ThemeSystem)
	for _, t := range []struct{ label, value string }{
		{"System", settings.ThemeSystem}, {"Light", settings.ThemeLight}, {"Dark", settings.ThemeDark},
	} {
		theme.AddRadio(t.label, t.value == current, nil, func(*menu.CallbackData) { a.setTheme(t.value) })
	}
	return m
}

// startup links the window to the core on fd 3, and quits the window when
// that link closes.
func (a *App) startup(ctx context.Context) {
	conn, err := ipc.ChildConn()
	if err != nil {
		log.Printf("window: %v", err)
		os.Exit(2)
	}
	a.ctx = ctx
	a.conn = ipc.NewConn(ctx, conn, jsonrpc2.HandlerWithError(a.handle))
	close(a.started)
	time.AfterFunc(showAnyway, func() { a.show(ctx) })
	go func() {
		<-a.conn.DisconnectNotify()
		// The window holds no state of its own, so nothing is lost if the
		// orderly quit does not finish promptly.
		time.AfterFunc(linkLostExit, func() { os.Exit(0) })
		runtime.Quit(ctx)
	}()
}

// handle serves what the core sends: events for the page, and focus.
func (a *App) handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	switch req.Method {
	case ipc.NotifyEvent:
		var ev ipc.Event
		if req.Params == nil || json.Unmarshal(*req.Params, &ev) != nil {
			return nil, errors.New("bad event")
		}
		// The core's events arrive in order on the link (handle runs one at
		// a time). Numbering them lets a page that may receive them out of
		// order (a dev build's websocket) keep only the newest state.
		a.seq++
		runtime.EventsEmit(a.ctx, ev.Name, ev.Data, a.seq)
	case ipc.NotifyFocus:
		runtime.WindowUnminimise(a.ctx)
		runtime.WindowShow(a.ctx)
	case ipc.NotifyTitle:
		var p ipc.TextParams
		if req.Params != nil && json.Unmarshal(*req.Params, &p) == nil {
			runtime.WindowSetTitle(a.ctx, p.Text)
		}
	}
	return nil, nil
}

// call forwards one request to the core and returns the core's own error
// message, which is written for the user.
func (a *App) call(method string, params, result any) error {
	<-a.started
	err := a.conn.Call(a.ctx, method, params, result)
	var rpcErr *jsonrpc2.Error
	if errors.As(err, &rpcErr) {
		return errors.New(rpcErr.Message)
	}
	return err
}

// Ready tells the core that the page has subscribed to its events; the core
// answers with who this window is and then sends the current state.
func (a *App) Ready() (ipc.Hello, error) {
	var h ipc.Hello
	err := a.call(ipc.MethodReady, nil, &h)
	return h, err
}

// OpenWindow asks the core for a new window of role ("chat" or "onboarding").
func (a *App) OpenWindow(role string) error {
	return a.call(ipc.MethodOpenWindow, ipc.OpenWindowParams{Role: role}, nil)
}

// CloseWindow closes this window.
func (a *App) CloseWindow() {
	<-a.started
	runtime.Quit(a.ctx)
}

// SignInOptions returns the ways to sign in, for the wizard.
func (a *App) SignInOptions() (ipc.SignInOptions, error) {
	var o ipc.SignInOptions
	err := a.call(ipc.MethodSignInOptions, nil, &o)
	return o, err
}

// SignInWithKey hands the key the user pasted to the core, which checks it
// and keeps it; this window keeps nothing.
func (a *App) SignInWithKey(key string) error {
	return a.call(ipc.MethodSignInWithKey, ipc.KeyParams{Key: key}, nil)
}

// ImportEnvKey signs in with the core's ANTHROPIC_API_KEY.
func (a *App) ImportEnvKey() error { return a.call(ipc.MethodImportEnvKey, nil, nil) }

// StartOAuth starts a browser sign-in with method (an OAuth profile id).
func (a *App) StartOAuth(method string) error {
	return a.call(ipc.MethodStartOAuth, ipc.MethodParams{Method: method}, nil)
}

// UseSDKProfile signs in with an Anthropic SDK profile (ant auth login).
func (a *App) UseSDKProfile(name string) error {
	return a.call(ipc.MethodUseSDKProfile, ipc.MethodParams{Method: name}, nil)
}

// PasteCode completes a browser sign-in with a code the user pasted.
func (a *App) PasteCode(code string) error {
	return a.call(ipc.MethodPasteCode, ipc.CodeParams{Code: code}, nil)
}

// CancelSignIn stops a sign-in under way.
func (a *App) CancelSignIn() error { return a.call(ipc.MethodCancelSignIn, nil, nil) }

// ChooseStorage says where to keep a sign-in the keyring could not take:
// "session" or "file".
func (a *App) ChooseStorage(choice string) error {
	return a.call(ipc.MethodChooseStorage, ipc.StorageParams{Choice: choice}, nil)
}

// SignOut signs out of Parley in every window.
func (a *App) SignOut() error { return a.call(ipc.MethodSignOut, nil, nil) }

// ChatMessages returns this window's conversation as it stands.
func (a *App) ChatMessages() (chat.Snapshot, error) {
	var snap chat.Snapshot
	err := a.call(ipc.MethodChatMessages, nil, &snap)
	return snap, err
}

// ChatSend sends what the user typed in this window's conversation.
func (a *App) ChatSend(text string) error {
	return a.call(ipc.MethodChatSend, ipc.TextParams{Text: text}, nil)
}

// ChatStop stops the reply being written, keeping what came so far.
func (a *App) ChatStop() error { return a.call(ipc.MethodChatStop, nil, nil) }

// ChatRetry asks again for a reply that failed or was cut off.
func (a *App) ChatRetry() error { return a.call(ipc.MethodChatRetry, nil, nil) }

// ChatEdit replaces the last message the user sent and asks again.
func (a *App) ChatEdit(text string) error {
	return a.call(ipc.MethodChatEdit, ipc.TextParams{Text: text}, nil)
}

// ChatModels lists the models the account may use.
func (a *App) ChatModels() (ipc.ModelList, error) {
	var l ipc.ModelList
	err := a.call(ipc.MethodChatModels, nil, &l)
	return l, err
}

// ChatSetModel chooses the model for this conversation's next replies.
func (a *App) ChatSetModel(model string) error {
	return a.call(ipc.MethodChatSetModel, ipc.TextParams{Text: model}, nil)
}

// ChatSetSystem sets this conversation's system prompt.
func (a *App) ChatSetSystem(system string) error {
	return a.call(ipc.MethodChatSystem, ipc.TextParams{Text: system}, nil)
}
