package fakeauth

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// Exchanges counts authorization codes exchanged for tokens.
func (s *Server) Exchanges() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exchanges
}

// exchange is the authorization code grant (RFC 6749 section 4.1.3) with
// PKCE (RFC 7636 section 4.6). A code works once; its second use is
// refused and revokes the tokens it was exchanged for (RFC 6749 section
// 4.1.2).
func (s *Server) exchange(w http.ResponseWriter, r *http.Request, req tokenRequest) {
	if s.serveFault(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, known := s.codes[req.Code]
	switch {
	case !known:
		writeError(w, http.StatusBadRequest, "invalid_grant", "unknown authorization code")
		return
	case a.used:
		if a.family != nil {
			s.revokeLocked(a.family)
		}
		writeError(w, http.StatusBadRequest, "invalid_grant", "authorization code already used")
		return
	}
	a.used = true
	sum := sha256.Sum256([]byte(req.CodeVerifier))
	switch {
	case req.ClientID != a.clientID:
		writeError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client")
	case req.RedirectURI != a.redirectURI:
		writeError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
	case len(req.CodeVerifier) < 43 || len(req.CodeVerifier) > 128 || base64.RawURLEncoding.EncodeToString(sum[:]) != a.challenge:
		writeError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
	case req.State != "" && req.State != a.state:
		writeError(w, http.StatusBadRequest, "invalid_grant", "state does not match the authorization request")
	default:
		a.family = &family{account: a.account}
		s.exchanges++
		writeToken(w, s.rotateLocked(a.family))
	}
}
