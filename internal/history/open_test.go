package history

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOpenCreatesPrivateFileWithLatestSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "parley", "history.db")
	s, rec, err := Open(path)
	if err != nil || rec != nil {
		t.Fatalf("Open = %v, %v", rec, err)
	}
	defer s.Close()
	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{filepath.Dir(path): 0o700, path: 0o600} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v, %v; want %v", p, fi.Mode().Perm(), err, want)
			}
		}
	}
	for name, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"synchronous":  "1", // NORMAL
		"busy_timeout": "10000",
		"user_version": "2",
	} {
		if got := pragma(t, s, name); got != want {
			t.Errorf("PRAGMA %s = %s, want %s", name, got, want)
		}
	}
	if len(migrations) != 2 {
		t.Errorf("update this test: %d migrations", len(migrations))
	}
}

func TestReopenKeepsConversations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := create(t, s, "Kept")
	add(t, s, c.ID, RoleUser, "still here?")
	s.Close()

	s, rec, err := Open(path)
	if err != nil || rec != nil {
		t.Fatalf("reopen = %v, %v", rec, err)
	}
	defer s.Close()
	ms, err := s.Messages(c.ID)
	if err != nil || len(ms) != 1 || ms[0].Text != "still here?" {
		t.Errorf("after reopening: %+v, %v", ms, err)
	}
}

// corruptPages overwrites every page of the database at path but the
// first, as a failing disk might.
func corruptPages(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 3*4096 {
		t.Fatalf("%s is too small to corrupt: %d bytes", path, len(b))
	}
	for i := 4096; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenSetsDamagedFileAside(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"not a database", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("these are my notes, not a database\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"damaged pages", func(t *testing.T, path string) {
			s, _, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			c := create(t, s, "doomed")
			for range 20 {
				add(t, s, c.ID, RoleUser, strings.Repeat("page filler ", 100))
			}
			if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				t.Fatal(err)
			}
			s.Close()
			corruptPages(t, path)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "history.db")
			tc.damage(t, path)
			// A stale log must travel with its database, not meet the new one.
			if err := os.WriteFile(path+"-wal", []byte("old log"), 0o600); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			s, rec, err := Open(path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if rec == nil {
				t.Fatal("Open did not report the damaged file")
			}
			if rec.Path != path || !strings.HasPrefix(rec.DamagedPath, path+".damaged-") {
				t.Errorf("Recovered = %+v", rec)
			}
			if msg := rec.Message(); !strings.Contains(msg, rec.DamagedPath) || !strings.Contains(msg, "damaged") {
				t.Errorf("Message() = %q", msg)
			}
			if kept, err := os.ReadFile(rec.DamagedPath); err != nil || !bytes.Equal(kept, before) {
				t.Errorf("the damaged file was not kept as it was at %s: %v", rec.DamagedPath, err)
			}
			if wal, err := os.ReadFile(rec.DamagedPath + "-wal"); err != nil || string(wal) != "old log" {
				t.Errorf("the damaged file's -wal was not kept beside it: %q, %v", wal, err)
			}
			// The fresh history works.
			if list, err := s.List(); err != nil || len(list) != 0 {
				t.Errorf("List of the fresh history = %v, %v", list, err)
			}
			c := create(t, s, "after recovery")
			add(t, s, c.ID, RoleUser, "hello again")
			checkIntegrity(t, s)
		})
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, rec, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a history from a newer Parley succeeded")
	}
	if rec != nil || !strings.Contains(err.Error(), "newer version of Parley") {
		t.Errorf("Open = %v, %v", rec, err)
	}
	if matches, _ := filepath.Glob(path + ".damaged-*"); len(matches) != 0 {
		t.Errorf("a newer history was moved aside: %v", matches)
	}
}

func TestOpenMarksUnfinishedRepliesInterrupted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := create(t, s, "crash")
	q := add(t, s, c.ID, RoleUser, "question")
	r, err := s.AddMessage(c.ID, Message{Role: RoleAssistant, Text: "half an ans", Status: StatusStreaming})
	if err != nil {
		t.Fatal(err)
	}
	s.Close() // without finishing the reply

	s, _, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Message(r.ID)
	if err != nil || got.Status != StatusInterrupted || got.Text != "half an ans" || got.Error == "" {
		t.Errorf("unfinished reply after reopening: %+v, %v", got, err)
	}
	if got, err := s.Message(q.ID); err != nil || got.Status != StatusComplete || got.Error != "" {
		t.Errorf("the user's message after reopening: %+v, %v", got, err)
	}
}

func TestDefaultPath(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("XDG paths are for Linux and BSD")
	}
	t.Setenv("HOME", "/home/ada")
	for _, tc := range []struct{ xdg, want string }{
		{"/data/ada", "/data/ada/parley/history.db"},
		{"", "/home/ada/.local/share/parley/history.db"},
		{"relative/dir", "/home/ada/.local/share/parley/history.db"}, // the XDG spec says to ignore it
	} {
		t.Setenv("XDG_DATA_HOME", tc.xdg)
		if got, err := DefaultPath(); err != nil || got != tc.want {
			t.Errorf("XDG_DATA_HOME=%q: DefaultPath() = %q, %v; want %q", tc.xdg, got, err, tc.want)
		}
	}
}

func TestErrorsSayWhatFailed(t *testing.T) {
	s := openTest(t)
	err := s.Rename("no-such-conversation", "x")
	if !errors.Is(err, ErrNotFound) || err.Error() != "Parley could not rename the conversation: it is no longer in the history" {
		t.Errorf("Rename of a missing conversation: %v", err)
	}
}
