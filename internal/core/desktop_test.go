//go:build unix

package core_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/chat"
	"parley/internal/core"
	"parley/internal/geometry"
	"parley/internal/history"
	"parley/internal/ipc"
	"parley/internal/settings"
	"parley/internal/signin"
)

// desktop is a harness whose windows make the calls it is given, with real
// settings (a signin.Service on a fresh settings file) and a geometry store.
type desktop struct {
	*harness
	settingsPath string
	geometry     *geometry.Store

	mu      sync.Mutex
	calls   string        // PARLEY_FAKE_CALLS for the next window
	started []startedArgs // what each window was started with
}

type startedArgs struct {
	role  string
	place geometry.Rect
	theme string
}

func newDesktop(t *testing.T, initial settings.Settings, configure ...func(*core.Config)) *desktop {
	t.Helper()
	dir := t.TempDir()
	d := &desktop{settingsPath: filepath.Join(dir, "settings.json"), calls: "[]"}
	if err := settings.Save(d.settingsPath, initial); err != nil {
		t.Fatal(err)
	}
	svc, err := signin.New(signin.Config{SettingsPath: d.settingsPath, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if d.geometry, err = geometry.Open(filepath.Join(dir, "state", "windows.json")); err != nil {
		t.Fatal(err)
	}
	d.harness = newHarness(t, "calls", append([]func(*core.Config){func(cfg *core.Config) {
		cfg.SignIn = svc
		cfg.Geometry = d.geometry
		cfg.Files = ipc.Files{Settings: d.settingsPath, Logs: filepath.Join(dir, "state"), Data: filepath.Join(dir, "data")}
		args := cfg.Args
		cfg.Args = func(role string, place geometry.Rect, theme string) []string {
			d.mu.Lock()
			d.started = append(d.started, startedArgs{role, place, theme})
			d.mu.Unlock()
			return args(role, place, theme)
		}
		env := cfg.WindowEnv
		cfg.WindowEnv = func() ([]string, string, error) {
			e, dev, err := env()
			d.mu.Lock()
			defer d.mu.Unlock()
			return append(e, "PARLEY_FAKE_CALLS="+d.calls), dev, err
		}
	}}, configure...)...)
	return d
}

// openCalling opens a window of role that makes calls (method, params
// pairs) once ready, and waits until it has its answers.
func (d *desktop) openCalling(role string, calls ...any) (id, pid int) {
	d.t.Helper()
	var list []map[string]any
	for i := 0; i < len(calls); i += 2 {
		list = append(list, map[string]any{"method": calls[i], "params": calls[i+1]})
	}
	b, _ := json.Marshal(list)
	d.mu.Lock()
	d.calls = string(b)
	d.mu.Unlock()
	id = d.open(role)
	d.waitFor("the window to be ready", func() bool { _, ok := d.status(id); return ok && d.ready(id) })
	st, _ := d.status(id)
	d.waitFor("the window's answers", func() bool { return len(d.answers(st.PID)) == len(list) })
	return id, st.PID
}

func (d *desktop) ready(id int) bool {
	st, ok := d.status(id)
	return ok && st.Ready
}

type answer struct {
	method string
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

// answers returns the answers window pid got to its calls, in order.
func (d *desktop) answers(pid int) []answer {
	var out []answer
	for _, r := range d.events(pid) {
		if m, ok := strings.CutPrefix(r.Method, "answer:"); ok {
			a := answer{method: m}
			_ = json.Unmarshal(r.Params, &a)
			out = append(out, a)
		}
	}
	return out
}

// settingsEvents returns the settings events window pid received.
func (d *desktop) settingsEvents(pid int) []ipc.Settings {
	return eventsNamed[ipc.Settings](d.harness, pid, ipc.EventSettings)
}

func (d *desktop) startedWith() []startedArgs {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]startedArgs(nil), d.started...)
}

func TestSettingsReachEveryWindowAndTheFile(t *testing.T) {
	d := newDesktop(t, settings.Settings{Theme: settings.ThemeLight, Anthropic: settings.AnthropicOAuth{ClientID: "kept"}})
	_, chatPID := d.openCalling(ipc.RoleChat)
	_, pid := d.openCalling(ipc.RoleSettings,
		ipc.MethodSettings, nil,
		ipc.MethodSaveSettings, map[string]any{"theme": "dark", "defaultModel": " claude-opus-4-5 "},
		ipc.MethodSaveSettings, map[string]any{"proxy": "htp://proxy:3128"},
	)
	got := d.answers(pid)

	var info ipc.SettingsInfo
	if err := json.Unmarshal(got[0].Result, &info); err != nil || got[0].Error != "" {
		t.Fatalf("settings: %s, %s", got[0].Result, got[0].Error)
	}
	if info.Settings.Theme != settings.ThemeLight || info.Files.Settings != d.settingsPath {
		t.Errorf("settings = %+v, want the light theme and the settings file's path", info)
	}

	var saved ipc.Settings
	if err := json.Unmarshal(got[1].Result, &saved); err != nil || got[1].Error != "" {
		t.Fatalf("saveSettings: %s, %s", got[1].Result, got[1].Error)
	}
	if saved.Theme != settings.ThemeDark || saved.DefaultModel != "claude-opus-4-5" || saved.Anthropic.ClientID != "kept" {
		t.Errorf("saveSettings = %+v, want the dark theme, the trimmed model, and the client ID kept", saved)
	}
	if got[2].Error == "" || !strings.Contains(got[2].Error, `Proxy "htp://proxy:3128"`) {
		t.Errorf("a bad proxy gave %q, want an error naming it", got[2].Error)
	}

	onDisk, err := settings.Load(d.settingsPath)
	if err != nil || onDisk.Theme != settings.ThemeDark || onDisk.DefaultModel != "claude-opus-4-5" || onDisk.Proxy != "" {
		t.Errorf("settings file = %+v, %v; want the good change saved and the bad proxy not", onDisk, err)
	}
	// Every window follows: the chat window opened before the change got
	// the light theme when it was ready, then the dark one.
	d.waitFor("the chat window to learn the dark theme", func() bool {
		evs := d.settingsEvents(chatPID)
		return len(evs) >= 2 && evs[0].Theme == settings.ThemeLight && evs[len(evs)-1].Theme == settings.ThemeDark
	})
	// The refused change sent nothing.
	time.Sleep(100 * time.Millisecond)
	if evs := d.settingsEvents(chatPID); len(evs) != 2 {
		t.Errorf("chat window got %d settings events, want 2 (ready, one change): %+v", len(evs), evs)
	}
	// A new window starts in the theme.
	d.open(ipc.RoleChat)
	if s := d.startedWith(); s[len(s)-1].theme != settings.ThemeDark {
		t.Errorf("new window started with theme %q, want dark", s[len(s)-1].theme)
	}
}

func TestOneSettingsWindowAtATime(t *testing.T) {
	d := newDesktop(t, settings.Settings{})
	first, _ := d.openCalling(ipc.RoleSettings)
	if again := d.open(ipc.RoleSettings); again != first {
		t.Errorf("a second settings window opened (%d), want window %d raised", again, first)
	}
	if n := len(d.c.ListWindows()); n != 1 {
		t.Errorf("%d windows open, want 1", n)
	}
}

func TestQuitFromAWindowClosesEveryWindow(t *testing.T) {
	d := newDesktop(t, settings.Settings{})
	d.openCalling(ipc.RoleChat)
	d.openCalling(ipc.RoleSettings)
	pids := []int{}
	for _, w := range d.c.ListWindows() {
		pids = append(pids, w.PID)
	}
	d.mu.Lock()
	d.calls = `[{"method": "quit"}]`
	d.mu.Unlock()
	d.open(ipc.RoleChat)
	select {
	case <-d.c.Done():
	case <-time.After(15 * time.Second):
		t.Fatalf("the core still has windows after Quit: %+v", d.c.ListWindows())
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("window pid %d still running after Quit", pid)
		}
	}
	if err := d.c.Err(); err != nil {
		t.Errorf("Err() = %v after Quit, want nil (a clean exit)", err)
	}
}

