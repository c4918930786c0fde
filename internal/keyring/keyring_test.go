package keyring

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// ops are the Keyring calls that reach the backend.
var ops = []struct {
	name string
	call func(k *Keyring) error
}{
	{"get", func(k *Keyring) error { _, err := k.Get(); return err }},
	{"set", func(k *Keyring) error { return k.Set("item") }},
	{"delete", func(k *Keyring) error { return k.Delete() }},
}

var errServiceUnknown = errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files")

// endCooldown makes k behave as if its cooldown had just passed.
func endCooldown(k *Keyring) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.failedAt = k.failedAt.Add(-k.cooldown)
}

func TestKeyringStoresReplacesAndDeletes(t *testing.T) {
	testLifecycle(t, newKeyring("parley", "me", newFake(), time.Second, time.Hour))
}

func TestKeyringRefusesItemsOverMaxItemBeforeAnyIO(t *testing.T) {
	b := newFake()
	k := newKeyring("parley", "me", b, time.Second, time.Hour)
	if err := k.Set(strings.Repeat("x", MaxItem+1)); !errors.Is(err, ErrTooBig) {
		t.Errorf("Set(MaxItem+1 bytes) = %v, want ErrTooBig", err)
	}
	if n := b.callCount(); n != 0 {
		t.Errorf("backend called %d times, want 0", n)
	}
}

func TestKeyringTimesOutWhenTheKeyringHangs(t *testing.T) {
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			k := newKeyring("parley", "me", blocking(t), 20*time.Millisecond, time.Hour)
			start := time.Now()
			err := op.call(k)
			elapsed := time.Since(start)
			var te *TimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("%s = %v, want a *TimeoutError", op.name, err)
			}
			if te.Op != op.name || te.After != 20*time.Millisecond {
				t.Errorf("TimeoutError = %+v, want Op %q After 20ms", *te, op.name)
			}
			if elapsed < 20*time.Millisecond || elapsed > 2*time.Second {
				t.Errorf("%s returned after %v, want about 20ms", op.name, elapsed)
			}
			want := "the system keyring did not answer within 20ms: it may be locked or stuck; " +
				"unlock it, or choose another place to keep your sign-in"
			if err.Error() != want {
				t.Errorf("error text = %q, want %q", err, want)
			}
		})
	}
}

func TestKeyringFailsFastDuringCooldown(t *testing.T) {
	tests := []struct {
		name    string
		backend func(t *testing.T) *fake
		isCause func(error) bool
	}{
		{
			name:    "after a timeout",
			backend: func(t *testing.T) *fake { return blocking(t) },
			isCause: func(err error) bool { var te *TimeoutError; return errors.As(err, &te) },
		},
		{
			name:    "after the keyring could not be reached",
			backend: func(*testing.T) *fake { return failing(errServiceUnknown) },
			isCause: func(err error) bool { return errors.Is(err, errServiceUnknown) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.backend(t)
			k := newKeyring("parley", "me", b, 20*time.Millisecond, time.Hour)
			if _, err := k.Get(); !tt.isCause(err) || errors.Is(err, ErrUnavailable) {
				t.Fatalf("first Get = %v, want the cause itself", err)
			}
			for _, op := range ops {
				err := op.call(k)
				if !errors.Is(err, ErrUnavailable) || !tt.isCause(err) {
					t.Errorf("%s during cooldown = %v, want ErrUnavailable wrapping the cause", op.name, err)
				}
			}
			if n := b.callCount(); n != 1 {
				t.Errorf("backend called %d times, want 1: calls during cooldown must not reach it", n)
			}
		})
	}
}

func TestKeyringNotFoundIsNotAFailure(t *testing.T) {
	b := newFake()
	k := newKeyring("parley", "me", b, time.Second, time.Hour)
	for range 3 {
		if _, err := k.Get(); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
			t.Errorf("Get = %v, want ErrNotFound", err)
		}
	}
	if n := b.callCount(); n != 3 {
		t.Errorf("backend called %d times, want 3", n)
	}
}

func TestKeyringProbeAfterCooldownClosesOrReopens(t *testing.T) {
	tests := []struct {
		name      string
		probeErr  error
		wantCalls int // backend calls after the failure, the probe and one more call
	}{
		{name: "a successful probe ends the cooldown", probeErr: nil, wantCalls: 3},
		{name: "a failed probe starts a new cooldown", probeErr: errServiceUnknown, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := failing(errServiceUnknown)
			k := newKeyring("parley", "me", b, time.Second, time.Hour)
			if err := k.Set("item"); !errors.Is(err, errServiceUnknown) {
				t.Fatalf("Set = %v, want %v", err, errServiceUnknown)
			}
			endCooldown(k)
			b.setErr(tt.probeErr)
			if err := k.Set("item"); !errors.Is(err, tt.probeErr) || errors.Is(err, ErrUnavailable) {
				t.Errorf("probe Set = %v, want %v", err, tt.probeErr)
			}
			_, err := k.Get()
			if tt.probeErr == nil && err != nil {
				t.Errorf("Get after a successful probe = %v, want the item", err)
			}
			if tt.probeErr != nil && !errors.Is(err, ErrUnavailable) {
				t.Errorf("Get after a failed probe = %v, want ErrUnavailable", err)
			}
			if n := b.callCount(); n != tt.wantCalls {
				t.Errorf("backend called %d times, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestKeyringHoldsOneGoroutinePerCooldownOnAHungKeyring(t *testing.T) {
	b := blocking(t)
	k := newKeyring("parley", "me", b, 20*time.Millisecond, time.Hour)
	for round := 1; round <= 2; round++ {
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				_, err := k.Get()
				var te *TimeoutError
				if !errors.As(err, &te) {
					t.Errorf("round %d: Get = %v, want a timeout or ErrUnavailable wrapping one", round, err)
				}
			})
		}
		wg.Wait()
		if n := b.callCount(); n != round {
			t.Errorf("round %d: backend called %d times, want %d", round, n, round)
		}
		endCooldown(k)
	}
}

func TestKeyringIsSafeForConcurrentUse(t *testing.T) {
	k := newKeyring("parley", "me", newFake(), time.Second, time.Hour)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if err := k.Set(`{"v":1}`); err != nil {
					t.Errorf("Set = %v", err)
				}
				if _, err := k.Get(); err != nil && !errors.Is(err, ErrNotFound) {
					t.Errorf("Get = %v", err)
				}
				if err := k.Delete(); err != nil {
					t.Errorf("Delete = %v", err)
				}
			}
		})
	}
	wg.Wait()
}
