package credential

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"parley/internal/keyring"
)

// Store keeps the one item that must survive a restart. keyring.Keyring and
// keyring.File satisfy it; Get returns an error matching keyring.ErrNotFound
// when nothing is stored.
type Store interface {
	Get() (string, error)
	Set(item string) error
	Delete() error
}

// Refresher exchanges a refresh token for new tokens. It returns an error
// matching ErrInvalidGrant when the server refused the refresh token.
type Refresher interface {
	Refresh(ctx context.Context, profile, refreshToken string) (Token, error)
}

// State is the account's state, as every window shows it.
type State string

// Account states.
const (
	SignedOut   State = "signed-out"
	SignedIn    State = "signed-in"
	NeedsSignIn State = "needs-sign-in"
)

// Account is what windows may know of the sign-in: never a secret.
type Account struct {
	State   State
	Kind    Kind
	Label   string // email and organisation, or a masked key hint
	Problem string // what went wrong, in words for the user ("" if nothing)
}

// Options configure a Holder.
type Options struct {
	// Store persists the credential; nil keeps it for this session only.
	Store Store
	// Refresher renews OAuth access tokens; nil means they cannot be renewed.
	Refresher Refresher
	// RefreshAhead is how long before expiry a refresh starts (default 5
	// minutes), minus up to a fifth of it at random so that clients do not
	// refresh in step.
	RefreshAhead time.Duration
	// ExpirySkew is how long before its expiry a token is treated as
	// expired, for clock skew and time in flight (default 30 seconds).
	ExpirySkew time.Duration
	// RefreshTimeout bounds one refresh (default 30 seconds).
	RefreshTimeout time.Duration
	// Logf logs (default log.Printf). Nothing logged holds a secret.
	Logf func(format string, args ...any)
	// Redact, if set, is told each secret the holder takes (an API key, an
	// access token, a refresh token), so that a log can hide it wherever it
	// turns up. It must not block.
	Redact func(secret string)
}

// Holder is the core's one credential holder. Every change (Set, Clear, a
// refresh commit, and the store I/O that goes with it) happens under its
// mutex; readers load the immutable snapshot the last change published.
type Holder struct {
	opt  Options
	snap atomic.Pointer[snapshot]

	mu   sync.Mutex // serialises changes and store I/O; readers never take it
	gen  uint64
	subs map[int]func(Account)
	next int

	fmu     sync.Mutex // guards the refresh flight and backoff; never held across I/O
	flight  *flight
	backoff backoff
}

// snapshot is one published state. Readers get it with one atomic load.
type snapshot struct {
	gen     uint64
	cred    *Credential // nil unless signed in
	account Account
	due     atomic.Bool // an OAuth token is near expiry: refresh in the background
	expired atomic.Bool // an OAuth token is no longer usable
	timers  []*time.Timer
}

// New returns a signed-out holder. Call Load to read the stored credential.
func New(opt Options) *Holder {
	if opt.RefreshAhead == 0 {
		opt.RefreshAhead = 5 * time.Minute
	}
	if opt.ExpirySkew == 0 {
		opt.ExpirySkew = 30 * time.Second
	}
	if opt.RefreshTimeout == 0 {
		opt.RefreshTimeout = 30 * time.Second
	}
	if opt.Logf == nil {
		opt.Logf = log.Printf
	}
	h := &Holder{opt: opt, subs: map[int]func(Account){}}
	h.snap.Store(&snapshot{account: Account{State: SignedOut}})
	return h
}

// Resolve returns the credential to send now. Call it for every HTTP
// attempt, retries included, and never keep the result past that attempt.
// It returns ErrSignedOut or ErrNeedsSignIn when there is none to send, and
// waits only when an OAuth token has expired and must be refreshed first
// (until ctx ends; the shared refresh goes on).
func (h *Holder) Resolve(ctx context.Context) (*Credential, error) {
	s := h.snap.Load()
	if s.cred == nil {
		return nil, s.err()
	}
	if !s.due.Load() {
		return s.cred, nil
	}
	if !s.expired.Load() {
		h.startRefresh(s, false) // ahead of expiry: this request need not wait
		return s.cred, nil
	}
	f := h.startRefresh(s, false)
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	now := h.snap.Load()
	switch {
	case now.cred == nil:
		return nil, now.err()
	case now.gen == s.gen || now.expired.Load():
		return nil, f.errOr(errors.New("your sign-in expired and could not be renewed"))
	}
	return now.cred, nil
}

// Account describes the current sign-in for display.
func (h *Holder) Account() Account { return h.snap.Load().account }

// Set makes c the credential, saving it first. If saving fails nothing
// changes and the error says why. Once Set returns, every Resolve returns c
// or something newer.
func (h *Holder) Set(c *Credential) error {
	if c == nil {
		return errors.New("no credential to set")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opt.Store != nil {
		it, err := encodeItem(c)
		if err != nil {
			return err
		}
		if err := h.opt.Store.Set(it); err != nil {
			return fmt.Errorf("%w: %w", ErrNotSaved, err)
		}
	}
	h.publishLocked(c, Account{State: SignedIn, Kind: c.kind, Label: c.label})
	return nil
}

// UseStore changes where the sign-in is kept from now on: nil keeps it for
// this session only. Use it when the user chooses, for example after the
// keyring failed; the current credential is not moved.
func (h *Holder) UseStore(s Store) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.opt.Store = s
}