func TestNewWindowsOpenWhereTheLastWasAndCascade(t *testing.T) {
	d := newDesktop(t, settings.Settings{})
	// No record yet: the window system places the first window.
	d.openCalling(ipc.RoleChat)
	if s := d.startedWith(); !s[0].place.IsZero() {
		t.Errorf("first window placed at %v with no record", s[0].place)
	}
	moved := geometry.Rect{X: 120, Y: 80, Width: 900, Height: 640}
	_, pid := d.openCalling(ipc.RoleChat,
		ipc.MethodSaveGeometry, moved,
		ipc.MethodSaveGeometry, geometry.Rect{Width: 5, Height: 5},
	)
	if a := d.answers(pid); a[0].Error != "" || !strings.Contains(a[1].Error, "out of bounds") {
		t.Errorf("answers to saveGeometry: %+v; want the good one taken and the tiny one refused", a)
	}
	if r, ok := d.geometry.Get(ipc.RoleChat); !ok || r != moved {
		t.Errorf("stored chat geometry = %v, %v; want %v", r, ok, moved)
	}
	// The next chat window opens there, moved off the window that is there.
	d.open(ipc.RoleChat)
	d.open(ipc.RoleChat)
	s := d.startedWith()
	want1 := geometry.Rect{X: moved.X + geometry.Step, Y: moved.Y + geometry.Step, Width: moved.Width, Height: moved.Height}
	want2 := geometry.Rect{X: moved.X + 2*geometry.Step, Y: moved.Y + 2*geometry.Step, Width: moved.Width, Height: moved.Height}
	if s[2].place != want1 || s[3].place != want2 {
		t.Errorf("new chat windows placed at %v and %v, want %v and %v", s[2].place, s[3].place, want1, want2)
	}
	// Other roles keep their own record.
	d.open(ipc.RoleSettings)
	if s := d.startedWith(); !s[4].place.IsZero() {
		t.Errorf("settings window placed at %v from the chat windows' record", s[4].place)
	}
}

