// Package keyring keeps Parley's one secret item (a small JSON value) in the
// OS keyring, behind a timeout and a circuit breaker, or, when the user
// explicitly chooses it, in a plain file.
package keyring

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Keyring stores one secret string in the OS keyring under service/user.
// Use it, through New, wherever Parley reads or writes its sign-in.
//
// Every keyring call gets a timeout, because a locked or stuck keyring can
// hang forever. After a timeout, or an error other than ErrNotFound, the
// keyring is left alone for a cooldown: calls fail at once with an error
// wrapping ErrUnavailable and the cause. After the cooldown one call is let
// through as a probe; its success ends the cooldown, its failure starts a
// new one. Calls take turns, so a stuck keyring holds at most one goroutine
// per cooldown; a call may first wait for the one ahead of it. A call that
// timed out may still complete later.
//
// A Keyring is safe for concurrent use.
type Keyring struct {
	service, user string
	backend       backend
	timeout       time.Duration // how long one keyring call may take
	cooldown      time.Duration // how long calls fail fast after a failure

	mu       sync.Mutex // held for a whole call: calls take turns
	cause    error      // why the last call failed; nil when it did not
	failedAt time.Time
}

// New returns the Keyring for service/user in the OS keyring, with a 3s
// timeout and a 30s cooldown. It does no I/O.
func New(service, user string) *Keyring {
	return newKeyring(service, user, system{}, 3*time.Second, 30*time.Second)
}

func newKeyring(service, user string, b backend, timeout, cooldown time.Duration) *Keyring {
	return &Keyring{service: service, user: user, backend: b, timeout: timeout, cooldown: cooldown}
}

// Get returns the stored item, or an error matching ErrNotFound when there
// is none.
func (k *Keyring) Get() (string, error) {
	return k.do("get", func() (string, error) {
		return k.backend.get(k.service, k.user)
	})
}

// Set stores item, replacing any stored before. Items over MaxItem bytes
// are refused with ErrTooBig.
func (k *Keyring) Set(item string) error {
	if len(item) > MaxItem {
		return ErrTooBig
	}
	_, err := k.do("set", func() (string, error) {
		return "", k.backend.set(k.service, k.user, item)
	})
	return err
}

// Delete removes the stored item. Deleting when nothing is stored is not an
// error.
func (k *Keyring) Delete() error {
	_, err := k.do("delete", func() (string, error) {
		return "", k.backend.delete(k.service, k.user)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// do runs call behind the circuit breaker and the timeout.
func (k *Keyring) do(op string, call func() (string, error)) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cause != nil && time.Since(k.failedAt) < k.cooldown {
		return "", fmt.Errorf("%w: %w", ErrUnavailable, k.cause)
	}
	// Either all is well or the cooldown is over and this call is the probe.
	item, err := k.withTimeout(op, call)
	if err != nil && !errors.Is(err, ErrNotFound) {
		k.cause, k.failedAt = err, time.Now()
		return "", err
	}
	k.cause = nil
	return item, err
}

// withTimeout runs call in its own goroutine and gives up on it after
// k.timeout. The goroutine stays blocked until the keyring answers.
func (k *Keyring) withTimeout(op string, call func() (string, error)) (string, error) {
	type result struct {
		item string
		err  error
	}
	done := make(chan result, 1) // buffered: a late answer must not block
	go func() {
		item, err := call()
		done <- result{item, err}
	}()
	timer := time.NewTimer(k.timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.item, r.err
	case <-timer.C:
		return "", &TimeoutError{Op: op, After: k.timeout}
	}
}
