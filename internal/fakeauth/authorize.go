package fakeauth

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
)

// AuthorizeMode is how the authorization endpoint answers a valid request.
type AuthorizeMode int

const (
	// Approve redirects with a code and the state (RFC 6749 section
	// 4.1.2), as when the user allows Parley. The default.
	Approve AuthorizeMode = iota
	// Deny redirects with error=access_denied and the state (RFC 6749
	// section 4.1.2.1), as when the user refuses.
	Deny
	// ShowCode shows "CODE#STATE" in an element with id="code" for the
	// user to paste, as Anthropic's console does.
	ShowCode
	// WrongState redirects with a code and some other state.
	WrongState
	// NoCode redirects with the state but no code.
	NoCode
	// WrongPath redirects with a code and the state to the redirect URI's
	// host, on the path /elsewhere.
	WrongPath
)

// authorization is one code the authorization endpoint handed out, with
// what its exchange must match (RFC 6749 section 4.1.3, RFC 7636 4.6).
type authorization struct {
	clientID, redirectURI, challenge, state, account string
	used                                             bool
	family                                           *family // the tokens it was exchanged for
}

// SetAuthorizeMode sets how valid authorization requests are answered.
func (s *Server) SetAuthorizeMode(m AuthorizeMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mode = m
}

// SetClientID sets the one client ID the server knows (default
// "parley-test").
func (s *Server) SetClientID(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clientID = id
}

// SetAccount sets the account that authorizations sign in (default
// "ada@example.com").
func (s *Server) SetAccount(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account = email
}

// Authorizations counts valid authorization requests.
func (s *Server) Authorizations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authorizations
}

// authorize is the authorization endpoint (RFC 6749 section 4.1.1) for a
// native app: loopback redirect (RFC 8252 section 7.3) and PKCE with S256
// (RFC 7636 section 4.3) required.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	clientID, mode := s.clientID, s.mode
	s.mu.Unlock()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("response_type") != "code":
		badAuthorize(w, "response_type must be code")
		return
	case q.Get("client_id") != clientID:
		badAuthorize(w, "unknown client_id")
		return
	case err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" || redirect.Port() == "" || redirect.Fragment != "":
		badAuthorize(w, "redirect_uri must be http://127.0.0.1:PORT/…")
		return
	case q.Get("code_challenge_method") != "S256":
		badAuthorize(w, "code_challenge_method must be S256")
		return
	case !isChallenge(q.Get("code_challenge")):
		badAuthorize(w, "code_challenge is missing or malformed")
		return
	case q.Get("state") == "":
		badAuthorize(w, "state is missing")
		return
	}
	s.mu.Lock()
	s.authorizations++
	s.mu.Unlock()
	state := q.Get("state")
	switch mode {
	case Approve:
		redirectTo(w, r, redirect, url.Values{"code": {s.issueCode(q)}, "state": {state}})
	case Deny:
		redirectTo(w, r, redirect, url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request."}, "state": {state}})
	case ShowCode:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html>\n<title>Fake sign-in</title>\n<p>Paste this code into Parley:</p>\n<p><code id=\"code\">%s</code></p>\n",
			html.EscapeString(s.issueCode(q)+"#"+state))
	case WrongState:
		redirectTo(w, r, redirect, url.Values{"code": {s.issueCode(q)}, "state": {random()}})
	case NoCode:
		redirectTo(w, r, redirect, url.Values{"state": {state}})
	case WrongPath:
		elsewhere := *redirect
		elsewhere.Path = "/elsewhere"
		redirectTo(w, r, &elsewhere, url.Values{"code": {s.issueCode(q)}, "state": {state}})
	}
}

// issueCode hands out a code for the authorization request q.
func (s *Server) issueCode(q url.Values) string {
	code := "fake-code-" + random()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = &authorization{
		clientID:    q.Get("client_id"),
		redirectURI: q.Get("redirect_uri"),
		challenge:   q.Get("code_challenge"),
		state:       q.Get("state"),
		account:     s.account,
	}
	return code
}

// isChallenge: an S256 challenge is 43 base64url characters (RFC 7636
// section 4.2).
func isChallenge(c string) bool {
	if len(c) != 43 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// redirectTo sends the browser to to, with v added to its query.
func redirectTo(w http.ResponseWriter, r *http.Request, to *url.URL, v url.Values) {
	u := *to
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// badAuthorize refuses an authorization request that cannot be redirected
// back safely (RFC 6749 section 4.1.2.1): the user sees why.
func badAuthorize(w http.ResponseWriter, why string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "<!doctype html>\n<title>Fake sign-in: bad request</title>\n<p>Bad authorization request: %s</p>\n", html.EscapeString(why))
}
