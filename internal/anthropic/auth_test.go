package anthropic

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"parley/internal/credential"
	"parley/internal/fakeapi"
)

// TestTheMotivatingScenario: a request resolves credential A and is held
// just before it is sent; onboarding replaces A with B and A is revoked;
// released, the request succeeds with B after exactly one retry, and the
// caller sees no error.
func TestTheMotivatingScenario(t *testing.T) {
	w := newWorld(t)
	a, b := w.newKey(1), w.newKey(2)
	if err := w.holder.Set(a); err != nil {
		t.Fatal(err)
	}
	held := make(chan struct{})
	release := make(chan struct{})
	var attempts atomic.Int32
	w.client.beforeSend = func(_ *http.Request, c *credential.Credential) {
		if attempts.Add(1) == 1 {
			if c.Secret() != a.Secret() {
				t.Errorf("first attempt carries %v, want A", c)
			}
			close(held)
			<-release
		}
	}
	errc := make(chan error, 1)
	go func() {
		_, err := w.client.Message(context.Background(), ask("hello"), option.WithHeader("X-Parley-Test-Request", "motivating"))
		errc <- err
	}()
	<-held
	if err := w.holder.Set(b); err != nil { // onboarding replaces A with B
		t.Fatal(err)
	}
	w.api.Revoke(a.Secret())
	close(release)
	if err := <-errc; err != nil {
		t.Fatalf("the caller saw %v", err)
	}
	var carried []string
	var statuses []int
	for _, e := range w.api.Log() {
		if e.RequestID == "motivating" {
			carried = append(carried, credential.Hint(e.Credential))
			statuses = append(statuses, e.Status)
		}
	}
	if len(carried) != 2 || carried[0] != credential.Hint(a.Secret()) || carried[1] != credential.Hint(b.Secret()) ||
		statuses[0] != 401 || statuses[1] != 200 {
		t.Errorf("the server saw %v with statuses %v; want A (401) then B (200): exactly one retry", carried, statuses)
	}
}

func TestHeadersByKind(t *testing.T) {
	w := newWorld(t)
	var got http.Header
	w.client.beforeSend = func(r *http.Request, _ *credential.Credential) { got = r.Header.Clone() }

	key := w.newKey(1)
	_ = w.holder.Set(key)
	if _, err := w.client.Message(context.Background(), ask("hi"), option.WithHeader("anthropic-beta", "other-beta")); err != nil {
		t.Fatal(err)
	}
	if got.Get("X-Api-Key") != key.Secret() || got.Get("Authorization") != "" || got.Get("Anthropic-Beta") != "other-beta" {
		t.Errorf("API key request headers: x-api-key set %v, authorization %q, beta %q", got.Get("X-Api-Key") != "", got.Get("Authorization"), got.Get("Anthropic-Beta"))
	}

	tok := w.newOAuth("ada@example.com")
	_ = w.holder.Set(tok)
	if _, err := w.client.Message(context.Background(), ask("hi"), option.WithHeader("anthropic-beta", "other-beta")); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer "+tok.Secret() || got.Get("X-Api-Key") != "" || got.Get("Anthropic-Beta") != "other-beta,"+oauthBeta {
		t.Errorf("OAuth request headers: authorization ok %v, x-api-key %q, beta %q", got.Get("Authorization") == "Bearer "+tok.Secret(), got.Get("X-Api-Key"), got.Get("Anthropic-Beta"))
	}
}

func TestSignedOutFailsAtOnceWithoutReachingTheServer(t *testing.T) {
	w := newWorld(t)
	start := time.Now()
	_, err := w.client.Message(context.Background(), ask("hi"))
	if !errors.Is(err, credential.ErrSignedOut) {
		t.Fatalf("signed out: %v, want ErrSignedOut", err)
	}
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Errorf("took %v: the SDK retried instead of stopping", d)
	}
	if n := len(w.api.Log()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

func TestRejectedKeyNeedsSignInWithoutLooping(t *testing.T) {
	w := newWorld(t)
	key := w.newKey(1)
	_ = w.holder.Set(key)
	w.api.Revoke(key.Secret()) // revoked, and nothing replaced it
	_, err := w.client.Message(context.Background(), ask("hi"))
	if !errors.Is(err, credential.ErrNeedsSignIn) {
		t.Fatalf("rejected key: %v, want ErrNeedsSignIn", err)
	}
	if n := len(w.api.Log()); n != 1 {
		t.Errorf("%d requests reached the server, want 1", n)
	}
	if a := w.holder.Account(); a.State != credential.NeedsSignIn {
		t.Errorf("account = %+v", a)
	}
}

func TestRejectedOAuthTokenIsRefreshedOnce(t *testing.T) {
	w := newWorld(t)
	tok := w.newOAuth("ada@example.com")
	_ = w.holder.Set(tok)
	w.api.Revoke(tok.Secret()) // the server dropped the access token early
	if _, err := w.client.Message(context.Background(), ask("hi")); err != nil {
		t.Fatalf("after a forced refresh: %v", err)
	}
	if n := w.auth.RefreshCalls(); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
	// A revoked sign-in: the forced refresh is refused, and the account
	// needs sign-in in every window; no loop.
	w.auth.RevokeAll("ada@example.com")
	_, err := w.client.Message(context.Background(), ask("hi"))
	if !errors.Is(err, credential.ErrNeedsSignIn) {
		t.Fatalf("revoked sign-in: %v, want ErrNeedsSignIn", err)
	}
	if n := w.auth.RefreshCalls(); n != 2 {
		t.Errorf("%d refresh calls in all, want 2", n)
	}
}

// TestEachCredentialGoesToItsProfilesAPI: a gateway sign-in sends to the
// gateway, an API key to the default API, switching with the credential.
func TestEachCredentialGoesToItsProfilesAPI(t *testing.T) {
	w := newWorld(t)
	gateway := fakeapi.New()
	t.Cleanup(gateway.Close)
	client := New(w.holder, Options{BaseURL: w.api.URL, ProfileBaseURL: func(p string) string {
		if p == "gateway" {
			return gateway.URL + "/"
		}
		return ""
	}})
	tok, _ := credential.NewOAuth(credential.Token{AccessToken: "sk-ant-oat01-gateway000000000000000000", Expiry: time.Now().Add(time.Hour)}, "gateway")
	gateway.AllowAccessToken(tok.Secret())
	_ = w.holder.Set(tok)
	if _, err := client.Message(context.Background(), ask("via the gateway")); err != nil {
		t.Fatal(err)
	}
	_ = w.holder.Set(w.newKey(1))
	if _, err := client.Message(context.Background(), ask("direct")); err != nil {
		t.Fatal(err)
	}
	if g, d := len(gateway.Log()), len(w.api.Log()); g != 1 || d != 1 {
		t.Errorf("gateway saw %d requests, the default API %d; want 1 each", g, d)
	}
}
