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
	"time"

	"golang.org/x/oauth2"

	"parley/internal/credential"
)

// The grant types Parley uses (RFC 6749 sections 4.1.3 and 6).
const (
	codeGrant    = "authorization_code"
	refreshGrant = "refresh_token"
)

// maxAnswer bounds what Parley reads of a server's answer.
const maxAnswer = 1 << 20

// errNotUnderstood is a token endpoint's answer that is not a token.
var errNotUnderstood = errors.New("the sign-in server's answer was not understood (no usable access token); try again, and if it keeps happening check the sign-in settings")

// tokenResponse is a token endpoint's answer (RFC 6749 sections 5.1 and
// 5.2), with the account fields of Anthropic's protocol.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
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

// postJSON sends a token request as a JSON body, as Anthropic's protocol
// wants, and reads the answer. fields["grant_type"] says which grant it
// is, for the message if the server refuses it.
func postJSON(ctx context.Context, hc *http.Client, p Profile, fields map[string]string) (credential.Token, error) {
	body, _ := json.Marshal(fields) // a map of strings always encodes
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.TokenURL, bytes.NewReader(body))
	if err != nil {
		return credential.Token{}, fmt.Errorf("the sign-in settings have an unusable token address: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if p.Beta != "" {
		req.Header.Set("anthropic-beta", p.Beta)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return credential.Token{}, unreachable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return credential.Token{}, unreachable(err)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(raw, &tr)
	if resp.StatusCode != http.StatusOK || tr.Error != "" {
		return credential.Token{}, refused(resp.StatusCode, tr.Error, fields["grant_type"])
	}
	if jsonErr != nil || tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return credential.Token{}, errNotUnderstood
	}
	return credential.Token{
		AccessToken:  tr.AccessToken,
		RefreshToken: tr.RefreshToken,
		Expiry:       time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second),
		Label:        tr.label(),
	}, nil
}

// fromOAuth2 turns what golang.org/x/oauth2 returned for a token request
// of grantType into a Token, or into an error the user can act on.
func fromOAuth2(tok *oauth2.Token, err error, grantType string) (credential.Token, error) {
	if err != nil {
		var re *oauth2.RetrieveError
		var ue *url.Error
		switch {
		case errors.As(err, &re):
			return credential.Token{}, refused(re.Response.StatusCode, re.ErrorCode, grantType)
		case errors.As(err, &ue):
			return credential.Token{}, unreachable(err)
		}
		return credential.Token{}, errNotUnderstood
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

func unreachable(err error) error {
	return fmt.Errorf("could not reach the sign-in server; check your connection and try again: %w", err)
}

// refused explains a token endpoint's error answer (RFC 6749 section 5.2)
// to a request of grantType. Only the server's short error code is shown:
// its free-text description may quote what Parley sent.
func refused(status int, code, grantType string) error {
	switch {
	case code == "invalid_grant" && grantType == codeGrant:
		return &grantRefused{"the sign-in server did not accept the sign-in code (it may have expired or been used already); try again"}
	case code == "invalid_grant":
		return &grantRefused{"the sign-in server no longer accepts this sign-in; sign in again"}
	case status >= 500:
		return fmt.Errorf("the sign-in server failed (%d); try again", status)
	case code != "":
		return fmt.Errorf("the sign-in server refused the request (%s); try again, and if it keeps happening check the sign-in settings", errorCode(code))
	}
	return fmt.Errorf("the sign-in server answered with status %d; try again, and if it keeps happening check the sign-in settings", status)
}

// grantRefused is the token endpoint's invalid_grant: the refresh token or
// authorization code itself was refused. It matches
// credential.ErrInvalidGrant.
type grantRefused struct{ msg string }

func (e *grantRefused) Error() string { return e.msg }
func (e *grantRefused) Unwrap() error { return credential.ErrInvalidGrant }

// errorCode is an OAuth error code (RFC 6749 section 4.1.2.1) fit to show:
// a short word of letters, digits and _.- or "unknown error".
func errorCode(code string) string {
	if len(code) > 64 {
		return "unknown error"
	}
	for _, c := range code {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return "unknown error"
		}
	}
	return code
}
