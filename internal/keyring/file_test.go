package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileStoresReplacesAndDeletes(t *testing.T) {
	testLifecycle(t, File{Path: filepath.Join(t.TempDir(), "parley", "sign-in.json")})
}

func TestFileSetKeepsFileAndDirectoryPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "parley")
	f := File{Path: filepath.Join(dir, "sign-in.json")}
	if err := f.Set("one"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Set("two"); err != nil { // replaces the 0644 file
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, f.Path: 0o600} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %04o, want %04o", path, got, want)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the item (no temporary files left)", len(entries))
	}
}

func TestFileGetRefusesAFileOthersCanReadOrChange(t *testing.T) {
	tests := []struct {
		mode    os.FileMode
		refused bool
	}{
		{0o600, false},
		{0o400, false},
		{0o640, true},
		{0o604, true},
		{0o620, true},
		{0o666, true},
	}
	for _, tt := range tests {
		f := File{Path: filepath.Join(t.TempDir(), "sign-in.json")}
		if err := os.WriteFile(f.Path, []byte("item"), tt.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(f.Path, tt.mode); err != nil { // the umask may have cut bits
			t.Fatal(err)
		}
		got, err := f.Get()
		if tt.refused && (err == nil || !strings.Contains(err.Error(), "chmod 600")) {
			t.Errorf("mode %04o: Get = %q, %v; want an error that says to chmod 600", tt.mode, got, err)
		}
		if !tt.refused && (err != nil || got != "item") {
			t.Errorf("mode %04o: Get = %q, %v; want the item", tt.mode, got, err)
		}
	}
}

func TestFileRefusesItemsOverMaxItem(t *testing.T) {
	f := File{Path: filepath.Join(t.TempDir(), "parley", "sign-in.json")}
	if err := f.Set(strings.Repeat("x", MaxItem+1)); !errors.Is(err, ErrTooBig) {
		t.Errorf("Set(MaxItem+1 bytes) = %v, want ErrTooBig", err)
	}
	if _, err := os.Stat(filepath.Dir(f.Path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Set(MaxItem+1 bytes) touched the disk: stat = %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.Path, []byte(strings.Repeat("x", MaxItem+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(); !errors.Is(err, ErrTooBig) {
		t.Errorf("Get of a MaxItem+1 byte file = %v, want ErrTooBig", err)
	}
}
