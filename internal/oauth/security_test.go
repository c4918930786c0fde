package oauth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley/internal/oauth"
)

func TestAuthorizationRequest(t *testing.T) {
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	verifier := oauth.Verifier(flow)
	if len(verifier) < 43 || len(verifier) > 128 {
		t.Errorf("PKCE verifier has %d characters, want 43 to 128 (RFC 7636 section 4.1)", len(verifier))
	}
	sum := sha256.Sum256([]byte(verifier))
	for param, want := range map[string]string{
		"response_type":         "code",
		"client_id":             "parley-test",
		"redirect_uri":          flow.RedirectURL(),
		"scope":                 "user:profile user:inference",
		"code_challenge_method": "S256",
		"code_challenge":        base64.RawURLEncoding.EncodeToString(sum[:]),
	} {
		if got := authParam(t, flow, param); got != want {
			t.Errorf("authorization request %s=%q, want %q", param, got, want)
		}
	}
	if strings.Contains(strings.ToLower(flow.AuthURL()), "plain") {
		t.Errorf("the authorization request mentions plain: PKCE must be S256 only")
	}
	state, err := base64.RawURLEncoding.DecodeString(authParam(t, flow, "state"))
	if err != nil || len(state) < 16 {
		t.Errorf("state decodes to %d bytes (%v), want at least 128 random bits, base64url", len(state), err)
	}
}

func TestFlowsShareNothing(t *testing.T) {
	auth, _ := newAuth(t)
	a := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	b := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	if authParam(t, a, "state") == authParam(t, b, "state") || oauth.Verifier(a) == oauth.Verifier(b) || a.RedirectURL() == b.RedirectURL() {
		t.Errorf("two flows share a state, verifier or port")
	}
}

func TestListenerIsLoopbackOnly(t *testing.T) {
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	u, err := url.Parse(flow.RedirectURL())
	if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Path != "/callback" {
		t.Fatalf("RedirectURL %q, want http://127.0.0.1:PORT/callback", flow.RedirectURL())
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ip, _, _ := net.ParseCIDR(a.String())
		if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
			continue
		}
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), u.Port()), time.Second); err == nil {
			c.Close()
			t.Errorf("the loopback listener accepts connections on %s, want 127.0.0.1 only", ip)
		}
	}
}

func TestStartRefusesUnsafeProfiles(t *testing.T) {
	auth, _ := newAuth(t)
	tests := []struct {
		name   string
		change func(p *oauth.Profile)
		ok     bool
	}{
		{"https endpoints", func(p *oauth.Profile) {
			p.AuthorizeURL, p.TokenURL = "https://auth.example.com/authorize", "https://auth.example.com/token"
		}, true},
		{"http to localhost", func(p *oauth.Profile) { p.AuthorizeURL = "http://localhost:1/authorize" }, true},
		{"http authorization endpoint", func(p *oauth.Profile) { p.AuthorizeURL = "http://auth.example.com/authorize" }, false},
		{"http token endpoint", func(p *oauth.Profile) { p.TokenURL = "http://auth.example.com/token" }, false},
		{"no authorization endpoint", func(p *oauth.Profile) { p.AuthorizeURL = "" }, false},
		{"relative token endpoint", func(p *oauth.Profile) { p.TokenURL = "/token" }, false},
		{"no client ID", func(p *oauth.Profile) { p.ClientID = "" }, false},
	}
	for _, tt := range tests {
		p := profile(auth, oauth.JSON)
		tt.change(&p)
		flow, err := oauth.Start(p, oauth.FlowOptions{})
		if (err == nil) != tt.ok {
			t.Errorf("Start with %s: %v, want success %t", tt.name, err, tt.ok)
		}
		if flow != nil {
			flow.Cancel()
		}
	}
}
