// Package history keeps Parley's conversations in a SQLite database in the
// core: conversations, their messages, a full-text index for search, and
// export as Markdown and JSON.
//
// The database uses WAL, so windows can read while a reply is being saved,
// and its schema is upgraded in place by numbered migrations (see
// migrate.go). A [Store] is safe for use by many goroutines.
package history

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// timeNow is time.Now but pulled out as a variable for tests.
var timeNow = time.Now

// Store is an open history database. Create it with [Open] and close it
// with [Store.Close] when the core exits.
type Store struct {
	db   *sql.DB
	path string
	// mu serialises writes inside this process, so they queue in Go rather
	// than in SQLite's busy handler.
	mu sync.Mutex
}

// DefaultPath is where Parley keeps its history:
// $XDG_DATA_HOME/parley/history.db, or ~/.local/share/parley/history.db
// when XDG_DATA_HOME is unset. On macOS and Windows it is in the user's
// configuration directory (Application Support, AppData), as those
// systems expect.
func DefaultPath() (string, error) {
	switch runtime.GOOS {
	case "darwin", "windows":
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "parley", "history.db"), nil
	}
	if dir := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "parley", "history.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "parley", "history.db"), nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the database. Call it once, when the core exits, after every
// [ReplyWriter] has finished.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.db.Exec("PRAGMA optimize") // keeps query plans good; failure is harmless
	return s.db.Close()
}

// write runs fn in one transaction: all of its changes are saved, or none.
// doing names the operation for the error ("save your message").
func (s *Store) write(doing string, fn func(tx *sql.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fail(doing, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fail(doing, err)
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		return fail(doing, err)
	}
	return nil
}
