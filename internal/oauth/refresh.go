// Package oauth talks to OAuth 2.0 servers for Parley: the refresh grant
// now, and (with the onboarding wizard) the authorization code flow with
// PKCE. Provider differences are data, in a Profile.
package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

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

// Profile describes one OAuth provider.
type Profile struct {
	Name     string
	TokenURL string
	ClientID string
	Format   Format
	// Beta, if set, is sent as the anthropic-beta header on token requests.
	Beta string
}

// Refresher renews access tokens for the credential holder; it satisfies
// credential.Refresher.
type Refresher struct {
	Profiles map[string]Profile
	// HTTP is the client for token requests (default http.DefaultClient).
	HTTP *http.Client
}

// Refresh exchanges refreshToken at profile's token endpoint. A refused
// refresh token gives an error matching credential.ErrInvalidGrant.
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
		return refreshJSON(ctx, hc, p, refreshToken)
	}
	return refreshForm(ctx, hc, p, refreshToken)
}

// tokenResponse is a token endpoint's answer, with Anthropic's account
// fields.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
	ErrorDesc    string `json:"error_description"`
	Account      struct {
		Email string `json:"email_address"`
	} `json:"account"`
	Organization struct {
		Name string `json:"name"`
	} `json:"organization"`
}

func (t tokenResponse) label() string {
	switch {
	case t.Account.Email != "" && t.Organization.Name != "":
		return t.Account.Email + " (" + t.Organization.Name + ")"
	case t.Account.Email != "":
		return t.Account.Email
	}
	return t.Organization.Name
}

func refreshJSON(ctx context.Context, hc *http.Client, p Profile, refreshToken string) (credential.Token, error) {
	body, _ := json.Marshal(map[string]string{"grant_type": "refresh_token", "refresh_token": refreshToken, "client_id": p.ClientID})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.TokenURL, bytes.NewReader(body))
	if err != nil {
		return credential.Token{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if p.Beta != "" {
		req.Header.Set("anthropic-beta", p.Beta)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return credential.Token{}, fmt.Errorf("could not reach the sign-in server: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return credential.Token{}, fmt.Errorf("reading the sign-in server's answer: %w", err)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(raw, &tr)
	if resp.StatusCode != http.StatusOK || tr.Error != "" {
		if tr.Error == "invalid_grant" {
			return credential.Token{}, fmt.Errorf("%w: %s", credential.ErrInvalidGrant, tr.ErrorDesc)
		}
		return credential.Token{}, fmt.Errorf("the sign-in server answered %s %s", resp.Status, strings.TrimSpace(tr.Error+" "+tr.ErrorDesc))
	}
	if jsonErr != nil || tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return credential.Token{}, errors.New("the sign-in server's answer has no usable access token")
	}
	return credential.Token{
		AccessToken:  tr.AccessToken,
		RefreshToken: tr.RefreshToken,
		Expiry:       time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second),
		Label:        tr.label(),
	}, nil
}

func refreshForm(ctx context.Context, hc *http.Client, p Profile, refreshToken string) (credential.Token, error) {
	cfg := oauth2.Config{ClientID: p.ClientID, Endpoint: oauth2.Endpoint{TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	tok, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			return credential.Token{}, fmt.Errorf("%w: %s", credential.ErrInvalidGrant, re.ErrorDescription)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return credential.Token{}, fmt.Errorf("could not reach the sign-in server: %w", err)
		}
		return credential.Token{}, fmt.Errorf("the sign-in server refused to renew the sign-in: %w", err)
	}
	t := credential.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}
	if t.Expiry.IsZero() {
		// expires_in is optional (RFC 6749 section 5.1); assume an hour and
		// let a 401 force a refresh if the server thinks otherwise.
		t.Expiry = time.Now().Add(time.Hour)
	}
	if email, ok := tok.Extra("email").(string); ok {
		t.Label = email
	}
	return t, nil
}
