package credential_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/credential"
	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
	"parley/internal/keyring"
	"parley/internal/oauth"
)

// memStore is an in-memory Store for tests that are not about the keyring
// (real keyring tests: real_keyring_test.go).
type memStore struct {
	mu   sync.Mutex
	item string
	has  bool
	sets int
	fail error
}

func (m *memStore) Get() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.has {
		return "", keyring.ErrNotFound
	}
	return m.item, nil
}

func (m *memStore) Set(it string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.item, m.has = it, true
	m.sets++
	return nil
}

func (m *memStore) Delete() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.item, m.has = "", false
	return nil
}

func (m *memStore) get() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.item
}

// oauthSetup is a holder signed in through the fake authorization server.
type oauthSetup struct {
	auth   *fakeauth.Server
	holder *credential.Holder
	store  *memStore
}

func newOAuthSetup(t *testing.T) *oauthSetup {
	t.Helper()
	api := fakeapi.New()
	t.Cleanup(api.Close)
	auth := fakeauth.New(api)
	t.Cleanup(auth.Close)
	o := &oauthSetup{auth: auth, store: &memStore{}}
	o.holder = credential.New(credential.Options{
		Store:        o.store,
		Refresher:    o.refresher(),
		RefreshAhead: time.Minute,
		ExpirySkew:   time.Second,
		Logf:         t.Logf,
	})
	return o
}

func (o *oauthSetup) refresher() *oauth.Refresher {
	return &oauth.Refresher{Profiles: map[string]oauth.Profile{
		"anthropic": {Name: "anthropic", TokenURL: o.auth.TokenURL, ClientID: "parley-test", Format: oauth.JSON, Beta: "oauth-2025-04-20"},
	}}
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// signIn issues tokens for account and sets them, as if the access token
// expired after expiresIn (negative: it already has).
func (o *oauthSetup) signIn(t *testing.T, account string, expiresIn time.Duration) *credential.Credential {
	t.Helper()
	tok := o.auth.Issue(account)
	c, err := credential.NewOAuth(credential.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(expiresIn), Label: account}, "anthropic")
	if err != nil {
		t.Fatal(err)
	}
	if err := o.holder.Set(c); err != nil {
		t.Fatal(err)
	}
	return c
}

func apiKey(t testing.TB, n int) *credential.Credential {
	t.Helper()
	c, err := credential.NewAPIKey(fmt.Sprintf("sk-ant-api03-%040d", n))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSignedOutUntilSet(t *testing.T) {
	h := credential.New(credential.Options{})
	if _, err := h.Resolve(context.Background()); !errors.Is(err, credential.ErrSignedOut) {
		t.Fatalf("Resolve on a new holder: %v, want ErrSignedOut", err)
	}
	if err := h.Set(apiKey(t, 1)); err != nil {
		t.Fatal(err)
	}
	c, err := h.Resolve(context.Background())
	if err != nil || c.Secret() != apiKey(t, 1).Secret() {
		t.Fatalf("Resolve after Set: %v, %v", c, err)
	}
	if err := h.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Resolve(context.Background()); !errors.Is(err, credential.ErrSignedOut) {
		t.Errorf("Resolve after Clear: %v, want ErrSignedOut", err)
	}
}

// TestSetAndClearAreAtomicForEveryReader runs 32 readers against a writer
// making 2,000 changes. Each reader checks that generations never go back,
// that every credential it sees is whole (its secret is the one published
// with its generation), and the writer checks that once Set or Clear has
// returned, no reader gets anything older.
func TestSetAndClearAreAtomicForEveryReader(t *testing.T) {
	h := credential.New(credential.Options{})
	var published sync.Map  // generation -> secret ("" for cleared)
	var floor atomic.Uint64 // generation of the last completed change
	var stop atomic.Bool
	var wg sync.WaitGroup
	for r := 0; r < 32; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last uint64
			for !stop.Load() {
				min := floor.Load()
				c, err := h.Resolve(context.Background())
				if err != nil {
					if !errors.Is(err, credential.ErrSignedOut) {
						t.Errorf("Resolve: %v", err)
						return
					}
					continue
				}
				g := c.Generation()
				if g < last {
					t.Errorf("generation went back from %d to %d", last, g)
					return
				}
				if g < min {
					t.Errorf("Resolve returned generation %d after a change to %d had returned", g, min)
					return
				}
				last = g
				want, ok := published.Load(g)
				if ok && want != c.Secret() {
					t.Errorf("generation %d carries %s, published with another secret: torn", g, credential.Hint(c.Secret()))
					return
				}
			}
		}()
	}
	for i := 0; i < 2000; i++ {
		if i%7 == 6 {
			if err := h.Clear(); err != nil {
				t.Fatal(err)
			}
		} else {
			if err := h.Set(apiKey(t, i)); err != nil {
				t.Fatal(err)
			}
		}
		// The generation just published, read back by the writer itself.
		c, err := h.Resolve(context.Background())
		switch {
		case i%7 == 6 && !errors.Is(err, credential.ErrSignedOut):
			t.Fatalf("after Clear returned: %v, %v", c, err)
		case i%7 != 6:
			if err != nil || c.Secret() != apiKey(t, i).Secret() {
				t.Fatalf("after Set returned: %v, %v", c, err)
			}
			published.Store(c.Generation(), c.Secret())
			floor.Store(c.Generation())
		}
	}
	stop.Store(true)
	wg.Wait()
}

