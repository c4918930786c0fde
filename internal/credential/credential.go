// Package credential holds Parley's one sign-in: an immutable [Credential]
// published by a [Holder] that every outbound request asks, at the moment it
// is sent, which credential to use.
//
// The holder's promises (each pinned down by a test):
//   - Resolve is called for every HTTP attempt, retries included, and never
//     waits on a lock that keyring or network I/O can hold.
//   - Set and Clear are atomic for every reader: once they return, no
//     Resolve anywhere returns the old credential. Generations only grow.
//   - A 401 for generation g invalidates only if g is still current.
//   - OAuth refresh runs once at a time, ahead of expiry, and a refresh
//     that finishes after a Set or Clear is discarded.
package credential

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Kind says how a credential authenticates.
type Kind int

const (
	// APIKey is an Anthropic API key, sent as x-api-key.
	APIKey Kind = iota + 1
	// OAuth is an OAuth access token (with a refresh token), sent as a
	// bearer token.
	OAuth
)

func (k Kind) String() string {
	switch k {
	case APIKey:
		return "api-key"
	case OAuth:
		return "oauth"
	}
	return "unknown"
}

// Credential is one immutable sign-in. Its secrets never leave it except
// through Secret (for the request that carries it) and the holder's
// refresh; String and %v print a masked hint only.
type Credential struct {
	kind         Kind
	apiKey       string
	accessToken  string
	refreshToken string
	expiry       time.Time // zero for API keys
	label        string    // email and organisation, or the key's hint
	profile      string    // the OAuth provider profile it came from
	gen          uint64    // set when the holder publishes it
}

// Environ is the process environment without the variables that may hold
// an Anthropic secret (ANTHROPIC_*). Give it to every program Parley
// starts: window processes and the browser never see a key.
func Environ() []string {
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "ANTHROPIC_") {
			out = append(out, kv)
		}
	}
	return out
}

// Key shape limits. Real keys are about 108 characters.
const (
	minKeyLen = 20
	maxKeyLen = 512
)

// NewAPIKey checks the shape of an API key and returns it as a credential.
// It does not trim: the caller trims what the user pasted, so that a key
// with stray whitespace or newlines inside it is reported, not mangled.
func NewAPIKey(key string) (*Credential, error) {
	if err := checkSecret("API key", key); err != nil {
		return nil, err
	}
	return &Credential{kind: APIKey, apiKey: key, label: Hint(key)}, nil
}

// Token is what an OAuth server returned: a new access token, its expiry,
// the refresh token to use next time (empty if the server did not rotate
// it), and the account it belongs to, for display.
type Token struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time
	Label        string
}

// NewOAuth returns an OAuth credential from a token response, for profile.
func NewOAuth(t Token, profile string) (*Credential, error) {
	if err := checkSecret("access token", t.AccessToken); err != nil {
		return nil, err
	}
	if t.RefreshToken != "" {
		if err := checkSecret("refresh token", t.RefreshToken); err != nil {
			return nil, err
		}
	}
	if t.Expiry.IsZero() {
		return nil, errors.New("the sign-in server sent a token without an expiry")
	}
	label := t.Label
	if label == "" {
		label = "signed in with " + profile
	}
	return &Credential{kind: OAuth, accessToken: t.AccessToken, refreshToken: t.RefreshToken, expiry: t.Expiry, label: label, profile: profile}, nil
}

func checkSecret(what, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("the %s is empty: paste the whole %s", what, what)
	case len(s) > maxKeyLen:
		return fmt.Errorf("the %s is %d characters long, more than any real one (%d): check that you copied only the %s", what, len(s), maxKeyLen, what)
	case len(s) < minKeyLen:
		return fmt.Errorf("the %s is too short (%d characters): check that you copied all of it", what, len(s))
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			return fmt.Errorf("the %s contains spaces or line breaks: copy it again, without them", what)
		case r < 0x21 || r > 0x7e:
			return fmt.Errorf("the %s contains a character (%q) that no %s has: copy it again", what, r, what)
		}
	}
	return nil
}

// Hint masks a secret for display: "sk-ant-…x7Qa".
func Hint(secret string) string {
	if len(secret) < 12 {
		return "…"
	}
	prefix := secret[:3]
	if strings.HasPrefix(secret, "sk-ant-") {
		prefix = "sk-ant-"
	}
	return prefix + "…" + secret[len(secret)-4:]
}

// WithLabel returns a copy of c shown as label.
func (c *Credential) WithLabel(label string) *Credential {
	cp := *c
	cp.label = label
	return &cp
}

// Kind says how the credential authenticates.
func (c *Credential) Kind() Kind { return c.kind }

// Generation is the holder's publication number: higher is newer.
func (c *Credential) Generation() uint64 { return c.gen }

// Label names the account for display; never a secret.
func (c *Credential) Label() string { return c.label }

// Profile names the OAuth provider profile ("" for API keys).
func (c *Credential) Profile() string { return c.profile }

// Expiry is when an OAuth access token stops working (zero for API keys).
func (c *Credential) Expiry() time.Time { return c.expiry }

// Secret is what a request carries: the API key, or the access token.
// Call it only to set a request's auth header.
func (c *Credential) Secret() string {
	if c.kind == APIKey {
		return c.apiKey
	}
	return c.accessToken
}

// String prints the credential without its secrets. It has a value
// receiver so that printing a Credential, not only a pointer, is safe too.
func (c Credential) String() string {
	return fmt.Sprintf("%s %s (generation %d)", c.kind, c.label, c.gen)
}

// GoString keeps %#v from printing secrets.
func (c Credential) GoString() string { return c.String() }

// withGen returns a copy published as generation gen.
func (c *Credential) withGen(gen uint64) *Credential {
	cp := *c
	cp.gen = gen
	return &cp
}

// refreshed returns the credential after a refresh that returned t.
func (c *Credential) refreshed(t Token) *Credential {
	cp := *c
	cp.accessToken = t.AccessToken
	cp.expiry = t.Expiry
	if t.RefreshToken != "" {
		cp.refreshToken = t.RefreshToken
	}
	if t.Label != "" {
		cp.label = t.Label
	}
	return &cp
}
