package core

import (
	"context"
	"log"
	"slices"
	"strings"

	"github.com/sourcegraph/jsonrpc2"

	"parley/internal/geometry"
	"parley/internal/history"
	"parley/internal/ipc"
	"parley/internal/netproxy"
	"parley/internal/settings"
)

// handleDesktop serves what every window can ask of Parley as a whole:
// settings, models, window geometry, quitting; ok is false for other
// methods.
func (c *Core) handleDesktop(ctx context.Context, w *window, req *jsonrpc2.Request) (result any, ok bool, err error) {
	switch req.Method {
	case ipc.MethodQuit:
		go c.Shutdown() // it waits for this window too, so not here
		return nil, true, nil
	case ipc.MethodSettings:
		c.mu.Lock()
		defer c.mu.Unlock()
		return ipc.SettingsInfo{Settings: c.settingsLocked(), Files: c.cfg.Files}, true, nil
	case ipc.MethodSaveSettings:
		var ch ipc.SettingsChange
		if err := unmarshalParams(req, &ch); err != nil {
			return nil, true, err
		}
		st, err := c.saveSettings(ch)
		return st, true, err
	case ipc.MethodModels:
		return c.models(ctx), true, nil
	case ipc.MethodSaveGeometry:
		var r geometry.Rect
		if err := unmarshalParams(req, &r); err != nil {
			return nil, true, err
		}
		return nil, true, c.saveGeometry(w, r)
	}
	return nil, false, nil
}

// saveSettings applies a window's change to the settings, saves them, and
// tells every window. A bad value changes nothing, and the error says
// which setting and what to write instead.
func (c *Core) saveSettings(ch ipc.SettingsChange) (ipc.Settings, error) {
	if c.cfg.SignIn == nil {
		return ipc.Settings{}, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "this Parley has no settings"}
	}
	st, err := c.cfg.SignIn.UpdateSettings(func(st *settings.Settings) error {
		apply(ch, st)
		return st.Validate()
	})
	if err != nil {
		return settingsView(st), err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Read again under the lock: of two changes, the one sent last carries
	// both, whichever order they were saved in.
	c.broadcastLocked(ipc.EventSettings, c.settingsLocked())
	return settingsView(st), nil
}

// apply copies what ch changes into st, without the spaces around what
// the user typed.
func apply(ch ipc.SettingsChange, st *settings.Settings) {
	trim := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	trim(&st.Theme, ch.Theme)
	trim(&st.DefaultModel, ch.DefaultModel)
	// Windows see the proxy with its password masked (settingsView); the
	// masked form sent back keeps the password.
	if ch.Proxy != nil && strings.TrimSpace(*ch.Proxy) != netproxy.Redacted(st.Proxy) {
		trim(&st.Proxy, ch.Proxy)
	}
	if a := ch.Anthropic; a != nil {
		st.Anthropic = settings.AnthropicOAuth{
			ClientID: strings.TrimSpace(a.ClientID), AuthorizeURL: strings.TrimSpace(a.AuthorizeURL), TokenURL: strings.TrimSpace(a.TokenURL),
		}
	}
	if g := ch.Gateway; g != nil {
		st.Gateway = settings.Gateway{
			Issuer: strings.TrimSpace(g.Issuer), ClientID: strings.TrimSpace(g.ClientID), APIBaseURL: strings.TrimSpace(g.APIBaseURL),
			Scopes: strings.Fields(strings.Join(g.Scopes, " ")),
		}
	}
}

// settingsLocked is what windows see of the settings; c.mu is held.
func (c *Core) settingsLocked() ipc.Settings {
	if c.cfg.SignIn == nil {
		return settingsView(settings.Settings{})
	}
	return settingsView(c.cfg.SignIn.Settings())
}

func settingsView(st settings.Settings) ipc.Settings {
	return ipc.Settings{
		Theme: st.UITheme(), DefaultModel: st.DefaultModel, Proxy: netproxy.Redacted(st.Proxy),
		Anthropic: st.Anthropic, Gateway: st.Gateway,
	}
}

// newConversation names a new conversation and gives it the default
// model from the settings. Call it without c.mu: the chat service emits
// events, which take c.mu, while holding its own lock.
func (c *Core) newConversation() string {
	id := history.NewID()
	c.mu.Lock()
	model := c.settingsLocked().DefaultModel
	c.mu.Unlock()
	if model != "" && c.cfg.Chat != nil {
		if err := c.cfg.Chat.SetModel(id, model); err != nil {
			log.Printf("default model %s: %v", model, err)
		}
	}
	return id
}

// saveGeometry remembers where window w is, for the next window of its
// role, and for placing new windows beside it.
func (c *Core) saveGeometry(w *window, r geometry.Rect) error {
	if !r.Valid() {
		return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: "window geometry out of bounds: " + r.String()}
	}
	c.mu.Lock()
	w.rect = r
	c.mu.Unlock()
	if c.cfg.Geometry == nil {
		return nil
	}
	return c.cfg.Geometry.Set(w.role, r)
}

// placeLocked returns where a new window of role goes: where the last one
// was, moved off the open windows of its role; zero when Parley has no
// record, and the window system places it. c.mu is held.
func (c *Core) placeLocked(role string) geometry.Rect {
	if c.cfg.Geometry == nil {
		return geometry.Rect{}
	}
	r, ok := c.cfg.Geometry.Get(role)
	if !ok {
		return geometry.Rect{}
	}
	var open []geometry.Rect
	for _, w := range c.windows {
		if w.role == role && !w.rect.IsZero() {
			open = append(open, w.rect)
		}
	}
	return geometry.Cascade(r, open)
}

// singleRoles are the roles with at most one window: asking for another
// raises the one that is open.
var singleRoles = []string{ipc.RoleOnboarding, ipc.RoleSettings}

// raiseLocked raises the open window of role if role is one of the
// singleRoles, and returns its id; c.mu is held.
func (c *Core) raiseLocked(role string) (int, bool) {
	if !slices.Contains(singleRoles, role) {
		return 0, false
	}
	for _, w := range c.windows {
		if w.role == role {
			w.out.push(ipc.NotifyFocus, nil)
			return w.id, true
		}
	}
	return 0, false
}
