package fakeapi

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// fault is an injected failure.
type fault struct {
	status     int
	retryAfter time.Duration
}

// faults holds the failures still to inject.
type faults struct {
	mu   sync.Mutex
	left int
	next fault
}

// FailNext makes the next n authenticated requests to /v1/messages or
// /v1/models fail with status, replacing any failures still pending; n <= 0
// cancels them. Use it to test retries and error handling: 429
// (rate_limit_error), 529 (overloaded_error), 500 and 503 (api_error) and so
// on, each with the body the API sends for that status. When retryAfter > 0
// the responses carry a retry-after header of that many seconds, rounded up.
func (s *Server) FailNext(n int, status int, retryAfter time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.left = max(n, 0)
	s.faults.next = fault{status: status, retryAfter: retryAfter}
}

// take returns the failure to inject into the current request, if one is due.
func (f *faults) take() (fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.left == 0 {
		return fault{}, false
	}
	f.left--
	return f.next, true
}

// write answers with the failure.
func (f fault) write(w http.ResponseWriter) {
	if f.retryAfter > 0 {
		w.Header().Set("retry-after", strconv.Itoa(int(math.Ceil(f.retryAfter.Seconds()))))
	}
	writeError(w, f.status, faultMessage(f.status))
}

// faultMessage returns the message the API sends with status.
func faultMessage(status int) string {
	switch errorType(status) {
	case "rate_limit_error":
		return "Number of request tokens has exceeded your per-minute rate limit"
	case "overloaded_error":
		return "Overloaded"
	case "timeout_error":
		return "Request timed out"
	case "api_error":
		return "Internal server error"
	default:
		return http.StatusText(status)
	}
}