// Clear signs out: at once in memory, so no request sends the credential
// after Clear returns, and in the store. It returns an error if the stored
// copy could not be removed.
func (h *Holder) Clear() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.publishLocked(nil, Account{State: SignedOut})
	if h.opt.Store != nil {
		if err := h.opt.Store.Delete(); err != nil {
			return fmt.Errorf("signed out, but the saved sign-in could not be removed: %w", err)
		}
	}
	return nil
}

// Load reads the stored credential, for start-up. On failure the holder
// stays signed out, says why in Account().Problem, and leaves the stored
// item as it is.
func (h *Holder) Load() error {
	if h.opt.Store == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	it, err := h.opt.Store.Get()
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return nil
	case err != nil:
		err = fmt.Errorf("The system keyring is not available, so Parley cannot keep your sign-in between sessions (%w).", err)
	default:
		c, derr := decodeItem(it)
		if derr == nil {
			h.publishLocked(c, Account{State: SignedIn, Kind: c.kind, Label: c.label})
			return nil
		}
		err = fmt.Errorf("Your saved sign-in could not be read and was left as it is (%w). Sign in again to replace it.", derr)
	}
	h.publishLocked(nil, Account{State: SignedOut, Problem: err.Error()})
	return err
}

// Subscribe calls fn with the account now and after every change, in
// order, until cancel is called. fn runs under the holder's mutex: it must
// return quickly and not call the holder.
func (h *Holder) Subscribe(fn func(Account)) (cancel func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := h.next
	h.next++
	h.subs[id] = fn
	fn(h.snap.Load().account)
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, id)
	}
}

// Recover is for a request whose attempt with used got 401. It returns a
// newer credential to retry with: the one that replaced used while the
// request was in flight, or the result of a refresh of used, if one is
// under way or, when mayRefresh, forced now (refreshed is then true).
// Otherwise it marks the account as needing sign-in, but only if used is
// still current, so that a late 401 never discards a newer credential.
func (h *Holder) Recover(ctx context.Context, used *Credential, mayRefresh bool) (next *Credential, refreshed bool, err error) {
	s := h.snap.Load()
	if s.gen != used.gen {
		if s.cred == nil {
			return nil, false, s.err()
		}
		return s.cred, false, nil
	}
	if used.kind == OAuth {
		f := h.runningRefresh(s)
		if f == nil && mayRefresh {
			f = h.startRefresh(s, true)
		}
		if f != nil {
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, false, ctx.Err()
			}
			now := h.snap.Load()
			switch {
			case now.gen != used.gen && now.cred != nil:
				return now.cred, true, nil
			case now.cred == nil:
				return nil, true, now.err()
			case f.err != nil && !errors.Is(f.err, ErrNeedsSignIn):
				return nil, true, f.err // the refresh itself failed; the sign-in may still be good
			}
		}
	}
	h.invalidate(used.gen)
	// A change may have landed since the first load (a refresh that just
	// finished): then invalidate did nothing, and the newer one is good.
	if now := h.snap.Load(); now.gen != used.gen && now.cred != nil {
		return now.cred, false, nil
	}
	return nil, false, h.snap.Load().errOr(ErrNeedsSignIn)
}

// invalidate marks the account as needing sign-in if gen is still current.
func (h *Holder) invalidate(gen uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.snap.Load()
	if s.gen != gen || s.cred == nil {
		return
	}
	h.opt.Logf("credential: %s was rejected by the server", s.cred)
	h.publishLocked(nil, Account{State: NeedsSignIn, Kind: s.cred.kind, Label: s.cred.label,
		Problem: fmt.Sprintf("%s was rejected: sign in again.", s.cred.label)})
}

// publishLocked makes c (nil: none) the current credential as a new
// generation and tells subscribers. h.mu is held.
func (h *Holder) publishLocked(c *Credential, acct Account) {
	h.gen++
	s := &snapshot{gen: h.gen, account: acct}
	if c != nil {
		if h.opt.Redact != nil {
			for _, secret := range []string{c.apiKey, c.accessToken, c.refreshToken} {
				if secret != "" {
					h.opt.Redact(secret)
				}
			}
		}
		s.cred = c.withGen(h.gen)
		if c.kind == OAuth {
			h.armTimers(s)
		}
	}
	old := h.snap.Swap(s)
	for _, t := range old.timers {
		t.Stop()
	}
	for _, fn := range h.subs {
		fn(acct)
	}
}

// armTimers sets s.due and s.expired when their times come, so that Resolve
// need not read the clock.
func (h *Holder) armTimers(s *snapshot) {
	ahead := h.opt.RefreshAhead - rand.N(h.opt.RefreshAhead/5+1)
	// A short-lived token is renewed halfway through its life, not at once.
	if life := time.Until(s.cred.expiry); life > 0 && ahead > life/2 {
		ahead = life / 2
	}
	mark := func(at time.Time, flags ...*atomic.Bool) {
		set := func() {
			for _, f := range flags {
				f.Store(true)
			}
		}
		if d := time.Until(at); d > 0 {
			s.timers = append(s.timers, time.AfterFunc(d, set))
		} else {
			set()
		}
	}
	expiredAt := s.cred.expiry.Add(-h.opt.ExpirySkew)
	dueAt := s.cred.expiry.Add(-ahead)
	if dueAt.After(expiredAt) {
		dueAt = expiredAt
	}
	mark(expiredAt, &s.expired, &s.due) // an expired token is due, whatever happened
	mark(dueAt, &s.due)
}

func (s *snapshot) err() error {
	if s.account.State == NeedsSignIn {
		return ErrNeedsSignIn
	}
	return ErrSignedOut
}

// errOr returns the state's error when signed out, or err.
func (s *snapshot) errOr(err error) error {
	if s.cred == nil {
		return s.err()
	}
	return err
}
