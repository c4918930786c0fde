package geometry

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestStringAndParseRoundTrip(t *testing.T) {
	for _, r := range []Rect{{X: 10, Y: 20, Width: 800, Height: 600}, {X: -40, Y: 0, Width: 420, Height: 420}} {
		got, err := Parse(r.String())
		if err != nil || got != r {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", r.String(), got, err, r)
		}
	}
	if s := (Rect{X: 10, Y: 20, Width: 800, Height: 600}).String(); s != "800x600+10+20" {
		t.Errorf("String() = %q, want 800x600+10+20", s)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, s := range []string{"", "800x600", "800x600+1", "800 x600+1+2", "axb+1+2", "100x100+0+0", "800x99999999+0+0", "800x600+0+0x"} {
		if r, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", s, r)
		}
	}
}

func TestFitKeepsTheWindowOnScreen(t *testing.T) {
	tests := []struct {
		name string
		r    Rect
		want Rect
	}{
		{"already on screen", Rect{X: 100, Y: 50, Width: 800, Height: 600}, Rect{X: 100, Y: 50, Width: 800, Height: 600}},
		{"off the right and bottom", Rect{X: 1200, Y: 700, Width: 800, Height: 600}, Rect{X: 480, Y: 200, Width: 800, Height: 600}},
		{"off the left and top", Rect{X: -300, Y: -20, Width: 800, Height: 600}, Rect{X: 0, Y: 0, Width: 800, Height: 600}},
		{"larger than the screen", Rect{X: 10, Y: 10, Width: 3000, Height: 2000}, Rect{X: 0, Y: 0, Width: 1280, Height: 800}},
	}
	for _, tt := range tests {
		if got := tt.r.Fit(1280, 800); got != tt.want {
			t.Errorf("%s: Fit = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	// A screen smaller than the minimum keeps the minimum size.
	if got := (Rect{Width: 800, Height: 600}).Fit(300, 300); got.Width != MinWidth || got.Height != MinHeight {
		t.Errorf("Fit on a tiny screen = %+v, want the minimum size", got)
	}
}

func TestCascadeMovesOffOpenWindows(t *testing.T) {
	base := Rect{X: 100, Y: 100, Width: 800, Height: 600}
	if got := Cascade(base, nil); got != base {
		t.Errorf("Cascade with no open windows = %+v, want %+v", got, base)
	}
	elsewhere := []Rect{{X: 500, Y: 400, Width: 800, Height: 600}}
	if got := Cascade(base, elsewhere); got != base {
		t.Errorf("Cascade beside an open window elsewhere = %+v, want %+v", got, base)
	}
	open := []Rect{base, {X: 100 + Step + 3, Y: 100 + Step - 2, Width: 600, Height: 500}}
	want := Rect{X: 100 + 2*Step, Y: 100 + 2*Step, Width: 800, Height: 600}
	if got := Cascade(base, open); got != want {
		t.Errorf("Cascade over two open windows = %+v, want %+v", got, want)
	}
}

func TestStoreRemembersEachRoleAcrossOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "windows.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Get("chat"); ok {
		t.Fatal("a new store knows a chat window")
	}
	chat := Rect{X: 10, Y: 20, Width: 900, Height: 700}
	settings := Rect{X: 300, Y: 40, Width: 600, Height: 640}
	if err := s.Set("chat", chat); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("settings", settings); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("chat", Rect{Width: 10, Height: 10}); err == nil {
		t.Error("Set accepted a window smaller than the minimum")
	}
	again, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := again.Get("chat"); !ok || got != chat {
		t.Errorf("chat after reopening = %+v, %v; want %+v", got, ok, chat)
	}
	if got, ok := again.Get("settings"); !ok || got != settings {
		t.Errorf("settings after reopening = %+v, %v; want %+v", got, ok, settings)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("windows.json: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
}

func TestDamagedStoreStartsAfresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "windows.json")
	if err := os.WriteFile(path, []byte(`{"chat": {"x": 1`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open of a damaged file: %v, want an error naming it", err)
	}
	if err := s.Set("chat", Rect{Width: 500, Height: 500}); err != nil {
		t.Fatalf("Set after a damaged file: %v", err)
	}
	if _, err := Open(path); err != nil {
		t.Errorf("the file is still damaged after Set: %v", err)
	}
}

func TestStoreDropsOutOfBoundsEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "windows.json")
	if err := os.WriteFile(path, []byte(`{"chat": {"x": 0, "y": 0, "width": 5, "height": 5}, "settings": {"x": 1, "y": 2, "width": 600, "height": 600}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := s.Get("chat"); ok {
		t.Errorf("kept a 5x5 chat window: %+v", r)
	}
	if _, ok := s.Get("settings"); !ok {
		t.Error("dropped a valid settings window")
	}
}

func TestConcurrentSetsLeaveAValidFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "windows.json")
	s, _ := Open(path)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			role := []string{"chat", "settings", "onboarding"}[i%3]
			if err := s.Set(role, Rect{X: i, Y: i, Width: 500 + i, Height: 500}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	again, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"chat", "settings", "onboarding"} {
		want, _ := s.Get(role)
		if got, ok := again.Get(role); !ok || got != want {
			t.Errorf("%s on disk = %+v, in memory %+v", role, got, want)
		}
	}
}
