package credential

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// flight is one refresh in progress; everyone who needs it waits on done.
type flight struct {
	gen  uint64
	done chan struct{}
	err  error // set before done closes
}

func (f *flight) errOr(def error) error {
	if f.err != nil {
		return f.err
	}
	return def
}

// backoff spaces out refreshes after failures, while a still-valid token
// keeps serving.
type backoff struct {
	failures int
	until    time.Time
	lastErr  error
}

const (
	backoffMin = time.Second
	backoffMax = 5 * time.Minute
)

// startRefresh returns the refresh flight for snapshot s, starting one if
// none is running for it. Unless force is set, a refresh is not started
// during backoff; the returned flight is then already done, with the last
// failure as its error.
func (h *Holder) startRefresh(s *snapshot, force bool) *flight {
	h.fmu.Lock()
	defer h.fmu.Unlock()
	if f := h.flight; f != nil && f.gen == s.gen {
		return f
	}
	if h.snap.Load() != s {
		// s was replaced (perhaps by a refresh that just finished): its
		// refresh token may be spent, and must never be sent again.
		return doneFlight(s.gen, nil)
	}
	if h.opt.Refresher == nil || s.cred.refreshToken == "" {
		return doneFlight(s.gen, errors.New("your sign-in expired and cannot be renewed: sign in again"))
	}
	if !force && time.Now().Before(h.backoff.until) {
		return doneFlight(s.gen, fmt.Errorf("renewing your sign-in failed; trying again in %s: %w",
			time.Until(h.backoff.until).Round(time.Second), h.backoff.lastErr))
	}
	f := &flight{gen: s.gen, done: make(chan struct{})}
	h.flight = f
	go h.refresh(f, s.cred)
	return f
}

// runningRefresh returns the refresh under way for snapshot s, or nil.
func (h *Holder) runningRefresh(s *snapshot) *flight {
	h.fmu.Lock()
	defer h.fmu.Unlock()
	if f := h.flight; f != nil && f.gen == s.gen {
		return f
	}
	return nil
}

func doneFlight(gen uint64, err error) *flight {
	f := &flight{gen: gen, done: make(chan struct{}), err: err}
	close(f.done)
	return f
}

// refresh runs one refresh to completion, whoever waits for it, and
// commits the result only if no Set or Clear came in between.
func (h *Holder) refresh(f *flight, c *Credential) {
	ctx, cancel := context.WithTimeout(context.Background(), h.opt.RefreshTimeout)
	tok, err := h.opt.Refresher.Refresh(ctx, c.profile, c.refreshToken)
	cancel()

	h.mu.Lock()
	cur := h.snap.Load()
	switch {
	case cur.gen != f.gen:
		// A Set, Clear or sign-in problem came first; it wins.
		h.opt.Logf("credential: discarded a refresh that finished after the sign-in changed")
	case errors.Is(err, ErrInvalidGrant):
		h.opt.Logf("credential: the refresh token of %s was refused", c)
		h.publishLocked(nil, Account{State: NeedsSignIn, Kind: c.kind, Label: c.label,
			Problem: "Your sign-in has expired or was revoked: sign in again."})
		f.err = ErrNeedsSignIn
	case err != nil:
		f.err = fmt.Errorf("renewing your sign-in failed: %w", err)
	default:
		next := c.refreshed(tok)
		acct := Account{State: SignedIn, Kind: next.kind, Label: next.label}
		if err := h.saveLocked(next); err != nil {
			// The new tokens stay in memory: the spent refresh token is
			// never used again, even though a restart will need sign-in.
			acct.Problem = "Your renewed sign-in could not be saved; you may need to sign in again after restarting Parley."
			h.opt.Logf("credential: saving the renewed sign-in: %v", err)
		}
		h.publishLocked(next, acct)
	}
	h.mu.Unlock()

	h.fmu.Lock()
	if f.err != nil && !errors.Is(f.err, ErrNeedsSignIn) {
		h.backoff.failures++
		d := min(backoffMin<<min(h.backoff.failures-1, 16), backoffMax)
		h.backoff.until = time.Now().Add(d)
		h.backoff.lastErr = err
		h.opt.Logf("credential: %v (next try in %s)", f.err, d)
	} else {
		h.backoff = backoff{}
	}
	if h.flight == f {
		h.flight = nil
	}
	h.fmu.Unlock()
	close(f.done)
}

// saveLocked persists c if there is a store. h.mu is held.
func (h *Holder) saveLocked(c *Credential) error {
	if h.opt.Store == nil {
		return nil
	}
	it, err := encodeItem(c)
	if err != nil {
		return err
	}
	return h.opt.Store.Set(it)
}