func TestSubscribersSeeEveryChangeInOrderWithoutSecrets(t *testing.T) {
	h := credential.New(credential.Options{})
	var got []credential.Account
	cancel := h.Subscribe(func(a credential.Account) { got = append(got, a) })
	key := apiKey(t, 7)
	_ = h.Set(key)
	_ = h.Clear()
	cancel()
	_ = h.Set(apiKey(t, 8))
	var states []string
	for _, a := range got {
		states = append(states, string(a.State))
		if strings.Contains(fmt.Sprintf("%+v", a), key.Secret()) {
			t.Errorf("account %+v holds the secret", a)
		}
	}
	if strings.Join(states, ",") != "signed-out,signed-in,signed-out" {
		t.Errorf("states = %v, want signed-out, signed-in, signed-out (and nothing after cancel)", states)
	}
	if got[1].Label != "sk-ant-…0007" || got[1].Kind != credential.APIKey {
		t.Errorf("signed-in account = %+v, want the key's hint", got[1])
	}
}

func TestSetThatCannotBeSavedChangesNothing(t *testing.T) {
	store := &memStore{}
	h := credential.New(credential.Options{Store: store})
	if err := h.Set(apiKey(t, 1)); err != nil {
		t.Fatal(err)
	}
	store.fail = errors.New("the keyring is locked")
	err := h.Set(apiKey(t, 2))
	if err == nil || !strings.Contains(err.Error(), "nothing changed") {
		t.Fatalf("Set with a failing store: %v", err)
	}
	c, _ := h.Resolve(context.Background())
	if c.Secret() != apiKey(t, 1).Secret() {
		t.Errorf("after a failed Set the holder has %v, want the first key", c)
	}
}

func TestLoadRestoresAndRefusesDamage(t *testing.T) {
	store := &memStore{}
	first := credential.New(credential.Options{Store: store})
	if err := first.Set(apiKey(t, 3)); err != nil {
		t.Fatal(err)
	}
	second := credential.New(credential.Options{Store: store})
	if err := second.Load(); err != nil {
		t.Fatal(err)
	}
	if c, err := second.Resolve(context.Background()); err != nil || c.Secret() != apiKey(t, 3).Secret() {
		t.Fatalf("after Load: %v, %v", c, err)
	}

	for _, damaged := range []string{`{"v":1,"kind":`, `{"v":9,"kind":"api-key","api_key":"x"}`} {
		store.item = damaged
		h := credential.New(credential.Options{Store: store})
		err := h.Load()
		if err == nil {
			t.Errorf("Load of %s succeeded", damaged)
		}
		if a := h.Account(); a.State != credential.SignedOut || !strings.Contains(a.Problem, "could not be read") {
			t.Errorf("account after a damaged item: %+v", a)
		}
		if store.get() != damaged {
			t.Errorf("the damaged item was changed to %q", store.get())
		}
	}
}

