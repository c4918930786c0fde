package cli

import (
	"errors"
	"flag"
	"strings"
	"testing"

	"parley/internal/geometry"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string // substring of the usage error; empty for success
	}{
		{name: "no arguments starts or reaches the core", args: nil, want: Options{}},
		{name: "chat window role", args: []string{"--window=chat"}, want: Options{Window: "chat"}},
		{name: "onboarding window role", args: []string{"--window", "onboarding"}, want: Options{Window: "onboarding"}},
		{name: "help", args: []string{"--help"}, want: Options{Help: true}},
		{name: "short help", args: []string{"-h"}, want: Options{Help: true}},
		{name: "version", args: []string{"--version"}, want: Options{Version: true}},
		{name: "demo", args: []string{"--demo"}, want: Options{Demo: true}},
		{name: "new window", args: []string{"--new-window"}, want: Options{NewWindow: true}},
		{name: "new demo window", args: []string{"--demo", "--new-window"}, want: Options{Demo: true, NewWindow: true}},
		{name: "settings window role", args: []string{"--window=settings"}, want: Options{Window: "settings"}},
		{
			name: "window with geometry and theme",
			args: []string{"--window=chat", "--geometry=800x600+30-10", "--theme=dark"},
			want: Options{Window: "chat", Geometry: geometry.Rect{X: 30, Y: -10, Width: 800, Height: 600}, Theme: "dark"},
		},
		{name: "bad geometry", args: []string{"--window=chat", "--geometry=800x600"}, wantErr: `geometry "800x600" is not WIDTHxHEIGHT+X+Y`},
		{name: "tiny geometry", args: []string{"--window=chat", "--geometry=10x10+0+0"}, wantErr: "out of bounds"},
		{name: "unknown theme", args: []string{"--window=chat", "--theme=purple"}, wantErr: `unknown theme "purple" (themes: system, light, dark)`},
		{name: "geometry without a window", args: []string{"--geometry=800x600+0+0"}, wantErr: "are for window processes"},
		{name: "theme without a window", args: []string{"--theme=dark"}, wantErr: "are for window processes"},
		{name: "a window asking for a new window", args: []string{"--window=chat", "--new-window"}, wantErr: "--new-window asks Parley for a window"},
		{name: "unknown flag", args: []string{"--bogus"}, wantErr: "flag provided but not defined: -bogus"},
		{name: "unknown role", args: []string{"--window=editor"}, wantErr: `unknown window role "editor" (roles: chat, onboarding, settings)`},
		{name: "empty role value", args: []string{"--window"}, wantErr: "flag needs an argument"},
		{name: "stray argument", args: []string{"hello"}, wantErr: `unexpected argument "hello"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.args)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse(%q): %v", tt.args, err)
				}
				if got != tt.want {
					t.Errorf("Parse(%q) = %+v, want %+v", tt.args, got, tt.want)
				}
				return
			}
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse(%q) error = %v, want a *UsageError", tt.args, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.args, err, tt.wantErr)
			}
		})
	}
}

func TestWindowArgsParseBack(t *testing.T) {
	for _, want := range []Options{
		{Window: "chat"},
		{Window: "settings", Theme: "light"},
		{Window: "onboarding", Geometry: geometry.Rect{X: -5, Y: 12, Width: 560, Height: 640}, Theme: "system"},
	} {
		args := WindowArgs(want.Window, want.Geometry, want.Theme)
		got, err := Parse(args)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", args, got, err, want)
		}
	}
}

func TestUsageNamesEveryFlagAndRole(t *testing.T) {
	var b strings.Builder
	Usage(&b)
	flags(&Options{}).VisitAll(func(f *flag.Flag) {
		if !strings.Contains(b.String(), "-"+f.Name) {
			t.Errorf("usage does not document -%s", f.Name)
		}
	})
	for _, want := range []string{"--new-window", "--demo", "--help", "--version", "--window=ROLE", "chat, onboarding, settings", "--geometry=WxH+X+Y", "--theme=THEME", "system, light, dark"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
}
