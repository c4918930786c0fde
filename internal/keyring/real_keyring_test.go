//go:build keyring

package keyring

// These tests talk to a real Secret Service. Run them with scripts/keyring-test,
// which starts a throwaway gnome-keyring on a private D-Bus session.

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRealKeyringStoresReplacesAndDeletes(t *testing.T) {
	testLifecycle(t, New("parley-test", t.Name()))
}

func TestRealKeyringHungDaemonTimesOutThenFailsFastThenRecovers(t *testing.T) {
	pid := keyringDaemon(t)
	const timeout, cooldown = time.Second, 2 * time.Second
	user := t.Name()
	stored := New("parley-test", user)
	if err := stored.Set("before"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stored.Delete() })

	for _, op := range []struct {
		name string
		call func(k *Keyring) error
	}{
		{"get", func(k *Keyring) error { _, err := k.Get(); return err }},
		{"set", func(k *Keyring) error { return k.Set("before") }}, // may land once resumed
	} {
		t.Run(op.name, func(t *testing.T) {
			k := newKeyring("parley-test", user, system{}, timeout, cooldown)
			signal(t, pid, syscall.SIGSTOP)
			t.Cleanup(func() { signal(t, pid, syscall.SIGCONT) })

			start := time.Now()
			err := op.call(k)
			elapsed := time.Since(start)
			t.Logf("%s on a stopped daemon: %v after %v", op.name, err, elapsed)
			var te *TimeoutError
			if !errors.As(err, &te) || !strings.Contains(err.Error(), "did not answer within 1s") {
				t.Errorf("%s = %v, want a *TimeoutError saying it waited 1s", op.name, err)
			}
			// Generous: this checks that the timeout works, not how precise it is.
			if elapsed < timeout || elapsed > timeout+2*time.Second {
				t.Errorf("%s failed after %v, want about %v", op.name, elapsed, timeout)
			}

			for _, next := range ops {
				start := time.Now()
				err := next.call(k)
				elapsed := time.Since(start)
				t.Logf("%s right after: %v", next.name, elapsed)
				if !errors.Is(err, ErrUnavailable) || !errors.As(err, &te) {
					t.Errorf("%s right after = %v, want ErrUnavailable wrapping the timeout", next.name, err)
				}
				if elapsed > timeout/2 {
					t.Errorf("%s right after took %v: it waited for the stopped daemon instead of failing fast", next.name, elapsed)
				}
			}

			signal(t, pid, syscall.SIGCONT)
			if _, err := k.Get(); !errors.Is(err, ErrUnavailable) {
				t.Errorf("Get once resumed, during the cooldown = %v, want ErrUnavailable", err)
			}
			time.Sleep(cooldown)
			start = time.Now()
			got, err := k.Get()
			t.Logf("get after the cooldown: %v", time.Since(start))
			if err != nil || got != "before" {
				t.Errorf("Get after the cooldown = %q, %v; want %q", got, err, "before")
			}
		})
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
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil || !strings.HasPrefix(string(comm), "gnome-keyring") {
		t.Fatalf("PARLEY_TEST_KEYRING_PID=%d is not a gnome-keyring-daemon (%q, %v)", pid, comm, err)
	}
	return pid
}

func signal(t *testing.T, pid int, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(pid, sig); err != nil {
		t.Errorf("kill -%v %d: %v", sig, pid, err)
	}
}
