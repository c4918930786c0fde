package sdkprofile

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/credential"
)

// Refresher defaults.
const (
	defaultLockTimeout = 15 * time.Second
	defaultMinValidity = time.Minute
)

// maxExchanges bounds the refresh requests of one Refresh: after a refused
// one, Parley tries only a token that another program rotated meanwhile.
const maxExchanges = 3

// Refresher renews the sign-ins of SDK profiles cooperatively with every
// other program that uses them. It satisfies credential.Refresher, the
// holder's profile argument being the SDK profile name: give it to the
// holder of a credential made from Load. Use one Refresher per process, by
// pointer; its zero value is ready to use.
//
// Each Refresh takes the profile's lock, re-reads its credentials file,
// adopts tokens another program already rotated (renewing with the file's
// refresh token, never the stale one, when their access token is too old),
// writes renewed tokens back atomically, and after invalid_grant adopts a
// token rotated meanwhile before giving up. It never sends a refresh token
// it has sent before.
type Refresher struct {
	// Dir is the SDK's configuration directory ("" for config.DefaultDir()).
	Dir string
	// HTTP sends token requests (default: the SDK's token client, with a
	// 30-second timeout). Redirects are never followed.
	HTTP *http.Client
	// LockTimeout bounds the wait for another program's renewal of the same
	// profile (default 15 seconds).
	LockTimeout time.Duration
	// MinValidity is how long an access token that another program wrote
	// must stay valid for Parley to adopt it instead of renewing it (default
	// a minute). Keep it above the holder's ExpirySkew, or an adopted token
	// would count as expired at once.
	MinValidity time.Duration
	// Logf reports a renewal that could not be saved (default log.Printf).
	// Nothing logged holds a secret.
	Logf func(format string, args ...any)

	mu sync.Mutex
	// sent holds a digest of every refresh token this Refresher sent: true
	// if the server accepted (and so spent) it, false if it refused it.
	sent map[[sha256.Size]byte]bool
}

// Refresh renews the sign-in of SDK profile name, whose refresh token the
// caller holds as refreshToken. It returns an error matching
// credential.ErrInvalidGrant when the server refused the profile's refresh
// token and no other program has rotated a newer one.
func (r *Refresher) Refresh(ctx context.Context, name, refreshToken string) (credential.Token, error) {
	dir, err := resolveDir(r.Dir)
	if err != nil {
		return credential.Token{}, err
	}
	p, err := open(dir, name)
	if err != nil {
		return credential.Token{}, err
	}
	if p.clientID == "" {
		return credential.Token{}, fmt.Errorf("Anthropic profile %q has no client ID, so Parley cannot renew its sign-in: sign in to it again with `ant auth login`", name)
	}
	unlock, err := lockCredentials(ctx, p.credPath, cmp.Or(r.LockTimeout, defaultLockTimeout))
	if err != nil {
		return credential.Token{}, err
	}
	defer unlock()
	return r.renew(ctx, p, refreshToken)
}

// renew does Refresh's work under the profile's lock.
func (r *Refresher) renew(ctx context.Context, p profile, held string) (credential.Token, error) {
	var refused error
	for range maxExchanges {
		c, err := readCredentials(p)
		if err != nil {
			return credential.Token{}, err
		}
		send, adopt := r.choose(c, held)
		switch {
		case adopt:
			return p.token(c), nil
		case send == "" && refused != nil:
			return credential.Token{}, refused
		case send == "":
			return credential.Token{}, fmt.Errorf("%w: Parley has already used the refresh token of Anthropic profile %q and no newer one is saved; sign in to the profile again with `ant auth login`", credential.ErrInvalidGrant, p.name)
		}
		t, err := p.exchange(ctx, r.HTTP, send)
		if errors.Is(err, credential.ErrInvalidGrant) {
			r.record(send, false)
			refused = err
			continue // another program may have rotated it meanwhile
		}
		if err != nil {
			return credential.Token{}, err
		}
		r.record(send, true)
		if err := writeCredentials(p, c, t); err != nil {
			// The new tokens still serve Parley; the spent refresh token
			// is never sent again, and the next renewal saves again.
			r.logf("sdkprofile: %v", err)
		}
		return t, nil
	}
	return credential.Token{}, refused
}

// choose decides what to do with c, the credentials file as it is now, when
// the caller holds refresh token held: adopt c's tokens, or send a refresh
// token ("" if no token is left that Parley may send).
func (r *Refresher) choose(c config.Credentials, held string) (send string, adopt bool) {
	file := c.RefreshToken
	fileAccepted, fileSent := r.wasSent(file)
	_, heldSent := r.wasSent(held)
	switch {
	case file != held && file != "" && !fileSent:
		// Another program rotated the tokens: held is spent.
		if isFresh(c, cmp.Or(r.MinValidity, defaultMinValidity)) {
			return "", true
		}
		return file, false
	case (file == held || fileAccepted) && !heldSent:
		// The file holds held, or is behind Parley (saving failed).
		return held, false
	}
	return "", false
}

// record remembers that token was sent and whether the server accepted it.
func (r *Refresher) record(token string, accepted bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sent == nil {
		r.sent = map[[sha256.Size]byte]bool{}
	}
	r.sent[sha256.Sum256([]byte(token))] = accepted
}

// wasSent says whether token was sent, and if so whether it was accepted.
func (r *Refresher) wasSent(token string) (accepted, sent bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	accepted, sent = r.sent[sha256.Sum256([]byte(token))]
	return accepted, sent
}

func (r *Refresher) logf(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
		return
	}
	log.Printf(format, args...)
}
