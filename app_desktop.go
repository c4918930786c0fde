package main

import (
	"context"
	"errors"
	"log"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"parley/internal/geometry"
	"parley/internal/ipc"
	"parley/internal/settings"
)

// What a window does for the desktop: its place on the screen, the Edit
// menu, the theme, quitting.

// editEvent carries an Edit menu command to the page: "cut", "copy",
// "paste" or "selectAll". The menu's shortcuts reach GTK before the web
// view, so the page carries the commands out itself.
const editEvent = "edit"

// showAnyway bounds how long a window placed by the core stays hidden if
// its page never says it is ready.
const showAnyway = 5 * time.Second

// show puts the window where the core asked (moved onto the screen if
// that place is off it) and shows it, once, when its page has loaded;
// from then on the window reports where it is.
func (a *App) show(ctx context.Context) {
	a.shown.Do(func() {
		<-a.started
		if !a.place.IsZero() {
			r := a.place
			if w, h, ok := screenSize(ctx); ok {
				r = r.Fit(w, h)
			}
			if r.Width != a.place.Width || r.Height != a.place.Height {
				runtime.WindowSetSize(ctx, r.Width, r.Height)
			}
			runtime.WindowSetPosition(ctx, r.X, r.Y)
			runtime.WindowShow(ctx)
		}
		a.placed.Store(true)
		go a.watchGeometry()
	})
}

// screenSize returns the size of the screen the window is on.
func screenSize(ctx context.Context) (width, height int, ok bool) {
	screens, err := runtime.ScreenGetAll(ctx)
	if err != nil || len(screens) == 0 {
		return 0, 0, false
	}
	s := screens[0]
	for _, sc := range screens {
		if sc.IsCurrent {
			s = sc
		}
	}
	return s.Size.Width, s.Size.Height, true
}

// watchGeometry tells the core where the window is each time it has moved
// or been resized and then stayed put for a second.
func (a *App) watchGeometry() {
	var last, sent geometry.Rect
	for range time.Tick(time.Second) {
		r, ok := a.geometry()
		if ok && r == last && r != sent {
			a.saveGeometry(r)
			sent = r
		}
		last = r
	}
}

// geometry returns where the window is; ok is false when that is not worth
// remembering (maximised, minimised, full screen).
func (a *App) geometry() (r geometry.Rect, ok bool) {
	if !runtime.WindowIsNormal(a.ctx) {
		return r, false
	}
	r.X, r.Y = runtime.WindowGetPosition(a.ctx)
	r.Width, r.Height = runtime.WindowGetSize(a.ctx)
	return r, r.Valid()
}

func (a *App) saveGeometry(r geometry.Rect) {
	ctx, cancel := context.WithTimeout(a.ctx, time.Second)
	defer cancel()
	if err := a.conn.Call(ctx, ipc.MethodSaveGeometry, r, nil); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		log.Printf("window geometry: %v", err)
	}
}

// beforeClose tells the core where the window was as it closes, so that
// the next window of its role opens there.
func (a *App) beforeClose(context.Context) bool {
	if a.placed.Load() {
		if r, ok := a.geometry(); ok {
			a.saveGeometry(r)
		}
	}
	return false
}

// quit asks the core to close every window, which ends Parley.
func (a *App) quit() {
	if err := a.call(ipc.MethodQuit, nil, nil); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		log.Printf("quit: %v", err)
	}
}

// edit hands an Edit menu command to the page (see editEvent).
func (a *App) edit(action string) {
	<-a.started
	runtime.EventsEmit(a.ctx, editEvent, action)
}

// setTheme makes theme every window's theme.
func (a *App) setTheme(theme string) {
	if _, err := a.SaveSettings(ipc.SettingsChange{Theme: &theme}); err != nil {
		log.Printf("theme: %v", err)
	}
}

// background is the window's colour until its page paints: the page's own
// background in theme (light for "system", which only the page can tell).
func background(theme string) *options.RGBA {
	if theme == settings.ThemeDark {
		return &options.RGBA{R: 30, G: 29, B: 27, A: 255}
	}
	return &options.RGBA{R: 250, G: 250, B: 249, A: 255}
}

// Settings returns the settings and where Parley keeps its files, for the
// Settings window.
func (a *App) Settings() (ipc.SettingsInfo, error) {
	var info ipc.SettingsInfo
	err := a.call(ipc.MethodSettings, nil, &info)
	return info, err
}

// SaveSettings changes the settings that change sets (nil fields stay as
// they are); every window follows. A bad value changes nothing, and the
// error says what to write instead.
func (a *App) SaveSettings(change ipc.SettingsChange) (ipc.Settings, error) {
	var s ipc.Settings
	err := a.call(ipc.MethodSaveSettings, change, &s)
	return s, err
}

// Models lists the models the account may use, for the default model.
func (a *App) Models() (ipc.ModelList, error) {
	var l ipc.ModelList
	err := a.call(ipc.MethodModels, nil, &l)
	return l, err
}