func TestConcurrentRequestsWithAnExpiredTokenRefreshOnce(t *testing.T) {
	o := newOAuthSetup(t)
	old := o.signIn(t, "ada@example.com", -time.Minute)
	release := make(chan struct{})
	o.auth.OnRefresh(func() { <-release }) // hold the refresh until all 64 wait
	var wg sync.WaitGroup
	results := make(chan *credential.Credential, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := o.holder.Resolve(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			results <- c
		}()
	}
	time.Sleep(200 * time.Millisecond)
	close(release)
	wg.Wait()
	close(results)
	var gen uint64
	for c := range results {
		if c.Secret() == old.Secret() {
			t.Fatal("a request got the expired token")
		}
		if gen != 0 && c.Generation() != gen {
			t.Errorf("requests got generations %d and %d from one refresh", gen, c.Generation())
		}
		gen = c.Generation()
	}
	if n := o.auth.RefreshCalls(); n != 1 {
		t.Errorf("%d refresh calls for 64 requests, want 1", n)
	}
	// The rotated refresh token is what was saved, and the next refresh
	// uses it: the server never sees a spent one.
	if !strings.Contains(o.store.get(), `"refresh_token":"sk-ant-ort01-`) || strings.Contains(o.store.get(), old.Secret()) {
		t.Errorf("saved item after refresh: %s", o.store.get())
	}
	restarted := credential.New(credential.Options{Store: o.store, Refresher: o.refresher(), Logf: t.Logf})
	if err := restarted.Load(); err != nil {
		t.Fatal(err)
	}
	cur, err := restarted.Resolve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := restarted.Recover(context.Background(), cur, true); err != nil { // as after a 401
		t.Fatal(err)
	}
	if n, r := o.auth.RefreshCalls(), o.auth.ReusedRefreshTokens(); n != 2 || r != 0 {
		t.Errorf("after a second refresh: %d calls, %d reused refresh tokens; want 2 and 0", n, r)
	}
}

func TestRefreshAheadOfExpiryDoesNotMakeRequestsWait(t *testing.T) {
	o := newOAuthSetup(t)
	// A 4 s token is due halfway (2 s) and expired at 3 s (ExpirySkew 1 s).
	first := o.signIn(t, "ada@example.com", 4*time.Second)
	time.Sleep(2200 * time.Millisecond)
	c, err := o.holder.Resolve(context.Background())
	if err != nil || c.Secret() != first.Secret() {
		t.Fatalf("Resolve while a refresh is due: %v, %v; want the still-valid token at once", c, err)
	}
	waitFor(t, "the background refresh", func() bool {
		c, err := o.holder.Resolve(context.Background())
		return err == nil && c.Secret() != first.Secret()
	})
	if n := o.auth.RefreshCalls(); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
}

func TestFailedRefreshBacksOffWhileTheTokenStillServes(t *testing.T) {
	o := newOAuthSetup(t)
	o.auth.FailNext(100)
	first := o.signIn(t, "ada@example.com", 4*time.Second) // due at 2 s, expired at 3 s
	time.Sleep(2200 * time.Millisecond)
	for i := 0; i < 200; i++ {
		c, err := o.holder.Resolve(context.Background())
		if err != nil || c.Secret() != first.Secret() {
			t.Fatalf("Resolve %d during failing refreshes: %v, %v", i, c, err)
		}
		time.Sleep(time.Millisecond)
	}
	if n := o.auth.RefreshCalls(); n < 1 || n > 2 {
		t.Errorf("%d refresh calls in 200 ms of failures, want 1 (or 2 after the first 1 s backoff)", n)
	}
}

