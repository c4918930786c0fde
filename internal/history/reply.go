package history

import (
	"strings"
	"sync"
	"time"
)

// DefaultSaveInterval is how often a [ReplyWriter] saves a streaming reply
// unless told otherwise.
const DefaultSaveInterval = 250 * time.Millisecond

// ReplyWriter saves a reply as it streams, at a bounded rate: text given to
// Append is saved at most once per interval, and at most one interval after
// it arrived, so a crash loses at most the last interval's text. Create one
// with [Store.NewReplyWriter] for each reply; it is safe for concurrent use.
type ReplyWriter struct {
	store    *Store
	id       int64
	interval time.Duration

	saveMu sync.Mutex // held while saving, so saves land in order

	mu       sync.Mutex
	text     strings.Builder
	timer    *time.Timer // non-nil while a save is scheduled
	lastSave time.Time
	finished bool
	err      error // the last save's error
}

// NewReplyWriter returns a writer for reply message id (added with status
// streaming), saving at most once per interval (0 means
// [DefaultSaveInterval]).
func (s *Store) NewReplyWriter(id int64, interval time.Duration) *ReplyWriter {
	if interval <= 0 {
		interval = DefaultSaveInterval
	}
	return &ReplyWriter{store: s, id: id, interval: interval}
}

// Append adds text to the reply and schedules a save. It does not wait for
// the disk; it returns the error of the last save, if that failed, so the
// caller can tell the user that the reply is not being saved.
func (w *ReplyWriter) Append(text string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.finished {
		return w.err
	}
	w.text.WriteString(text)
	if w.timer == nil {
		wait := max(w.interval-timeNow().Sub(w.lastSave), 0)
		w.timer = time.AfterFunc(wait, w.save)
	}
	return w.err
}

// save writes the text so far, with status streaming.
func (w *ReplyWriter) save() {
	w.saveMu.Lock()
	defer w.saveMu.Unlock()
	w.mu.Lock()
	w.timer = nil
	if w.finished {
		w.mu.Unlock()
		return
	}
	text := w.text.String()
	w.lastSave = timeNow() // the next save waits an interval from here
	w.mu.Unlock()

	err := w.store.UpdateReply(w.id, text, StatusStreaming, "", Usage{})

	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}

// Finish saves the whole reply with its final status (complete, stopped,
// interrupted or error), the error to show and the token usage, and waits
// for the save. Later Appends are ignored. If it fails (say, the disk is
// full), calling it again tries again.
func (w *ReplyWriter) Finish(status, errText string, usage Usage) error {
	w.saveMu.Lock()
	defer w.saveMu.Unlock()
	w.mu.Lock()
	w.finished = true
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	text := w.text.String()
	w.mu.Unlock()

	err := w.store.UpdateReply(w.id, text, status, errText, usage)
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
	return err
}
