package oauth_test

import (
	"context"
	"strings"
	"testing"

	"parley/internal/fakeauth"
	"parley/internal/oauth"
)

func TestDiscoverThenSignIn(t *testing.T) {
	auth, api := newAuth(t)
	authorize, token, err := oauth.Discover(context.Background(), nil, auth.URL)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if authorize != auth.AuthorizeURL || token != auth.TokenURL {
		t.Errorf("Discover found %q and %q, want the server's %q and %q", authorize, token, auth.AuthorizeURL, auth.TokenURL)
	}
	flow, err := oauth.Start(oauth.Profile{Name: "gateway", AuthorizeURL: authorize, TokenURL: token, ClientID: "parley-test"}, oauth.FlowOptions{})
	if err != nil {
		t.Fatalf("Start with discovered endpoints: %v", err)
	}
	defer flow.Cancel()
	browse(t, flow.AuthURL())
	tok, err := wait(t, flow)
	if err != nil || !api.Accepts(tok.AccessToken) {
		t.Errorf("sign-in with discovered endpoints: %v, want a working access token", err)
	}
}

func TestDiscoverRefusesBadDocuments(t *testing.T) {
	tests := []struct {
		name     string
		fault    fakeauth.DiscoveryFault
		issuer   func(auth *fakeauth.Server) string
		mentions string
	}{
		{"not JSON", fakeauth.DiscoveryNotJSON, nil, "not valid JSON"},
		{"another issuer", fakeauth.DiscoveryWrongIssuer, nil, "calls itself"},
		{"no token endpoint", fakeauth.DiscoveryMissingToken, nil, "no token_endpoint"},
		{"no S256", fakeauth.DiscoveryNoS256, nil, "S256"},
		{"trailing slash on the issuer", fakeauth.DiscoveryOK, func(a *fakeauth.Server) string { return a.URL + "/" }, "exact issuer"},
		{"no document there", fakeauth.DiscoveryOK, func(a *fakeauth.Server) string { return a.URL + "/nothing" }, "no OpenID configuration"},
		{"plain http issuer", fakeauth.DiscoveryOK, func(*fakeauth.Server) string { return "http://auth.example.com" }, "https"},
		{"not an address", fakeauth.DiscoveryOK, func(*fakeauth.Server) string { return "auth example" }, "not a web address"},
		{"issuer with a query", fakeauth.DiscoveryOK, func(a *fakeauth.Server) string { return a.URL + "?tenant=1" }, "? or #"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth, _ := newAuth(t)
			auth.SetDiscoveryFault(tt.fault)
			issuer := auth.URL
			if tt.issuer != nil {
				issuer = tt.issuer(auth)
			}
			_, _, err := oauth.Discover(context.Background(), nil, issuer)
			if err == nil || !strings.Contains(err.Error(), tt.mentions) {
				t.Errorf("Discover with %s: %v, want an error mentioning %q", tt.name, err, tt.mentions)
			}
		})
	}
}
