package signin

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/credential"
	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
	"parley/internal/ipc"
	"parley/internal/settings"
)

const key = "sk-ant-api03-signin-test-key-0000000000000000000000"

type wizard struct {
	svc  *Service
	api  *fakeapi.Server
	auth *fakeauth.Server
	mu   sync.Mutex
	seen []ipc.SignInProgress
	path string
}

// newWizard is a Service on a fresh settings file, kept for the session
// only, against the fakes; its "browser" follows the sign-in address.
func newWizard(t *testing.T) *wizard {
	t.Helper()
	w := &wizard{api: fakeapi.New()}
	t.Cleanup(w.api.Close)
	w.auth = fakeauth.New(w.api)
	t.Cleanup(w.auth.Close)
	w.api.AllowAPIKey(key)
	w.path = filepath.Join(t.TempDir(), "parley", "settings.json")
	if err := settings.Save(w.path, settings.Settings{APIBaseURL: w.api.URL, Storage: settings.StorageSession,
		Anthropic: settings.AnthropicOAuth{ClientID: "parley-test", AuthorizeURL: w.auth.AuthorizeURL, TokenURL: w.auth.TokenURL}}); err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{SettingsPath: w.path, Logf: t.Logf, FlowTimeout: 5 * time.Second,
		Getenv: func(k string) string {
			if k == "ANTHROPIC_API_KEY" {
				return key
			}
			return ""
		},
		OpenBrowser: func(u string) error {
			go func() {
				if resp, err := http.Get(u); err == nil {
					resp.Body.Close()
				}
			}()
			return nil
		},
		Notify: func(p ipc.SignInProgress) { w.mu.Lock(); w.seen = append(w.seen, p); w.mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	w.svc = svc
	return w
}

func (w *wizard) waitFor(t *testing.T, state string) ipc.SignInProgress {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		w.mu.Lock()
		var last ipc.SignInProgress
		if n := len(w.seen); n > 0 {
			last = w.seen[n-1]
		}
		w.mu.Unlock()
		if last.State == state {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("progress is %+v, want %s", last, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAPIKeySignIn(t *testing.T) {
	w := newWizard(t)
	err := w.svc.SignInWithKey(context.Background(), "sk-ant-api03-wrong-key-000000000000000000000000")
	if err == nil || !strings.Contains(err.Error(), "did not accept this API key") {
		t.Fatalf("wrong key: %v", err)
	}
	if a := w.svc.Holder().Account(); a.State != credential.SignedOut {
		t.Fatalf("a rejected key was kept: %+v", a)
	}
	for _, bad := range []string{"", "   ", "sk-ant-" + strings.Repeat("x", 10000), "sk-ant-ключ-ключ-ключ-ключ"} {
		if err := w.svc.SignInWithKey(context.Background(), bad); err == nil {
			t.Errorf("%.20q was accepted", bad)
		}
	}
	if err := w.svc.SignInWithKey(context.Background(), "\n  "+key+"  \n"); err != nil {
		t.Fatal(err)
	}
	if a := w.svc.Holder().Account(); a.State != credential.SignedIn || a.Label != credential.Hint(key) {
		t.Errorf("after signing in: %+v", a)
	}
	if hint := w.svc.EnvKeyHint(); hint != credential.Hint(key) {
		t.Errorf("EnvKeyHint = %q", hint)
	}
}

func TestBrowserSignInAndItsFailures(t *testing.T) {
	w := newWizard(t)
	w.auth.SetAuthorizeMode(fakeauth.Deny)
	if err := w.svc.StartOAuth(context.Background(), ProfileAnthropic); err != nil {
		t.Fatal(err)
	}
	p := w.waitFor(t, ipc.SignInFailed)
	if p.Message == "" || w.svc.Holder().Account().State != credential.SignedOut {
		t.Errorf("denied: %+v, account %+v", p, w.svc.Holder().Account())
	}

	w.auth.SetAuthorizeMode(fakeauth.Approve)
	w.auth.SetAccount("ada@example.com")
	if err := w.svc.StartOAuth(context.Background(), ProfileAnthropic); err != nil {
		t.Fatal(err)
	}
	p = w.waitFor(t, ipc.SignInDone)
	if a := w.svc.Holder().Account(); a.State != credential.SignedIn || !strings.Contains(a.Label, "ada@example.com") {
		t.Errorf("after approval: %+v (%+v)", a, p)
	}
	// Nothing in what the wizard was told holds a token.
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.seen {
		if strings.Contains(p.Message+p.AuthURL, "sk-ant-o") || strings.Contains(p.AuthURL, "code_verifier") {
			t.Errorf("progress holds a secret: %+v", p)
		}
	}
}

func TestCancelClosesTheListener(t *testing.T) {
	w := newWizard(t)
	w.svc.cfg.OpenBrowser = func(string) error { return nil } // the user never comes back
	if err := w.svc.StartOAuth(context.Background(), ProfileAnthropic); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	redirect := w.seen[len(w.seen)-1].AuthURL
	w.mu.Unlock()
	w.svc.Cancel()
	u := redirectOf(t, redirect)
	if _, err := http.Get(u); err == nil {
		t.Errorf("the loopback listener %s still answers after Cancel", u)
	}
}

// redirectOf extracts redirect_uri from an authorize URL.
func redirectOf(t *testing.T, authURL string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, authURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req.URL.Query().Get("redirect_uri")
}

func TestNoKeyringAsksWhereToKeepIt(t *testing.T) {
	w := newWizard(t)
	w.svc.Holder().UseStore(failingStore{})
	if err := w.svc.SignInWithKey(context.Background(), key); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, ipc.SignInNoStorage)
	if a := w.svc.Holder().Account(); a.State != credential.SignedOut {
		t.Fatalf("signed in before the user chose where to keep it: %+v", a)
	}
	if err := w.svc.ChooseStorage(settings.StorageFile, ""); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, ipc.SignInDone)
	file := filepath.Join(filepath.Dir(w.path), "credentials.json")
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v, %v", fi, err)
	}
	st, _ := settings.Load(w.path)
	if st.Storage != settings.StorageFile || st.CredentialsFile != file {
		t.Errorf("the choice was not remembered: %+v", st)
	}
	if b, _ := os.ReadFile(w.path); strings.Contains(string(b), key) {
		t.Error("the settings file holds the key")
	}
}

type failingStore struct{}

func (failingStore) Get() (string, error) { return "", os.ErrNotExist }
func (failingStore) Set(string) error     { return os.ErrPermission }
func (failingStore) Delete() error        { return nil }
