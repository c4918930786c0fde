package history

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors a caller may want to tell apart with errors.Is. Every error from a
// [Store] reads as a sentence for the user already ("Parley could not save
// the message: the disk is full. Free some space, then try again").
var (
	// ErrNotFound: the conversation or message is not in the history.
	ErrNotFound = errors.New("it is no longer in the history")
	// ErrDiskFull: SQLite could not grow the database file. Nothing of the
	// failed operation was saved.
	ErrDiskFull = errors.New("the disk is full. Free some space, then try again")
)

var (
	errDamaged  = errors.New("the history file is damaged. Restart Parley: it will set the file aside and start a fresh history")
	errReadOnly = errors.New("the history file is read-only. Check its permissions")
	errIO       = errors.New("the disk could not be read or written. Check the disk, then try again")
	errBusy     = errors.New("the history is locked by another program. Close it, then try again")
)

// opError is a failed operation: what Parley was doing, and why it failed.
type opError struct {
	doing string
	why   error // a sentinel above, or nil when err says it best
	err   error
}

func (e *opError) Error() string {
	why := e.err
	if e.why != nil {
		why = e.why
	}
	return "Parley could not " + e.doing + ": " + why.Error()
}

func (e *opError) Unwrap() []error { return []error{e.why, e.err} }

// fail wraps err, from doing, so that it reads well and errors.Is finds
// the matching sentinel.
func fail(doing string, err error) error {
	var op *opError
	if errors.As(err, &op) {
		return err
	}
	e := &opError{doing: doing, err: err}
	switch {
	case errors.Is(err, ErrNotFound):
		e.why = ErrNotFound
	case code(err) == sqlite3.SQLITE_FULL:
		e.why = ErrDiskFull
	case damaged(err):
		e.why = errDamaged
	case code(err) == sqlite3.SQLITE_READONLY || code(err) == sqlite3.SQLITE_PERM || code(err) == sqlite3.SQLITE_CANTOPEN:
		e.why = errReadOnly
	case code(err) == sqlite3.SQLITE_IOERR:
		e.why = errIO
	case code(err) == sqlite3.SQLITE_BUSY || code(err) == sqlite3.SQLITE_LOCKED:
		e.why = errBusy
	}
	return e
}

// code is the primary SQLite result code of err, or 0.
func code(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() & 0xff
	}
	return 0
}

// damaged says whether err means the file is not a sound database.
func damaged(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_NOTADB || c == sqlite3.SQLITE_CORRUPT
}
