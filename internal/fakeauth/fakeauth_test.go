package fakeauth_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
)

// newServer starts an authorization server for one test, whose tokens
// work at a fake API.
func newServer(t *testing.T) (*fakeauth.Server, *fakeapi.Server) {
	t.Helper()
	a := fakeapi.New()
	t.Cleanup(a.Close)
	s := fakeauth.New(a)
	t.Cleanup(s.Close)
	return s, a
}

const (
	verifier = "a-verifier-that-is-long-enough-for-rfc-7636-section-4-1"
	redirect = "http://127.0.0.1:7777/callback"
	state    = "the-state"
)

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeParams is a valid authorization request.
func authorizeParams() url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {"parley-test"},
		"redirect_uri":          {redirect},
		"code_challenge":        {challenge(verifier)},
		"code_challenge_method": {"S256"},
		"state":                 {state},
	}
}

// noFollow is a browser that shows redirects instead of following them.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func authorize(t *testing.T, s *fakeauth.Server, q url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := noFollow.Get(s.AuthorizeURL + "?" + q.Encode())
	if err != nil {
		t.Fatalf("authorization request: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// code gets a code for a valid authorization request.
func code(t *testing.T, s *fakeauth.Server) string {
	t.Helper()
	resp, _ := authorize(t, s, authorizeParams())
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorization answered %s, Location %q: want a code", resp.Status, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// tokenAnswer is what the token endpoint said.
type tokenAnswer struct {
	status int
	Access string `json:"access_token"`
	Error  string `json:"error"`
	Acct   struct {
		Email string `json:"email_address"`
	} `json:"account"`
}

func exchangeJSON(t *testing.T, s *fakeauth.Server, fields map[string]string) tokenAnswer {
	t.Helper()
	body, _ := json.Marshal(fields)
	resp, err := http.Post(s.TokenURL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	a := tokenAnswer{status: resp.StatusCode}
	json.NewDecoder(resp.Body).Decode(&a)
	return a
}

func exchangeFields(code string) map[string]string {
	return map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "client_id": "parley-test", "code_verifier": verifier, "state": state}
}

func TestAuthorizeRefusesBadRequests(t *testing.T) {
	tests := []struct {
		name   string
		change func(q url.Values)
	}{
		{"implicit grant", func(q url.Values) { q.Set("response_type", "token") }},
		{"unknown client", func(q url.Values) { q.Set("client_id", "someone-else") }},
		{"redirect off this machine", func(q url.Values) { q.Set("redirect_uri", "https://evil.example.com/callback") }},
		{"redirect to localhost by name", func(q url.Values) { q.Set("redirect_uri", "http://localhost:7777/callback") }},
		{"redirect without a port", func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1/callback") }},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain"); q.Set("code_challenge", verifier) }},
		{"no PKCE method", func(q url.Values) { q.Del("code_challenge_method") }},
		{"no PKCE challenge", func(q url.Values) { q.Del("code_challenge") }},
		{"no state", func(q url.Values) { q.Del("state") }},
	}
	s, _ := newServer(t)
	for _, tt := range tests {
		q := authorizeParams()
		tt.change(q)
		if resp, body := authorize(t, s, q); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Bad authorization request") {
			t.Errorf("authorization request with %s: %s, want a 400 page", tt.name, resp.Status)
		}
	}
	if n := s.Authorizations(); n != 0 {
		t.Errorf("%d authorizations counted for bad requests, want 0", n)
	}
	s.SetClientID("another-app")
	if resp, _ := authorize(t, s, authorizeParams()); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("authorization with a client ID other than SetClientID's: %s, want 400", resp.Status)
	}
}

