// Package logfile is Parley's log: a file in the user's state directory
// that rotates by size and never holds a secret. Every line is redacted
// before it reaches the disk: keys, tokens, authorization headers and
// OAuth parameters by their form, and any credential registered with
// [Log.Redact] wherever it appears.
package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Name is the log file's name inside its directory. Older logs sit beside
// it as Name.1 (the most recent) to Name.3 (the oldest).
const Name = "parley.log"

const (
	defaultMaxSize = 1 << 20 // bytes in one file before it rotates
	defaultKeep    = 3       // rotated files kept
	// maxPending bounds a line that has not ended yet. A writer that never
	// writes a newline has its text written out as a line at this size.
	maxPending = 1 << 20
)

// Log is an open log file. It is an io.Writer for log.SetOutput and
// slog.NewTextHandler, safe for concurrent use.
//
// Log redacts whole lines: Write holds text until its line ends, so a
// secret written in pieces is still found. Each Write should therefore
// carry whole lines, as log.Logger and the slog handlers do; an unfinished
// line waits for the rest of it, from whichever goroutine writes next.
type Log struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	size    int64
	maxSize int64
	keep    int
	pending []byte
	mirror  io.Writer
	red     redactor
	closed  bool
}

// DefaultDir is where Parley keeps its log: $XDG_STATE_HOME/parley, or
// ~/.local/state/parley when XDG_STATE_HOME is unset or not absolute (the
// XDG Base Directory Specification ignores relative paths).
func DefaultDir() (string, error) {
	base := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("log directory: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "parley"), nil
}

// Open opens the log in dir for appending, creating dir (0700) and the
// file (0600) as needed; an existing dir or file is made private too. Use
// it once per process, with [DefaultDir], and close the Log at exit.
func Open(dir string) (*Log, error) {
	return open(dir, defaultMaxSize, defaultKeep)
}

func open(dir string, maxSize int64, keep int) (*Log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("log directory: %w", err)
		}
	}
	l := &Log{path: filepath.Join(dir, Name), maxSize: maxSize, keep: keep}
	if err := l.openFile(); err != nil {
		return nil, err
	}
	return l, nil
}

// Path is the file the log is written to.
func (l *Log) Path() string { return l.path }

// Mirror sends every redacted line to w as well, for example os.Stderr
// when Parley runs from a terminal. Errors writing to w are ignored.
func (l *Log) Mirror(w io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.mirror = w
}

// Write logs p. Complete lines are redacted and written at once; text
// after the last newline waits for the rest of its line.
func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, fs.ErrClosed
	}
	l.pending = append(l.pending, p...)
	end := bytes.LastIndexByte(l.pending, '\n') + 1
	if end == 0 {
		if len(l.pending) < maxPending {
			return len(p), nil
		}
		l.pending = append(l.pending, '\n')
		end = len(l.pending)
	}
	err := l.writeLines(l.pending[:end])
	l.pending = l.pending[:copy(l.pending, l.pending[end:])]
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes out an unfinished last line and closes the file. Writes
// after Close fail with fs.ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	var err error
	if len(l.pending) > 0 {
		err = l.writeLines(append(l.pending, '\n'))
		l.pending = nil
	}
	l.closed = true
	if l.f != nil {
		err = errors.Join(err, l.f.Close())
		l.f = nil
	}
	return err
}

// writeLines redacts lines (each ending in a newline) and appends them to
// the file, rotating between lines so that no line is split across files.
func (l *Log) writeLines(lines []byte) error {
	var out []byte
	for len(lines) > 0 {
		i := bytes.IndexByte(lines, '\n') + 1
		red := l.red.line(lines[:i-1])
		line := append(red[:len(red):len(red)], '\n') // a copy, never lines itself
		lines = lines[i:]
		if l.mirror != nil {
			_, _ = l.mirror.Write(line)
		}
		if l.size+int64(len(out)+len(line)) > l.maxSize && l.size+int64(len(out)) > 0 {
			if err := l.flush(out); err != nil {
				return err
			}
			out = out[:0]
			if err := l.rotate(); err != nil {
				return err
			}
		}
		out = append(out, line...)
	}
	return l.flush(out)
}

func (l *Log) flush(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if l.f == nil { // a rotation failed to reopen the file: try again
		if err := l.openFile(); err != nil {
			return err
		}
	}
	n, err := l.f.Write(b)
	l.size += int64(n)
	if err != nil {
		return fmt.Errorf("writing the log: %w", err)
	}
	return nil
}

// rotate shifts Name.N-1 to Name.N (dropping the oldest), Name to Name.1,
// and starts an empty Name.
func (l *Log) rotate() error {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	for i := l.keep; i >= 1; i-- {
		src := l.path
		if i > 1 {
			src += "." + strconv.Itoa(i-1)
		}
		// A failed rename leaves that file where it was; the log goes on.
		_ = os.Rename(src, l.path+"."+strconv.Itoa(i))
	}
	if l.keep == 0 {
		_ = os.Remove(l.path)
	}
	return l.openFile()
}

func (l *Log) openFile() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening the log: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().Perm() != 0o600 {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("opening the log: %w", err)
	}
	l.f, l.size = f, fi.Size()
	return nil
}
