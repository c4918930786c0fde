package fakeauth

import (
	"io"
	"net/http"
)

// TokenFault is how the token endpoint fails the next token request, of
// either grant.
type TokenFault int

const (
	// FaultNone answers normally.
	FaultNone TokenFault = iota
	// Fault500 answers 500 with a server_error.
	Fault500
	// FaultNonJSON answers 200 with an HTML page, as a misconfigured proxy
	// would.
	FaultNonJSON
	// FaultHang holds the request until the client goes away or the server
	// closes.
	FaultHang
	// FaultInvalidGrant refuses the grant (400 invalid_grant).
	FaultInvalidGrant
)

// SetTokenFault makes the next token request fail with f. It is used up by
// that request, and does not spend its code or refresh token.
func (s *Server) SetTokenFault(f TokenFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// serveFault answers r with the pending fault, if any, and says whether it
// did.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	f := s.fault
	s.fault = FaultNone
	s.mu.Unlock()
	switch f {
	case Fault500:
		writeError(w, http.StatusInternalServerError, "server_error", "the server failed")
	case FaultNonJSON:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html>\n<title>Gateway</title>\n<p>Something went wrong.</p>\n")
	case FaultHang:
		<-r.Context().Done() // the client went away, or Close dropped the connection
	case FaultInvalidGrant:
		writeError(w, http.StatusBadRequest, "invalid_grant", "the grant was refused")
	default:
		return false
	}
	return true
}
