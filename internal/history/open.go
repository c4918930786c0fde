package history

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Recovered tells that the history file was damaged when Parley started:
// it was set aside, not deleted, and a fresh history started in its place.
// Show [Recovered.Message] to the user.
type Recovered struct {
	Path        string // the history file, now fresh
	DamagedPath string // where the damaged file was moved
	Reason      string // what was wrong, for logs
}

// Message says, for the user, what happened.
func (r *Recovered) Message() string {
	return fmt.Sprintf("Parley's history file was damaged, so Parley started a new, empty history. "+
		"The damaged file was kept, not deleted, as %s, in case its conversations can be recovered.", r.DamagedPath)
}

// Open opens the history at path, creating it (and its directory, 0700)
// when missing, and upgrades its schema to the latest version. Call it once
// when the core starts, before any window opens.
//
// When the file is not a database or fails SQLite's quick_check, Open moves
// it (with its -wal and -shm files) aside to "<path>.damaged-<time>", starts
// a fresh history and returns a [Recovered] to show the user. A file Parley
// may not read is never moved: Open returns an error saying what to do.
//
// Open also marks every reply still "streaming" as [StatusInterrupted]: only
// one Parley core runs at a time, so such a reply belonged to a core that
// ended before finishing it.
func Open(path string) (*Store, *Recovered, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, err
	}
	if err := prepare(path); err != nil {
		return nil, nil, err
	}
	s, err := open(path)
	if err == nil {
		return s, nil, nil
	}
	if !errors.Is(err, errUnsound) && !damaged(err) {
		return nil, nil, err
	}
	rec, moveErr := moveAside(path, err)
	if moveErr != nil {
		return nil, nil, fmt.Errorf("Parley's history file %s is damaged (%v), and Parley could not move it aside: %w", path, err, moveErr)
	}
	if err := prepare(path); err != nil {
		return nil, nil, err
	}
	s, err = open(path)
	if err != nil {
		return nil, nil, err
	}
	return s, rec, nil
}

// prepare makes path's directory and an empty 0600 file if there is none,
// and checks that Parley may read and write the file.
func prepare(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("Parley could not create the folder for its history: %w. Check that you can write to %s", err, filepath.Dir(path))
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("Parley may not read or write its history file %s (permission denied). "+
			"Make sure the file belongs to you and you can read and write it (for example: chmod 600 %q), then start Parley again", path, path)
	}
	if err != nil {
		return fmt.Errorf("Parley could not open its history file: %w", err)
	}
	return f.Close()
}

// open checks the database at path, connects to it, migrates it and marks
// interrupted replies. An error wrapping errUnsound means the file is not a
// usable database.
func open(path string) (*Store, error) {
	if err := check(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", fileURI(path)+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := migrate(db, len(migrations)); err != nil {
		db.Close()
		return nil, fail("upgrade its history", err)
	}
	s := &Store{db: db, path: path}
	if err := s.markInterrupted(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// fileURI makes an SQLite URI for path, so that '?' or '#' in a folder
// name cannot be taken for URI syntax.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file://" + r.Replace(p)
}

// check runs SQLite's quick_check on path, table by table: the file is a
// database, and every page of every table and index is sound. It leaves
// out the full-text index's own self-check, which reads the whole index
// and takes most of the time (420 ms against 90 ms for 100,000 messages);
// a damaged search index is rebuilt instead (see [Store.Search]).
//
// check only reads, so a damaged file and its -wal stay as they were.
func check(path string) error {
	db, err := sql.Open("sqlite", fileURI(path)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := column(db, `SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'`)
	if err != nil {
		return checkFailed(err)
	}
	var problems []string
	for _, table := range append([]string{"sqlite_schema"}, tables...) {
		lines, err := column(db, `PRAGMA quick_check('`+strings.ReplaceAll(table, "'", "''")+`')`)
		if err != nil {
			return checkFailed(err)
		}
		for _, line := range lines {
			if line != "ok" {
				problems = append(problems, line)
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: quick_check found %s", errUnsound, strings.Join(problems, "; "))
	}
	return nil
}

// column runs query and returns its first column.
func column(db *sql.DB, query string) ([]string, error) {
	rows, err := db.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var values []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	return values, rows.Err()
}

// errUnsound is why [Open] sets a file aside.
var errUnsound = errors.New("the file is not a sound SQLite database")

func checkFailed(err error) error {
	if damaged(err) {
		return fmt.Errorf("%w: %v", errUnsound, err)
	}
	return fail("open its history", err)
}

// moveAside renames the damaged file at path, and its -wal and -shm files
// when present, to "<path>.damaged-<time>".
func moveAside(path string, why error) (*Recovered, error) {
	damagedPath := path + ".damaged-" + timeNow().Format("20060102-150405")
	for i := 2; fileExists(damagedPath); i++ {
		damagedPath = fmt.Sprintf("%s.damaged-%s-%d", path, timeNow().Format("20060102-150405"), i)
	}
	// The -wal and -shm files go first: a fresh database must never meet
	// the old one's log.
	for _, suffix := range []string{"-wal", "-shm", ""} {
		err := os.Rename(path+suffix, damagedPath+suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return &Recovered{Path: path, DamagedPath: damagedPath, Reason: why.Error()}, nil
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// markInterrupted marks replies left "streaming" by a core that ended.
func (s *Store) markInterrupted() error {
	return s.write("check its history", func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE messages SET status = ?, error = CASE WHEN error = '' THEN ? ELSE error END
			WHERE status = ?`, StatusInterrupted, interruptedText, StatusStreaming)
		return err
	})
}

// interruptedText is the Error of a reply that Parley stopped saving
// because it closed.
const interruptedText = "Parley closed before this reply finished."