func TestNewChatStartsWithTheDefaultModel(t *testing.T) {
	store, _, err := history.Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var c *core.Core
	chats := chat.New(chat.Config{Store: store, Emit: func(conv, event string, data any) { c.ChatEvent(conv, event, data) }})
	d := newDesktop(t, settings.Settings{DefaultModel: "claude-haiku-4-5"}, func(cfg *core.Config) {
		cfg.Chat, cfg.History = chats, store
	})
	c = d.c
	id, pid := d.openCalling(ipc.RoleChat)
	var conv string
	d.waitFor("the window list", func() bool {
		for _, w := range d.lastWindows(pid) {
			if w.ID == id {
				conv = w.ConversationID
			}
		}
		return conv != ""
	})
	snap, err := chats.Snapshot(conv, 1)
	if err != nil || snap.Model != "claude-haiku-4-5" {
		t.Errorf("new window's conversation has model %q, %v; want the default model from the settings", snap.Model, err)
	}

	// So does a new conversation started in a window.
	_, pid = d.openCalling(ipc.RoleChat, ipc.MethodNewConversation, nil)
	var shown ipc.ConversationShown
	d.waitFor("the new conversation", func() bool {
		if all := eventsNamed[ipc.ConversationShown](d.harness, pid, ipc.EventConversation); len(all) > 0 {
			shown = all[len(all)-1]
		}
		return shown.ConversationID != ""
	})
	snap, err = chats.Snapshot(shown.ConversationID, 1)
	if err != nil || snap.Model != "claude-haiku-4-5" {
		t.Errorf("conversation started in a window has model %q, %v; want the default model", snap.Model, err)
	}
}

// TestProxyPasswordNeverReachesAWindow: windows see the proxy with its
// password masked; sending the masked form back keeps the password, and a
// new one replaces it.
func TestProxyPasswordNeverReachesAWindow(t *testing.T) {
	d := newDesktop(t, settings.Settings{Proxy: "http://ada:s3cret-pw@proxy.example:3128"})
	// The chat window sends the masked form back (with another change), as
	// a Settings page does; then the settings window types a new password.
	_, chatPID := d.openCalling(ipc.RoleChat,
		ipc.MethodSaveSettings, map[string]any{"proxy": "http://ada:xxxxx@proxy.example:3128", "theme": "dark"})
	d.waitFor("the first change", func() bool { return len(d.answers(chatPID)) == 1 })
	if onDisk, err := settings.Load(d.settingsPath); err != nil || onDisk.Proxy != "http://ada:s3cret-pw@proxy.example:3128" || onDisk.Theme != settings.ThemeDark {
		t.Errorf("after sending the masked form back, the file has %+v, %v; want the password kept", onDisk, err)
	}
	_, pid := d.openCalling(ipc.RoleSettings,
		ipc.MethodSettings, nil,
		ipc.MethodSaveSettings, map[string]any{"proxy": "http://bo:n3w-pw@proxy.example:3128"},
	)
	got := append(d.answers(chatPID), d.answers(pid)...)
	for _, a := range got {
		if strings.Contains(string(a.Result), "s3cret-pw") || strings.Contains(string(a.Result), "n3w-pw") || a.Error != "" {
			t.Errorf("%s answered %s %s", a.method, a.Result, a.Error)
		}
	}
	var info ipc.SettingsInfo
	if err := json.Unmarshal(got[1].Result, &info); err != nil || info.Settings.Proxy != "http://ada:xxxxx@proxy.example:3128" {
		t.Errorf("settings shows proxy %q, %v", info.Settings.Proxy, err)
	}
	d.waitFor("the chat window to learn the last change", func() bool {
		evs := d.settingsEvents(chatPID)
		return len(evs) > 0 && evs[len(evs)-1].Proxy == "http://bo:xxxxx@proxy.example:3128"
	})
	for _, ev := range d.events(chatPID) {
		if strings.Contains(string(ev.Params), "pw@") {
			t.Errorf("the chat window was sent a proxy password: %s", ev.Params)
		}
	}
	onDisk, err := settings.Load(d.settingsPath)
	if err != nil || onDisk.Proxy != "http://bo:n3w-pw@proxy.example:3128" || onDisk.Theme != settings.ThemeDark {
		t.Errorf("settings file = %+v, %v; want the masked form to have kept the password, then the new one saved", onDisk, err)
	}
}