func TestAuthorizeModes(t *testing.T) {
	tests := []struct {
		mode                      fakeauth.AuthorizeMode
		name, path                string
		code, ourState, errorCode bool
	}{
		{fakeauth.Approve, "Approve", "/callback", true, true, false},
		{fakeauth.Deny, "Deny", "/callback", false, true, true},
		{fakeauth.WrongState, "WrongState", "/callback", true, false, false},
		{fakeauth.NoCode, "NoCode", "/callback", false, true, false},
		{fakeauth.WrongPath, "WrongPath", "/elsewhere", true, true, false},
	}
	for _, tt := range tests {
		s, _ := newServer(t)
		s.SetAuthorizeMode(tt.mode)
		resp, _ := authorize(t, s, authorizeParams())
		loc, _ := url.Parse(resp.Header.Get("Location"))
		q := loc.Query()
		if resp.StatusCode != http.StatusFound || loc.Host != "127.0.0.1:7777" || loc.Path != tt.path {
			t.Errorf("%s: %s to %q, want a redirect to 127.0.0.1:7777%s", tt.name, resp.Status, loc, tt.path)
		}
		if (q.Get("code") != "") != tt.code || (q.Get("state") == state) != tt.ourState || (q.Get("error") == "access_denied") != tt.errorCode {
			t.Errorf("%s: redirect query %v, want code %t, our state %t, access_denied %t", tt.name, q, tt.code, tt.ourState, tt.errorCode)
		}
		if n := s.Authorizations(); n != 1 {
			t.Errorf("%s: %d authorizations counted, want 1", tt.name, n)
		}
	}

	s, _ := newServer(t)
	s.SetAuthorizeMode(fakeauth.ShowCode)
	resp, body := authorize(t, s, authorizeParams())
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="code">fake-code-`) || !strings.Contains(body, "#"+state+"</code>") {
		t.Errorf("ShowCode: %s %q, want a page showing CODE#STATE in id=code", resp.Status, body)
	}
}

func TestCodeExchange(t *testing.T) {
	tests := []struct {
		name   string
		change func(f map[string]string)
	}{
		{"another verifier", func(f map[string]string) { f["code_verifier"] = strings.Repeat("x", 43) }},
		{"no verifier", func(f map[string]string) { delete(f, "code_verifier") }},
		{"the challenge as verifier", func(f map[string]string) { f["code_verifier"] = challenge(verifier) }},
		{"another redirect URI", func(f map[string]string) { f["redirect_uri"] = "http://127.0.0.1:7778/callback" }},
		{"another client", func(f map[string]string) { f["client_id"] = "someone-else" }},
		{"another state", func(f map[string]string) { f["state"] = "not-the-state" }},
		{"an unknown code", func(f map[string]string) { f["code"] = "fake-code-made-up" }},
	}
	for _, tt := range tests {
		s, _ := newServer(t)
		f := exchangeFields(code(t, s))
		tt.change(f)
		if a := exchangeJSON(t, s, f); a.status != http.StatusBadRequest || a.Error != "invalid_grant" {
			t.Errorf("exchange with %s: %d %q, want 400 invalid_grant", tt.name, a.status, a.Error)
		}
		if n := s.Exchanges(); n != 0 {
			t.Errorf("exchange with %s: %d exchanges counted, want 0", tt.name, n)
		}
	}
}

func TestCodeWorksOnce(t *testing.T) {
	s, api := newServer(t)
	s.SetAccount("grace@example.com")
	c := code(t, s)
	first := exchangeJSON(t, s, exchangeFields(c))
	if first.status != http.StatusOK || !api.Accepts(first.Access) || first.Acct.Email != "grace@example.com" {
		t.Fatalf("first exchange: %d %q, want a working token for SetAccount's account", first.status, first.Error)
	}
	if again := exchangeJSON(t, s, exchangeFields(c)); again.status != http.StatusBadRequest || again.Error != "invalid_grant" {
		t.Errorf("the code used again: %d %q, want 400 invalid_grant", again.status, again.Error)
	}
	if api.Accepts(first.Access) {
		t.Errorf("the tokens from a code used twice still work, want them revoked (RFC 6749 section 4.1.2)")
	}
	if n := s.Exchanges(); n != 1 {
		t.Errorf("%d exchanges counted, want 1", n)
	}
}

func TestFormEncodedExchange(t *testing.T) {
	s, api := newServer(t)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code(t, s)}, "redirect_uri": {redirect}, "client_id": {"parley-test"}, "code_verifier": {verifier}}
	resp, err := http.PostForm(s.TokenURL, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a tokenAnswer
	json.NewDecoder(resp.Body).Decode(&a)
	if resp.StatusCode != http.StatusOK || !api.Accepts(a.Access) {
		t.Errorf("form-encoded exchange: %s %q, want a working token", resp.Status, a.Error)
	}
}

func TestTokenFaultIsUsedOnce(t *testing.T) {
	tests := []struct {
		fault  fakeauth.TokenFault
		name   string
		status int
		ctype  string
	}{
		{fakeauth.Fault500, "Fault500", http.StatusInternalServerError, "application/json"},
		{fakeauth.FaultNonJSON, "FaultNonJSON", http.StatusOK, "text/html; charset=utf-8"},
		{fakeauth.FaultInvalidGrant, "FaultInvalidGrant", http.StatusBadRequest, "application/json"},
	}
	for _, tt := range tests {
		s, api := newServer(t)
		c := code(t, s)
		s.SetTokenFault(tt.fault)
		body, _ := json.Marshal(exchangeFields(c))
		resp, err := http.Post(s.TokenURL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: %s %s, want %d %s", tt.name, resp.Status, resp.Header.Get("Content-Type"), tt.status, tt.ctype)
		}
		if a := exchangeJSON(t, s, exchangeFields(c)); a.status != http.StatusOK || !api.Accepts(a.Access) {
			t.Errorf("%s: the next request got %d %q, want the fault used up and the code still good", tt.name, a.status, a.Error)
		}
	}
}

func TestHungTokenRequest(t *testing.T) {
	s, _ := newServer(t)
	s.SetTokenFault(fakeauth.FaultHang)
	impatient := &http.Client{Timeout: 200 * time.Millisecond}
	var ne net.Error
	if resp, err := impatient.PostForm(s.TokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r"}}); !errors.As(err, &ne) || !ne.Timeout() {
		if err == nil {
			resp.Body.Close()
		}
		t.Errorf("token request under FaultHang: %v, want it held until the client timed out", err)
	}
	resp, err := http.PostForm(s.TokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("the request after a hung one: %s, want it answered (400 for an unknown refresh token)", resp.Status)
	}
}

func TestCloseEndsAHungRequest(t *testing.T) {
	s, _ := newServer(t)
	s.SetTokenFault(fakeauth.FaultHang)
	entered := make(chan struct{}, 1)
	s.OnRefresh(func() { entered <- struct{}{} })
	done := make(chan error, 1)
	go func() {
		resp, err := http.PostForm(s.TokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r"}})
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-entered
	s.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("a hung token request got an answer, want its connection dropped by Close")
		}
	case <-time.After(10 * time.Second):
		t.Errorf("a hung token request outlived Close")
	}
}

func TestDiscoveryDocument(t *testing.T) {
	s, _ := newServer(t)
	resp, err := http.Get(s.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("discovery document: %v", err)
	}
	for k, want := range map[string]any{
		"issuer":                           s.URL,
		"authorization_endpoint":           s.AuthorizeURL,
		"token_endpoint":                   s.TokenURL,
		"code_challenge_methods_supported": []any{"S256"},
	} {
		if got, _ := json.Marshal(doc[k]); !bytes.Equal(got, must(json.Marshal(want))) {
			t.Errorf("discovery document %s = %s, want %v", k, got, want)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
