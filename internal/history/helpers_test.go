package history

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// openTest opens a fresh store in a temporary folder, closed at the end.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, rec, err := Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	if rec != nil {
		t.Fatalf("a fresh history was recovered: %+v", rec)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tick makes timeNow return start, then one second later at each call,
// until the test ends.
func tick(t testing.TB, start time.Time) {
	var n atomic.Int64
	timeNow = func() time.Time { return start.Add(time.Duration(n.Add(1)-1) * time.Second) }
	t.Cleanup(func() { timeNow = time.Now })
}

func create(t testing.TB, s *Store, title string) Conversation {
	t.Helper()
	c, err := s.CreateConversation(Conversation{Title: title, Model: "claude-test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func add(t testing.TB, s *Store, convID, role, text string) Message {
	t.Helper()
	m, err := s.AddMessage(convID, Message{Role: role, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// pragma returns the single value a PRAGMA query gives.
func pragma(t testing.TB, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// checkIntegrity fails the test unless SQLite's integrity_check and the
// search index's own check both pass.
func checkIntegrity(t testing.TB, s *Store) {
	t.Helper()
	if got := pragma(t, s, "integrity_check"); got != "ok" {
		t.Errorf("integrity_check = %q", got)
	}
	if _, err := s.db.Exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("search index integrity-check: %v", err)
	}
}
