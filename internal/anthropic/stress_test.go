package anthropic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"parley/internal/credential"
	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
	"parley/internal/oauth"
)

// world is a holder and a client wired to the fake API and the fake
// authorization server, with every log line captured.
type world struct {
	api    *fakeapi.Server
	auth   *fakeauth.Server
	holder *credential.Holder
	client *Client
	logs   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{api: fakeapi.New(), logs: &syncBuffer{}}
	t.Cleanup(w.api.Close)
	w.auth = fakeauth.New(w.api)
	t.Cleanup(w.auth.Close)
	logger := log.New(w.logs, "", 0)
	w.holder = credential.New(credential.Options{
		Refresher: &oauth.Refresher{Profiles: map[string]oauth.Profile{
			"anthropic": {Name: "anthropic", TokenURL: w.auth.TokenURL, ClientID: "parley-test", Format: oauth.JSON, Beta: oauthBeta},
		}},
		Logf: logger.Printf,
	})
	w.client = New(w.holder, Options{BaseURL: w.api.URL})
	return w
}

// newKey makes an API key the fake API accepts.
func (w *world) newKey(n int) *credential.Credential {
	c, err := credential.NewAPIKey(fmt.Sprintf("sk-ant-api03-stress%032d", n))
	if err != nil {
		panic(err)
	}
	w.api.AllowAPIKey(c.Secret())
	return c
}

// newOAuth signs an account in at the fake authorization server.
func (w *world) newOAuth(account string) *credential.Credential {
	tok := w.auth.Issue(account)
	c, err := credential.NewOAuth(credential.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Label: account}, "anthropic")
	if err != nil {
		panic(err)
	}
	return c
}

func ask(text string) sdk.MessageNewParams {
	return sdk.MessageNewParams{
		Model:     "claude-sonnet-4-5",
		MaxTokens: 64,
		Messages:  []sdk.MessageParam{sdk.NewUserMessage(sdk.NewTextBlock(text))},
	}
}

