package fakeapi

import "sync"

// credentials holds the secrets the fake accepts and those it has revoked.
type credentials struct {
	mu      sync.Mutex
	keys    map[string]bool
	tokens  map[string]bool
	revoked map[string]bool
	any     bool
}

func (c *credentials) init() {
	c.keys = map[string]bool{}
	c.tokens = map[string]bool{}
	c.revoked = map[string]bool{}
}

// AllowAPIKey makes the fake accept key in the x-api-key header. Use it to
// set up the keys a test or the demo signs in with; it also undoes an earlier
// Revoke of key.
func (s *Server) AllowAPIKey(key string) {
	s.creds.mu.Lock()
	defer s.creds.mu.Unlock()
	s.creds.keys[key] = true
	delete(s.creds.revoked, key)
}

// AllowAccessToken makes the fake accept token as an OAuth access token,
// sent as "Authorization: Bearer <token>" with the oauth-2025-04-20 beta.
// It also undoes an earlier Revoke of token.
func (s *Server) AllowAccessToken(token string) {
	s.creds.mu.Lock()
	defer s.creds.mu.Unlock()
	s.creds.tokens[token] = true
	delete(s.creds.revoked, token)
}

// Revoke makes every later request with secret, an API key or an access
// token, fail with 401, even under AllowAny. Use it to simulate a key being
// deleted or a token expiring mid-session. Requests already past their
// credential check are not affected.
func (s *Server) Revoke(secret string) {
	s.creds.mu.Lock()
	defer s.creds.mu.Unlock()
	delete(s.creds.keys, secret)
	delete(s.creds.tokens, secret)
	s.creds.revoked[secret] = true
}

// AllowAny turns on (or off) the demo mode in which any non-empty API key or
// access token is accepted unless revoked. The header rules still apply: a
// Bearer token needs the oauth beta, and a request may not carry both kinds.
func (s *Server) AllowAny(on bool) {
	s.creds.mu.Lock()
	defer s.creds.mu.Unlock()
	s.creds.any = on
}

// check reports whether cred is accepted and, when it is not, the message of
// the authentication_error to answer with.
func (c *credentials) check(cred credential) (string, bool) {
	switch {
	case cred.both:
		return "Send either an x-api-key header or an Authorization header, not both", false
	case cred.foreign:
		return "Authorization header must use the Bearer scheme", false
	case cred.kind == KindNone:
		return "x-api-key header is required", false
	case cred.kind == KindOAuth && !cred.beta:
		return "OAuth authentication is currently not supported.", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.revoked[cred.secret] && cred.kind == KindOAuth:
		return "OAuth token has been revoked", false
	case c.revoked[cred.secret]:
		return "invalid x-api-key", false
	case c.any:
		return "", true
	case cred.kind == KindAPIKey && c.keys[cred.secret]:
		return "", true
	case cred.kind == KindOAuth && c.tokens[cred.secret]:
		return "", true
	case cred.kind == KindOAuth:
		return "Invalid bearer token", false
	default:
		return "invalid x-api-key", false
	}
}

// Accepts reports whether a request carrying token as its OAuth access
// token (with the OAuth beta header) would be accepted. Tests of the
// authorization server use it to see what it issued and revoked.
func (s *Server) Accepts(token string) bool {
	_, ok := s.creds.check(credential{kind: KindOAuth, secret: token, beta: true})
	return ok
}

// AccessTokens counts the access tokens allowed so far.
func (s *Server) AccessTokens() int {
	s.creds.mu.Lock()
	defer s.creds.mu.Unlock()
	return len(s.creds.tokens)
}
