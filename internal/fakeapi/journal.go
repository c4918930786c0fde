package fakeapi

import (
	"net/http"
	"sync"
	"time"
)

// Entry records one HTTP request the fake received. Use Log to read them,
// for instance to count a client's attempts or to see which credential each
// attempt carried.
type Entry struct {
	// Seq numbers the requests 1, 2, 3… in arrival order, starting over after
	// ResetLog.
	Seq int64
	// Method and Path are those of the request, such as "POST" and
	// "/v1/messages".
	Method, Path string
	// Kind is the credential the request carried: KindAPIKey ("api-key"),
	// KindOAuth ("oauth") or KindNone ("none"). A request with both an
	// x-api-key and an Authorization header counts as KindAPIKey.
	Kind string
	// Credential is the raw key or token the request carried, "" if none.
	Credential string
	// RequestID is the value of the request header X-Parley-Test-Request, by
	// which a test ties attempts to its calls.
	RequestID string
	// Status is the HTTP status sent, 0 while the response is not decided yet.
	Status int
	// Time is when the request arrived.
	Time time.Time
}

// journal is the log of requests received.
type journal struct {
	mu      sync.Mutex
	seq     int64
	entries []*Entry
}

// add logs the arrival of r and returns its entry, for setStatus.
func (j *journal) add(r *http.Request, cred credential) *Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e := &Entry{
		Seq:        j.seq,
		Method:     r.Method,
		Path:       r.URL.Path,
		Kind:       cred.kind,
		Credential: cred.secret,
		RequestID:  r.Header.Get("X-Parley-Test-Request"),
		Time:       time.Now(),
	}
	j.entries = append(j.entries, e)
	return e
}

// setStatus records the status sent for e.
func (j *journal) setStatus(e *Entry, status int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e.Status = status
}

// Log returns a copy of the log: one Entry per request received since New or
// the last ResetLog, in arrival order.
func (s *Server) Log() []Entry {
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	out := make([]Entry, len(s.journal.entries))
	for i, e := range s.journal.entries {
		out[i] = *e
	}
	return out
}

// ResetLog empties the log and restarts Seq at 1. Use it between the phases
// of a test so that Log shows only the phase at hand.
func (s *Server) ResetLog() {
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	s.journal.seq = 0
	s.journal.entries = nil
}