// TestStressRotationNeverSurfacesAStaleCredential: 32 goroutines send
// requests through the real client while another makes 1,000 random
// changes (new API key, new OAuth sign-in, sign-out, forced refresh), and
// the fakes revoke each replaced credential the moment it is replaced.
func TestStressRotationNeverSurfacesAStaleCredential(t *testing.T) {
	w := newWorld(t)
	w.auth.RevokeOnRefresh(true)
	// Capture the standard logger too: anything any package logs.
	log.SetOutput(w.logs)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	// origin maps each secret to the index of the change that made it;
	// floor[i] is the oldest origin a request may carry if it started
	// after change i completed.
	var origin sync.Map
	var done atomic.Int64 // changes completed
	floor := []int{0}

	// Attempts seen by the client, by request id, for the per-reader checks.
	type attempt struct {
		gen    uint64
		secret string
	}
	var amu sync.Mutex
	attempts := map[string][]attempt{}
	w.client.beforeSend = func(r *http.Request, c *credential.Credential) {
		id := r.Header.Get("X-Parley-Test-Request")
		// A whole snapshot: the headers match the kind, the secret its shape.
		switch c.Kind() {
		case credential.APIKey:
			if r.Header.Get("X-Api-Key") != c.Secret() || r.Header.Get("Authorization") != "" || !strings.HasPrefix(c.Secret(), "sk-ant-api03-") {
				t.Errorf("torn API key attempt: %v", c)
			}
		case credential.OAuth:
			if r.Header.Get("Authorization") != "Bearer "+c.Secret() || r.Header.Get("X-Api-Key") != "" || !strings.HasPrefix(c.Secret(), "sk-ant-oat01-") ||
				!strings.Contains(r.Header.Get("Anthropic-Beta"), oauthBeta) {
				t.Errorf("torn OAuth attempt: %v", c)
			}
		}
		amu.Lock()
		attempts[id] = append(attempts[id], attempt{c.Generation(), c.Secret()})
		amu.Unlock()
	}

	first := w.newKey(0)
	if err := w.holder.Set(first); err != nil {
		t.Fatal(err)
	}
	origin.Store(first.Secret(), 0)

	type result struct {
		id    string
		start int64 // changes completed when the request started
		err   error
	}
	results := make(chan result, 1<<16)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	const readers = 32
	for g := 0; g < readers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("g%02d-%05d", g, n)
				start := done.Load()
				_, err := w.client.Message(context.Background(), ask("hello"), option.WithHeader("X-Parley-Test-Request", id))
				results <- result{id, start, err}
				if err != nil {
					time.Sleep(time.Millisecond) // signed out: as a user would, wait
				}
			}
		}()
	}

	const changes = 1000
	signedOutAfter := []bool{false} // by change: was the holder signed out after it?
	for i := 1; i <= changes; i++ {
		prev, _ := w.holder.Resolve(context.Background())
		switch r := rand.IntN(10); {
		case r < 4:
			c := w.newKey(i)
			origin.Store(c.Secret(), i)
			if err := w.holder.Set(c); err != nil {
				t.Fatal(err)
			}
		case r < 7:
			c := w.newOAuth(fmt.Sprintf("user%d@example.com", i))
			origin.Store(c.Secret(), i)
			if err := w.holder.Set(c); err != nil {
				t.Fatal(err)
			}
		case r < 8:
			if err := w.holder.Clear(); err != nil {
				t.Fatal(err)
			}
		default:
			// A forced refresh, as a 401 for the current token makes one.
			if prev != nil && prev.Kind() == credential.OAuth {
				if _, _, err := w.holder.Recover(context.Background(), prev, true); err != nil {
					t.Fatalf("forced refresh: %v (reused refresh tokens: %d)\n%s", err, w.auth.ReusedRefreshTokens(), w.logs)
				}
			}
		}
		cur, err := w.holder.Resolve(context.Background())
		switch {
		case err != nil:
			floor = append(floor, i+1) // signed out: only later credentials
			signedOutAfter = append(signedOutAfter, true)
		default:
			o, _ := origin.LoadOrStore(cur.Secret(), i) // a refresh made it
			floor = append(floor, o.(int))
			signedOutAfter = append(signedOutAfter, false)
		}
		if prev != nil && (cur == nil || cur.Secret() != prev.Secret()) {
			w.api.Revoke(prev.Secret()) // replaced: revoked at once
		}
		done.Store(int64(i))
		time.Sleep(time.Duration(1000+rand.IntN(3000)) * time.Microsecond)
	}
	close(stop)
	wg.Wait()
	close(results)

	// What callers saw.
	var ok, signedOut int
	byID := map[string]result{}
	for r := range results {
		byID[r.id] = r
		switch {
		case r.err == nil:
			ok++
		case errors.Is(r.err, credential.ErrSignedOut):
			signedOut++
			// Signed out is right only if the holder was signed out at
			// some point after the request started.
			if !slices.Contains(signedOutAfter[r.start:], true) {
				t.Errorf("request %s failed as signed out with no sign-out after it started", r.id)
			}
		default:
			var apiErr *sdk.Error
			if errors.As(r.err, &apiErr) && apiErr.StatusCode == 401 {
				t.Errorf("request %s: a 401 reached the caller: %v", r.id, r.err)
			} else {
				t.Errorf("request %s: %v", r.id, r.err)
			}
		}
	}
	t.Logf("%d requests: %d succeeded, %d signed out; %d changes, %d refresh calls", len(byID), ok, signedOut, changes, w.auth.RefreshCalls())
	if ok < 1000 {
		t.Errorf("only %d requests succeeded; the test did not exercise much", ok)
	}

	// What the server saw: every attempt of a request carried the credential
	// current when it started, or a newer one.
	var retried int
	for _, e := range w.api.Log() {
		r, known := byID[e.RequestID]
		if !known {
			continue
		}
		idx, ok := origin.Load(e.Credential)
		if !ok {
			t.Errorf("request %s carried an unknown credential %s", e.RequestID, credentialHint(e.Credential))
			continue
		}
		if idx.(int) < floor[r.start] {
			t.Errorf("request %s started after change %d but carried the credential of change %d (oldest allowed: %d)", e.RequestID, r.start, idx, floor[r.start])
		}
	}
	// Per request, each retry carried a strictly newer generation.
	amu.Lock()
	for id, as := range attempts {
		if len(as) > 1 {
			retried++
		}
		for i := 1; i < len(as); i++ {
			if as[i].gen <= as[i-1].gen {
				t.Errorf("request %s retried with generation %d after %d", id, as[i].gen, as[i-1].gen)
			}
		}
	}
	// Per reader, generations never went back from one request to the next.
	for g := 0; g < readers; g++ {
		var last uint64
		for n := 0; ; n++ {
			as, ok := attempts[fmt.Sprintf("g%02d-%05d", g, n)]
			if !ok {
				if _, sent := byID[fmt.Sprintf("g%02d-%05d", g, n)]; sent {
					continue // signed out: no attempt
				}
				break
			}
			if as[0].gen < last {
				t.Errorf("reader %d: generation went back from %d to %d", g, last, as[0].gen)
			}
			last = as[len(as)-1].gen
		}
	}
	amu.Unlock()
	t.Logf("%d requests needed a retry", retried)

	// Secret hygiene: nothing in the environment, nothing in the logs.
	logs := w.logs.String()
	env := strings.Join(os.Environ(), "\n")
	origin.Range(func(k, _ any) bool {
		s := k.(string)
		if strings.Contains(logs, s) {
			t.Errorf("the logs hold a secret %s", credentialHint(s))
		}
		if strings.Contains(env, s) {
			t.Errorf("the environment holds a secret %s", credentialHint(s))
		}
		return true
	})
}

func credentialHint(s string) string { return credential.Hint(s) }
