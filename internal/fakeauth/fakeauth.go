// Package fakeauth is a fake OAuth 2.0 authorization server on 127.0.0.1,
// for Parley's tests and its offline demo mode. Its authorization endpoint
// checks PKCE (RFC 7636, S256 only) and loopback redirects (RFC 8252) and
// answers as the mode set with SetAuthorizeMode; its token endpoint speaks
// both Anthropic's JSON format and standard form encoding, takes each
// authorization code once, rotates refresh tokens on every use and treats
// reuse of a spent one as theft (RFC 6819 5.2.2.3): it revokes the whole
// token family. It publishes an OpenID Connect Discovery document, and can
// be told to fail in the ways real servers do.
//
// It also stands in for the user's browser: following AuthorizeURL's
// redirects with an http.Client lands on the redirect URI.
package fakeauth

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// API is the resource server whose access tokens this server issues and
// revokes (a fakeapi.Server).
type API interface {
	AllowAccessToken(token string)
	Revoke(secret string)
}

// Server is the fake. Create it with New.
type Server struct {
	// URL is the server's base URL (and its issuer); AuthorizeURL its
	// authorization endpoint; TokenURL its token endpoint.
	URL, AuthorizeURL, TokenURL string

	api API
	srv *http.Server

	mu              sync.Mutex
	families        map[string]*family // by refresh token, spent ones included
	codes           map[string]*authorization
	accessTTL       time.Duration
	revokeOnRefresh bool
	failNext        int
	refreshCalls    int
	reused          int
	hook            func()
	clientID        string
	account         string
	mode            AuthorizeMode
	fault           TokenFault
	discovery       DiscoveryFault
	authorizations  int
	exchanges       int
}

// family is one sign-in's chain of rotated tokens.
type family struct {
	account string
	current string   // the refresh token that is valid now
	access  []string // access tokens issued, newest last
	revoked bool
}

// Token is what Issue hands out, as a sign-in would.
type Token struct {
	AccessToken, RefreshToken string
	Expiry                    time.Time
	Account                   string
}

// New starts a server whose access tokens work at api.
func New(api API) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("fakeauth: " + err.Error())
	}
	s := &Server{
		api:       api,
		families:  map[string]*family{},
		codes:     map[string]*authorization{},
		accessTTL: time.Hour,
		clientID:  "parley-test",
		account:   "ada@example.com",
	}
	s.URL = "http://" + ln.Addr().String()
	s.AuthorizeURL = s.URL + "/authorize"
	s.TokenURL = s.URL + "/v1/oauth/token"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /v1/oauth/token", s.token)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.openIDConfiguration)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return s
}

// Close stops the server. It drops every connection, which also ends
// requests held by FaultHang.
func (s *Server) Close() { s.srv.Close() }

// SetAccessTTL sets how long new access tokens live (default an hour).
func (s *Server) SetAccessTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessTTL = d
}

// RevokeOnRefresh makes each refresh revoke the family's previous access
// tokens at the API, as soon as the new one is issued.
func (s *Server) RevokeOnRefresh(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeOnRefresh = on
}

// FailNext makes the next n refresh requests fail with 503, without
// spending their refresh token.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// OnRefresh runs fn at the start of every refresh request, before it is
// answered (tests use it to hold a refresh in flight).
func (s *Server) OnRefresh(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// RefreshCalls counts refresh requests received.
func (s *Server) RefreshCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshCalls
}

// Issue signs account in, as a completed authorization would, and returns
// the first tokens of a new family.
func (s *Server) Issue(account string) Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &family{account: account}
	return s.rotateLocked(f)
}

// RevokeAll revokes every token of account's families, as a user signing
// out everywhere would.
func (s *Server) RevokeAll(account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.families {
		if f.account == account {
			s.revokeLocked(f)
		}
	}
}

// rotateLocked issues a new access and refresh token in f.
func (s *Server) rotateLocked(f *family) Token {
	t := Token{AccessToken: "sk-ant-oat01-" + random(), RefreshToken: "sk-ant-ort01-" + random(), Expiry: time.Now().Add(s.accessTTL), Account: f.account}
	if s.revokeOnRefresh {
		for _, a := range f.access {
			s.api.Revoke(a)
		}
	}
	f.current = t.RefreshToken
	f.access = append(f.access, t.AccessToken)
	s.families[t.RefreshToken] = f
	s.api.AllowAccessToken(t.AccessToken)
	return t
}

func (s *Server) revokeLocked(f *family) {
	f.revoked = true
	for _, a := range f.access {
		s.api.Revoke(a)
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	req, ok := readTokenRequest(w, r)
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid_request", "expected a JSON or form-encoded token request")
		return
	}
	switch req.GrantType {
	case "refresh_token":
		s.refresh(w, r, req.RefreshToken)
	case "authorization_code":
		s.exchange(w, r, req)
	default:
		writeError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code and refresh_token are supported here")
	}
}

// refresh is the refresh grant (RFC 6749 section 6), with rotation.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request, refresh string) {
	s.mu.Lock()
	s.refreshCalls++
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	if s.serveFault(w, r) {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		writeError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "try again later")
		return
	}
	f, known := s.families[refresh]
	switch {
	case !known:
		writeError(w, http.StatusBadRequest, "invalid_grant", "unknown refresh token")
		return
	case f.revoked:
		writeError(w, http.StatusBadRequest, "invalid_grant", "refresh token revoked")
		return
	case f.current != refresh:
		// A spent token came back: someone holds a copy. Revoke them all.
		s.reused++
		s.revokeLocked(f)
		writeError(w, http.StatusBadRequest, "invalid_grant", "refresh token already used; the sign-in was revoked")
		return
	}
	writeToken(w, s.rotateLocked(f))
}

// writeToken answers a token request with t, as Anthropic's token endpoint
// does: the account and organization come with the tokens.
func writeToken(w http.ResponseWriter, t Token) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token":  t.AccessToken,
		"refresh_token": t.RefreshToken,
		"token_type":    "Bearer",
		"expires_in":    int(time.Until(t.Expiry).Round(time.Second).Seconds()),
		"account":       map[string]string{"email_address": t.Account, "uuid": "acct-" + t.Account},
		"organization":  map[string]string{"name": "Fake Org", "uuid": "org-fake"},
	})
}

// ReusedRefreshTokens counts the times a spent refresh token was presented.
func (s *Server) ReusedRefreshTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reused
}

// tokenRequest is a token request's fields, of either grant.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	RefreshToken string `json:"refresh_token"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirect_uri"`
	ClientID     string `json:"client_id"`
	CodeVerifier string `json:"code_verifier"`
	State        string `json:"state"`
}

// readTokenRequest reads the whole body as JSON or as a form. Reading to
// the end lets the server notice a client going away: the request's
// context ends.
func readTokenRequest(w http.ResponseWriter, r *http.Request) (tokenRequest, bool) {
	var req tokenRequest
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<16))
	if err != nil {
		return req, false
	}
	if r.Header.Get("Content-Type") == "application/json" {
		return req, json.Unmarshal(raw, &req) == nil
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		return req, false
	}
	req = tokenRequest{
		GrantType:    form.Get("grant_type"),
		RefreshToken: form.Get("refresh_token"),
		Code:         form.Get("code"),
		RedirectURI:  form.Get("redirect_uri"),
		ClientID:     form.Get("client_id"),
		CodeVerifier: form.Get("code_verifier"),
		State:        form.Get("state"),
	}
	return req, true
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func random() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