func TestSetDuringAnInFlightRefreshWins(t *testing.T) {
	o := newOAuthSetup(t)
	o.signIn(t, "ada@example.com", -time.Minute)
	entered := make(chan struct{})
	release := make(chan struct{})
	o.auth.OnRefresh(func() { close(entered); <-release })
	done := make(chan error, 1)
	go func() {
		_, err := o.holder.Resolve(context.Background())
		done <- err
	}()
	<-entered
	b := apiKey(t, 42)
	if err := o.holder.Set(b); err != nil {
		t.Fatal(err)
	}
	close(release)
	<-done // whatever it got, it must not undo the Set
	time.Sleep(50 * time.Millisecond)
	c, err := o.holder.Resolve(context.Background())
	if err != nil || c.Secret() != b.Secret() {
		t.Fatalf("after the refresh finished: %v, %v; want the key set during it", c, err)
	}
	if !strings.Contains(o.store.get(), b.Secret()) {
		t.Errorf("the store holds %q, want the key set during the refresh", o.store.get())
	}
}

func TestCallerCancellationDoesNotCancelTheSharedRefresh(t *testing.T) {
	o := newOAuthSetup(t)
	old := o.signIn(t, "ada@example.com", -time.Minute)
	release := make(chan struct{})
	o.auth.OnRefresh(func() { <-release })
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := o.holder.Resolve(ctx)
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v", err)
	}
	close(release)
	c, err := o.holder.Resolve(context.Background())
	if err != nil || c.Secret() == old.Secret() {
		t.Fatalf("after the refresh: %v, %v", c, err)
	}
	if n := o.auth.RefreshCalls(); n != 1 {
		t.Errorf("%d refresh calls, want the one the cancelled caller started", n)
	}
}

func TestLateUnauthorizedNeverDiscardsANewerCredential(t *testing.T) {
	h := credential.New(credential.Options{})
	_ = h.Set(apiKey(t, 1))
	a, _ := h.Resolve(context.Background())
	_ = h.Set(apiKey(t, 2))
	next, refreshed, err := h.Recover(context.Background(), a, true)
	if err != nil || refreshed || next.Secret() != apiKey(t, 2).Secret() {
		t.Fatalf("Recover after a late 401: %v, %v, %v; want the newer key", next, refreshed, err)
	}
	if s := h.Account().State; s != credential.SignedIn {
		t.Errorf("state after a late 401 = %s, want signed-in", s)
	}
	// A 401 for the current key marks the account, once, in every window.
	next, _, err = h.Recover(context.Background(), next, true)
	if !errors.Is(err, credential.ErrNeedsSignIn) || next != nil {
		t.Fatalf("Recover for the current key: %v, %v", next, err)
	}
	if a := h.Account(); a.State != credential.NeedsSignIn || !strings.Contains(a.Problem, "sk-ant-…0002") {
		t.Errorf("account = %+v, want needs-sign-in naming the key", a)
	}
	if _, err := h.Resolve(context.Background()); !errors.Is(err, credential.ErrNeedsSignIn) {
		t.Errorf("Resolve after rejection: %v", err)
	}
}

func TestRevokedRefreshTokenNeedsSignIn(t *testing.T) {
	o := newOAuthSetup(t)
	o.signIn(t, "ada@example.com", -time.Minute)
	o.auth.RevokeAll("ada@example.com")
	if _, err := o.holder.Resolve(context.Background()); !errors.Is(err, credential.ErrNeedsSignIn) {
		t.Fatalf("Resolve with a revoked refresh token: %v, want ErrNeedsSignIn", err)
	}
	if a := o.holder.Account(); a.State != credential.NeedsSignIn {
		t.Errorf("account = %+v", a)
	}
}

// TestShortLivedTokensAreNotRefreshedOverAndOver: a token living less than
// RefreshAhead is renewed halfway through its life, not the moment it
// arrives (which would rotate the refresh token on every request).
func TestShortLivedTokensAreNotRefreshedOverAndOver(t *testing.T) {
	o := newOAuthSetup(t) // RefreshAhead 1 minute
	first := o.signIn(t, "ada@example.com", 20*time.Second)
	for range 50 {
		c, err := o.holder.Resolve(context.Background())
		if err != nil || c.Secret() != first.Secret() {
			t.Fatalf("Resolve: %v, %v", c, err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := o.auth.RefreshCalls(); n != 0 {
		t.Errorf("%d refresh calls for a token with 20 s to live, want 0 until it is halfway", n)
	}
}
