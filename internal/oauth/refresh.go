// Package oauth talks to OAuth 2.0 servers for Parley: the authorization
// code flow with PKCE that signs the user in from the system browser
// (RFC 6749 section 4.1, RFC 7636, RFC 8252), the refresh grant that keeps
// the sign-in alive (RFC 6749 section 6), and OpenID Connect Discovery for
// custom gateways. Provider differences are data, in a Profile.
package oauth

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"

	"parley/internal/credential"
)

// Format is how a token endpoint wants its requests.
type Format int

const (
	// Form is standard OAuth 2.0 (RFC 6749): form-encoded bodies. Parley
	// uses golang.org/x/oauth2 for these.
	Form Format = iota
	// JSON bodies, as Anthropic's own OAuth protocol (the user_oauth profile
	// of its SDK) uses, with the anthropic-beta header.
	JSON
)

// Profile describes one OAuth provider: where its endpoints are and how to
// talk to them. Built-in providers are Profile values; a custom gateway's
// endpoints come from Discover.
type Profile struct {
	Name string
	// AuthorizeURL is the authorization endpoint (RFC 6749 section 3.1)
	// that Start sends the browser to.
	AuthorizeURL string
	// TokenURL is the token endpoint (RFC 6749 section 3.2).
	TokenURL string
	ClientID string
	// Scopes are requested at authorization (RFC 6749 section 3.3); none
	// leaves the choice to the server.
	Scopes []string
	Format Format
	// Beta, if set, is sent as the anthropic-beta header on token requests.
	Beta string
}

// config is p as golang.org/x/oauth2 wants it. Parley's clients are public
// (RFC 6749 section 2.1): the client ID goes in the request body and there
// is no secret.
func (p Profile) config(redirectURL string) oauth2.Config {
	return oauth2.Config{
		ClientID:    p.ClientID,
		Endpoint:    oauth2.Endpoint{AuthURL: p.AuthorizeURL, TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: redirectURL,
		Scopes:      p.Scopes,
	}
}

// Refresher renews access tokens for the credential holder; it satisfies
// credential.Refresher.
type Refresher struct {
	Profiles map[string]Profile
	// HTTP is the client for token requests (default http.DefaultClient).
	HTTP *http.Client
}

// Refresh exchanges refreshToken at profile's token endpoint (RFC 6749
// section 6). A refused refresh token gives an error matching
// credential.ErrInvalidGrant.
func (r *Refresher) Refresh(ctx context.Context, profile, refreshToken string) (credential.Token, error) {
	p, ok := r.Profiles[profile]
	if !ok {
		return credential.Token{}, fmt.Errorf("unknown sign-in profile %q", profile)
	}
	hc := r.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	if p.Format == JSON {
		return postJSON(ctx, hc, p, map[string]string{"grant_type": refreshGrant, "refresh_token": refreshToken, "client_id": p.ClientID})
	}
	cfg := p.config("")
	tok, err := cfg.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, hc), &oauth2.Token{RefreshToken: refreshToken}).Token()
	return fromOAuth2(tok, err, refreshGrant)
}
