package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// line returns the n-th test line: 20 bytes with its newline.
func line(n int) string { return fmt.Sprintf("line %04d of my log\n", n) }

func TestRotationKeepsTheNewestLinesInOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "parley")
	l, err := open(dir, 100, 3) // five lines a file
	if err != nil {
		t.Fatal(err)
	}
	for n := range 30 {
		if _, err := l.Write([]byte(line(n))); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	want := map[string]int{Name + ".3": 10, Name + ".2": 15, Name + ".1": 20, Name: 25} // first line of each
	if got := files(t, dir); strings.Join(got, " ") != "parley.log.3 parley.log.2 parley.log.1 parley.log" {
		t.Fatalf("log files %v, want parley.log and three rotated ones", got)
	}
	for name, first := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var wantText strings.Builder
		for n := first; n < first+5; n++ {
			wantText.WriteString(line(n))
		}
		if string(data) != wantText.String() {
			t.Errorf("%s holds\n%s\nwant\n%s", name, data, wantText.String())
		}
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 100 {
			t.Errorf("%s is %d bytes, over the limit of 100", name, fi.Size())
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("the log directory has mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestReopenAppendsAndRotatesWhenFull(t *testing.T) {
	dir := t.TempDir()
	l, err := open(dir, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	for n := range 4 {
		fmt.Fprint(l, line(n))
	}
	l.Close()

	l, err = open(dir, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(l, line(4)) // fills the file to its limit
	fmt.Fprint(l, line(5)) // starts a new one
	l.Close()
	if got := readFile(t, dir, Name+".1"); got != line(0)+line(1)+line(2)+line(3)+line(4) {
		t.Errorf("after reopening, %s.1 holds %q, want lines 0 to 4", Name, got)
	}
	if got := readFile(t, dir, Name); got != line(5) {
		t.Errorf("after reopening, %s holds %q, want line 5 alone", Name, got)
	}
}

func TestLongLineIsNeverSplit(t *testing.T) {
	dir := t.TempDir()
	l, err := open(dir, 100, 3)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 250) + "\n"
	fmt.Fprint(l, line(0))
	fmt.Fprint(l, long)
	fmt.Fprint(l, line(1))
	l.Close()
	if got := readFile(t, dir, Name+".2"); got != line(0) {
		t.Errorf("%s.2 holds %q, want the line before the long one", Name, got)
	}
	if got := readFile(t, dir, Name+".1"); got != long {
		t.Errorf("%s.1 holds %d bytes, want the long line whole", Name, len(got))
	}
	if got := readFile(t, dir, Name); got != line(1) {
		t.Errorf("%s holds %q, want the line after the long one", Name, got)
	}
}

func TestOpenMakesAnExistingLogPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "parley")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, Name), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, Name), 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(l, "new\n")
	l.Close()
	for path, want := range map[string]fs.FileMode{dir: 0o700, filepath.Join(dir, Name): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
	if got := readFile(t, dir, Name); got != "old\nnew\n" {
		t.Errorf("the log holds %q, want the old line and the new one", got)
	}
}

// Many goroutines log at once while the log rotates: every line arrives
// once, whole, and each goroutine's lines keep their order across files.
func TestConcurrentWritersLoseNoLine(t *testing.T) {
	const writers, lines = 32, 200
	dir := t.TempDir()
	l, err := open(dir, 8<<10, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			lg := log.New(l, "", 0)
			for n := range lines {
				if w%2 == 0 {
					lg.Printf("writer %02d line %03d %s", w, n, strings.Repeat("=", w+1))
				} else {
					fmt.Fprintf(l, "writer %02d line %03d %s\n", w, n, strings.Repeat("=", w+1))
				}
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	names := files(t, dir)
	if len(names) < 10 {
		t.Errorf("the log rotated into %d files; the test wants rotation under load", len(names))
	}
	next := make([]int, writers)
	for _, text := range strings.SplitAfter(readAll(t, dir), "\n") {
		if text == "" {
			continue
		}
		var w, n int
		var pad string
		if _, err := fmt.Sscanf(text, "writer %d line %d %s\n", &w, &n, &pad); err != nil || w < 0 || w >= writers || pad != strings.Repeat("=", w+1) {
			t.Fatalf("mangled line %q", text)
		}
		if n != next[w] {
			t.Fatalf("writer %d: line %d follows line %d", w, n, next[w]-1)
		}
		next[w]++
	}
	for w, n := range next {
		if n != lines {
			t.Errorf("writer %d: %d lines in the log, want %d", w, n, lines)
		}
	}
}

func TestUnfinishedLineWaitsForItsEnd(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(l, "first ")
	if got := readFile(t, dir, Name); got != "" {
		t.Errorf("an unfinished line reached the disk: %q", got)
	}
	fmt.Fprint(l, "half\nsecond")
	if got := readFile(t, dir, Name); got != "first half\n" {
		t.Errorf("the log holds %q, want the finished line only", got)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, dir, Name); got != "first half\nsecond\n" {
		t.Errorf("after Close the log holds %q, want the last line ended", got)
	}
	if _, err := fmt.Fprint(l, "late\n"); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Close: %v, want fs.ErrClosed", err)
	}
}

func TestMirrorGetsRedactedLines(t *testing.T) {
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var mirror bytes.Buffer
	l.Mirror(&mirror)
	l.Redact("mirror-secret-0123")
	fmt.Fprint(l, "key mirror-secret-0123 used\n")
	if got := mirror.String(); got != "key [redacted] used\n" {
		t.Errorf("the mirror got %q, want the redacted line", got)
	}
}

func TestDefaultDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct{ state, want string }{
		{"/var/state", "/var/state/parley"},
		{"", filepath.Join(home, ".local", "state", "parley")},
		{"relative/state", filepath.Join(home, ".local", "state", "parley")},
	}
	for _, tt := range tests {
		t.Setenv("XDG_STATE_HOME", tt.state)
		got, err := DefaultDir()
		if err != nil || got != tt.want {
			t.Errorf("with XDG_STATE_HOME=%q, DefaultDir() = %q, %v; want %q", tt.state, got, err, tt.want)
		}
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
