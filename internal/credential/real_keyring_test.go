//go:build keyring

package credential_test

// These tests use a real Secret Service; run them with scripts/keyring-test.

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"parley/internal/credential"
	"parley/internal/keyring"
)

func TestRealKeyringHolderSavesReplacesClearsAndLoads(t *testing.T) {
	ring := keyring.New("parley-test", t.Name())
	t.Cleanup(func() { ring.Delete() })
	a, b := apiKey(t, 1), apiKey(t, 2)

	h := credential.New(credential.Options{Store: ring})
	if err := h.Set(a); err != nil {
		t.Fatal(err)
	}
	if it, err := ring.Get(); err != nil || !strings.Contains(it, a.Secret()) {
		t.Fatalf("keyring after Set(A): %v", err)
	}
	if err := h.Set(b); err != nil {
		t.Fatal(err)
	}
	if it, _ := ring.Get(); !strings.Contains(it, b.Secret()) || strings.Contains(it, a.Secret()) {
		t.Fatal("keyring after Set(B) does not hold B alone")
	}

	// A restart: a new holder loads what the last one saved.
	restarted := credential.New(credential.Options{Store: ring})
	if err := restarted.Load(); err != nil {
		t.Fatal(err)
	}
	if c, err := restarted.Resolve(context.Background()); err != nil || c.Secret() != b.Secret() {
		t.Fatalf("after restart: %v, %v; want B", c, err)
	}

	if err := restarted.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Get(); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("keyring after Clear: %v, want ErrNotFound", err)
	}
	again := credential.New(credential.Options{Store: ring})
	if err := again.Load(); err != nil {
		t.Fatal(err)
	}
	if _, err := again.Resolve(context.Background()); !errors.Is(err, credential.ErrSignedOut) {
		t.Errorf("after Clear and restart: %v, want signed out", err)
	}

	// An OAuth sign-in survives a restart through its refresh token.
	o := newOAuthSetup(t)
	ro := credential.New(credential.Options{Store: ring, Refresher: o.refresher()})
	tok := o.auth.Issue("ada@example.com")
	c, _ := credential.NewOAuth(credential.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Label: "ada@example.com"}, "anthropic")
	if err := ro.Set(c); err != nil {
		t.Fatal(err)
	}
	loaded := credential.New(credential.Options{Store: ring, Refresher: o.refresher()})
	if err := loaded.Load(); err != nil {
		t.Fatal(err)
	}
	if a := loaded.Account(); a.State != credential.SignedIn || a.Label != "ada@example.com" {
		t.Errorf("OAuth account after restart: %+v", a)
	}
}

// TestRealKeyringHungDaemonLeavesParleyWorking stops the keyring daemon
// (SIGSTOP) while Parley is signed in: saving fails within the timeout
// with a clear error and changes nothing, requests keep resolving all the
// while, and the user can go on with a session-only sign-in.
func TestRealKeyringHungDaemonLeavesParleyWorking(t *testing.T) {
	pid := keyringDaemon(t)
	ring := keyring.New("parley-test", t.Name())
	t.Cleanup(func() { ring.Delete() })
	a, b := apiKey(t, 1), apiKey(t, 2)
	h := credential.New(credential.Options{Store: ring})
	if err := h.Set(a); err != nil {
		t.Fatal(err)
	}

	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })

	setErr := make(chan error, 1)
	go func() { setErr <- h.Set(b) }()
	// While Set waits on the stopped daemon, requests still get A at once.
	resolved := 0
	for {
		select {
		case err := <-setErr:
			if err == nil || !strings.Contains(err.Error(), "did not answer") || !strings.Contains(err.Error(), "nothing changed") {
				t.Fatalf("Set with a stopped keyring: %v", err)
			}
			if resolved < 10 {
				t.Errorf("only %d Resolve calls returned while Set waited: readers were blocked", resolved)
			}
			c, err := h.Resolve(context.Background())
			if err != nil || c.Secret() != a.Secret() {
				t.Fatalf("after the failed Set: %v, %v; want A", c, err)
			}
			// The user chooses "keep for this session only" and goes on.
			h.UseStore(nil)
			if err := h.Set(b); err != nil {
				t.Fatalf("session-only Set: %v", err)
			}
			if c, _ := h.Resolve(context.Background()); c.Secret() != b.Secret() {
				t.Errorf("after the session-only Set: %v, want B", c)
			}
			return
		default:
			c, err := h.Resolve(context.Background())
			if err != nil || c.Secret() != a.Secret() {
				t.Fatalf("Resolve while the keyring hangs: %v, %v", c, err)
			}
			resolved++
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// keyringDaemon returns the pid of the session's gnome-keyring-daemon, which
// scripts/keyring-test exports in PARLEY_TEST_KEYRING_PID.
func keyringDaemon(t *testing.T) int {
	t.Helper()
	pid, err := strconv.Atoi(os.Getenv("PARLEY_TEST_KEYRING_PID"))
	if err != nil {
		t.Fatalf("PARLEY_TEST_KEYRING_PID: %v; run scripts/keyring-test", err)
	}
	if comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); err != nil || !strings.HasPrefix(string(comm), "gnome-keyring") {
		t.Fatalf("PARLEY_TEST_KEYRING_PID=%d is not a gnome-keyring-daemon", pid)
	}
	return pid
}
