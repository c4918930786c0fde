// Package geometry remembers where Parley's windows were: the size and
// position of the last window of each role, kept in a small JSON file in
// the user's state directory, so that a new window opens where the user
// left the previous one.
package geometry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"sync"

	"parley/internal/atomicfile"
)

// A window is never smaller than this; app.go gives it to Wails as the
// minimum size too.
const (
	MinWidth  = 420
	MinHeight = 420
)

// maxCoord bounds sizes and positions: anything larger is not a screen.
const maxCoord = 1 << 15

// Rect is a window's size and position on the screen, in pixels, its
// top-left corner at X, Y. The zero Rect means "not known".
type Rect struct {
	X      int `json:"x"`
	Y      int `json:"y"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// IsZero reports whether r is unknown.
func (r Rect) IsZero() bool { return r == Rect{} }

// Valid reports whether r could be a window on a screen: at least the
// minimum size, and no coordinate beyond any screen.
func (r Rect) Valid() bool {
	in := func(v, lo int) bool { return v >= lo && v < maxCoord }
	return in(r.Width, MinWidth) && in(r.Height, MinHeight) && in(r.X, -maxCoord) && in(r.Y, -maxCoord)
}

// String formats r as X11 geometry, WIDTHxHEIGHT+X+Y: the form of the
// --geometry flag.
func (r Rect) String() string {
	return fmt.Sprintf("%dx%d%+d%+d", r.Width, r.Height, r.X, r.Y)
}

var geometryRE = regexp.MustCompile(`^(\d+)x(\d+)([+-]\d+)([+-]\d+)$`)

// Parse reads the form String writes, and refuses a Rect that is not Valid.
func Parse(s string) (Rect, error) {
	m := geometryRE.FindStringSubmatch(s)
	if m == nil {
		return Rect{}, fmt.Errorf("geometry %q is not WIDTHxHEIGHT+X+Y", s)
	}
	var n [4]int
	for i := range n {
		v, err := strconv.Atoi(m[i+1])
		if err != nil {
			return Rect{}, fmt.Errorf("geometry %q: %v", s, err)
		}
		n[i] = v
	}
	r := Rect{Width: n[0], Height: n[1], X: n[2], Y: n[3]}
	if !r.Valid() {
		return Rect{}, fmt.Errorf("geometry %q is out of bounds (at least %dx%d)", s, MinWidth, MinHeight)
	}
	return r, nil
}

// Fit returns r moved, and shrunk if it must be, to lie on a screen of
// width by height pixels whose top-left corner is 0, 0: for a window
// placed where a larger or since-removed screen had it.
func (r Rect) Fit(width, height int) Rect {
	r.Width = min(r.Width, max(width, MinWidth))
	r.Height = min(r.Height, max(height, MinHeight))
	r.X = max(0, min(r.X, width-r.Width))
	r.Y = max(0, min(r.Y, height-r.Height))
	return r
}

// Step is how far Cascade moves a window off one it would cover.
const Step = 32

// Cascade returns r, moved down and right by Step as often as needed (up
// to ten times) so that its corner is not where an open window's is: a new
// window placed where the last one was would hide it otherwise.
func Cascade(r Rect, open []Rect) Rect {
	for range 10 {
		taken := false
		for _, o := range open {
			if abs(o.X-r.X) < Step/2 && abs(o.Y-r.Y) < Step/2 {
				taken = true
				break
			}
		}
		if !taken {
			break
		}
		r.X += Step
		r.Y += Step
	}
	return r
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Store keeps the last geometry of each window role in a JSON file. It is
// safe for concurrent use; the core keeps one for its lifetime.
type Store struct {
	path string

	mu    sync.Mutex
	roles map[string]Rect
}

// Open reads the store at path. A missing file is an empty store; a
// damaged one is too, with an error saying so (the next Set replaces it).
func Open(path string) (*Store, error) {
	s := &Store{path: path, roles: map[string]Rect{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("window positions: %w", err)
	}
	var roles map[string]Rect
	if err := json.Unmarshal(b, &roles); err != nil {
		return s, fmt.Errorf("window positions: %s is damaged (%v); starting afresh", path, err)
	}
	for role, r := range roles {
		if r.Valid() {
			s.roles[role] = r
		}
	}
	return s, nil
}

// Get returns where the last window of role was, if known.
func (s *Store) Get(role string) (Rect, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.roles[role]
	return r, ok
}

// Set remembers r for role and writes the file (0600, atomically). It
// refuses a Rect that is not Valid.
func (s *Store) Set(role string, r Rect) error {
	if !r.Valid() {
		return fmt.Errorf("window geometry %v is out of bounds", r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roles[role] == r {
		return nil
	}
	s.roles[role] = r
	b, err := json.MarshalIndent(s.roles, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.path, append(b, '\n')); err != nil {
		return fmt.Errorf("saving window positions: %w", err)
	}
	return nil
}
