package fakeapi

import (
	"net/http"
	"strings"
)

// Kinds of credential a request can carry, as recorded in Entry.Kind; compare
// against them when checking which credential a client sent.
const (
	// KindAPIKey marks a request that carried an x-api-key header.
	KindAPIKey = "api-key"
	// KindOAuth marks a request that carried "Authorization: Bearer <token>"
	// and no x-api-key.
	KindOAuth = "oauth"
	// KindNone marks a request that carried no usable credential.
	KindNone = "none"
)

// oauthBeta is the anthropic-beta value that OAuth access tokens need.
const oauthBeta = "oauth-2025-04-20"

// credential is what a request presents to authenticate.
type credential struct {
	kind   string // KindAPIKey, KindOAuth or KindNone
	secret string
	// both is set when the request carries an x-api-key and an Authorization
	// header; kind and secret then describe the API key.
	both bool
	// foreign is set when the Authorization header is not a Bearer token.
	foreign bool
	// beta is set when anthropic-beta lists oauthBeta.
	beta bool
}

// readCredential reads the credential headers of a request.
func readCredential(h http.Header) credential {
	var c credential
	key := h.Get("X-Api-Key")
	auth := h.Get("Authorization")
	token, isBearer := bearerToken(auth)
	c.beta = hasBeta(h, oauthBeta)
	c.both = key != "" && auth != ""
	c.foreign = auth != "" && !isBearer
	switch {
	case key != "":
		c.kind, c.secret = KindAPIKey, key
	case token != "":
		c.kind, c.secret = KindOAuth, token
	default:
		c.kind = KindNone
	}
	return c
}

// bearerToken returns the token of an "Authorization: Bearer <token>" value
// and whether the value uses the Bearer scheme.
func bearerToken(auth string) (string, bool) {
	scheme, token, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// hasBeta reports whether the comma-separated anthropic-beta headers list beta.
func hasBeta(h http.Header, beta string) bool {
	for _, v := range h.Values("Anthropic-Beta") {
		for b := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(b) == beta {
				return true
			}
		}
	}
	return false
}
