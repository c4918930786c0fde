package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/internal/fakeauth"
	"parley/internal/oauth"
)

func TestSignInThroughTheBrowser(t *testing.T) {
	for _, tt := range formats {
		t.Run(tt.name, func(t *testing.T) {
			auth, api := newAuth(t)
			flow := start(t, auth, tt.format, oauth.FlowOptions{})
			browse(t, flow.AuthURL())
			tok, err := wait(t, flow)
			if err != nil {
				t.Fatalf("Wait after the browser came back: %v, want a token", err)
			}
			if !api.Accepts(tok.AccessToken) {
				t.Errorf("the access token from the sign-in is not accepted by the API")
			}
			if tok.RefreshToken == "" || !tok.Expiry.After(time.Now()) {
				t.Errorf("token has refresh token %t and expiry %v, want a refresh token and a future expiry", tok.RefreshToken != "", tok.Expiry)
			}
			if tt.format == oauth.JSON && tok.Label != "ada@example.com (Fake Org)" {
				t.Errorf("label %q, want the account and organisation %q", tok.Label, "ada@example.com (Fake Org)")
			}
			if n := auth.Exchanges(); n != 1 {
				t.Errorf("%d code exchanges, want 1", n)
			}
			if listening(flow) {
				t.Errorf("the loopback listener still accepts connections after the sign-in")
			}
			r := &oauth.Refresher{Profiles: map[string]oauth.Profile{"fake": profile(auth, tt.format)}}
			renewed, err := r.Refresh(context.Background(), "fake", tok.RefreshToken)
			if err != nil || !api.Accepts(renewed.AccessToken) {
				t.Errorf("refreshing the signed-in token: %v, want a working access token", err)
			}
		})
	}
}

func TestSuccessPage(t *testing.T) {
	auth, _ := newAuth(t)
	auth.SetAccount("grace@example.com")
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	p := browse(t, flow.AuthURL())
	tok, err := wait(t, flow)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if tok.Label != "grace@example.com (Fake Org)" {
		t.Errorf("label %q, want the account the server signed in", tok.Label)
	}
	if p.status != http.StatusOK || !strings.Contains(p.body, "You are signed in to Parley. You can close this tab.") {
		t.Errorf("success page: %d %q, want 200 saying the tab can be closed", p.status, p.body)
	}
	secrets := map[string]string{"code": p.url.Query().Get("code"), "state": p.url.Query().Get("state"), "access token": tok.AccessToken, "refresh token": tok.RefreshToken, "verifier": oauth.Verifier(flow)}
	if found := leaks(p.body, secrets); found != nil {
		t.Errorf("the success page shows the %v", found)
	}
	for name, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
		"Cache-Control":           "no-store",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := p.header.Get(name); got != want {
			t.Errorf("success page header %s: %q, want %q", name, got, want)
		}
	}
	for _, external := range []string{"<script", "src=", "href="} {
		if strings.Contains(p.body, external) {
			t.Errorf("the success page contains %q: it must be self-contained, without scripts", external)
		}
	}
}

func TestBadRedirectsEndTheFlow(t *testing.T) {
	tests := []struct {
		mode     fakeauth.AuthorizeMode
		want     error
		status   int
		mentions string
	}{
		{fakeauth.Deny, oauth.ErrDenied, http.StatusForbidden, "access_denied"},
		{fakeauth.NoCode, oauth.ErrMissingCode, http.StatusBadRequest, "no sign-in code"},
		{fakeauth.WrongState, oauth.ErrStateMismatch, http.StatusBadRequest, "did not belong to this sign-in attempt"},
		{fakeauth.WrongPath, oauth.ErrWrongCallback, http.StatusNotFound, "unexpected address"},
	}
	for _, tt := range tests {
		t.Run(tt.want.Error(), func(t *testing.T) {
			auth, api := newAuth(t)
			auth.SetAuthorizeMode(tt.mode)
			flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
			p := browse(t, flow.AuthURL())
			_, err := wait(t, flow)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.mentions) {
				t.Errorf("Wait: %v, want %v mentioning %q", err, tt.want, tt.mentions)
			}
			if p.status != tt.status || !strings.Contains(p.body, "Sign-in did not complete: ") || !strings.Contains(p.body, "You can close this tab and try again in Parley.") {
				t.Errorf("page: %d %q, want %d saying sign-in did not complete", p.status, p.body, tt.status)
			}
			secrets := map[string]string{"code": p.url.Query().Get("code"), "state": p.url.Query().Get("state"), "our state": authParam(t, flow, "state")}
			if found := leaks(p.body+fmt.Sprint(err), secrets); found != nil {
				t.Errorf("the failure page or error shows the %v", found)
			}
			if auth.Exchanges() != 0 || api.AccessTokens() != 0 {
				t.Errorf("%d exchanges and %d tokens issued after a bad redirect, want none", auth.Exchanges(), api.AccessTokens())
			}
			if listening(flow) {
				t.Errorf("the loopback listener still accepts connections after a bad redirect")
			}
		})
	}
}

func TestReplayedCallbackFindsNoListener(t *testing.T) {
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	first := browse(t, flow.AuthURL())
	if _, err := wait(t, flow); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if resp, err := http.Get(first.url.String()); err == nil {
		resp.Body.Close()
		t.Errorf("a replayed callback was answered (%s) after the sign-in, want the connection refused", resp.Status)
	}
	if n := auth.Exchanges(); n != 1 {
		t.Errorf("%d exchanges after a replayed callback, want the first one only", n)
	}
}

func TestCallbackWithAnotherFlowsState(t *testing.T) {
	auth, _ := newAuth(t)
	ours := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	other := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	p := browse(t, ours.RedirectURL()+"?code=stolen-code&state="+authParam(t, other, "state"))
	if _, err := wait(t, ours); !errors.Is(err, oauth.ErrStateMismatch) {
		t.Errorf("Wait after a callback with another flow's state: %v, want ErrStateMismatch", err)
	}
	if p.status != http.StatusBadRequest {
		t.Errorf("page for another flow's state: %d, want 400", p.status)
	}
	browse(t, other.AuthURL())
	if _, err := wait(t, other); err != nil {
		t.Errorf("the other flow after its state was misused elsewhere: %v, want it to sign in", err)
	}
	if n := auth.Exchanges(); n != 1 {
		t.Errorf("%d exchanges, want only the other flow's", n)
	}
}

func TestStrayRequestsDoNotEndTheFlow(t *testing.T) {
	tests := []struct {
		name   string
		req    func(flow *oauth.Flow) *http.Request
		status int
	}{
		{"favicon", func(flow *oauth.Flow) *http.Request {
			r, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(flow.RedirectURL(), "/callback")+"/favicon.ico", nil)
			return r
		}, http.StatusNotFound},
		{"another host name", func(flow *oauth.Flow) *http.Request {
			r, _ := http.NewRequest(http.MethodGet, flow.RedirectURL()+"?code=x&state=y", nil)
			r.Host = "rebound.example.com"
			return r
		}, http.StatusMisdirectedRequest},
		{"POST", func(flow *oauth.Flow) *http.Request {
			r, _ := http.NewRequest(http.MethodPost, flow.RedirectURL()+"?code=x&state=y", nil)
			return r
		}, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth, _ := newAuth(t)
			flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
			resp, err := http.DefaultClient.Do(tt.req(flow))
			if err != nil {
				t.Fatalf("stray request: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("stray request answered %d, want %d", resp.StatusCode, tt.status)
			}
			browse(t, flow.AuthURL())
			if _, err := wait(t, flow); err != nil {
				t.Errorf("sign-in after a stray request: %v, want it to go on and succeed", err)
			}
		})
	}
}

func TestBrowserNeverComesBack(t *testing.T) {
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{Timeout: 100 * time.Millisecond})
	_, err := wait(t, flow)
	if !errors.Is(err, oauth.ErrTimeout) || !strings.Contains(err.Error(), "paste") {
		t.Errorf("Wait past the timeout: %v, want ErrTimeout suggesting the paste-the-code option", err)
	}
	if listening(flow) {
		t.Errorf("the loopback listener still accepts connections after the timeout")
	}
}

func TestCancel(t *testing.T) {
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	result := make(chan error, 1)
	go func() {
		_, err := flow.Wait(context.Background())
		result <- err
	}()
	flow.Cancel()
	if listening(flow) {
		t.Errorf("the loopback listener still accepts connections after Cancel returned")
	}
	if err := <-result; !errors.Is(err, oauth.ErrCancelled) {
		t.Errorf("Wait after Cancel: %v, want ErrCancelled", err)
	}
	flow.Cancel()
	if _, err := wait(t, flow); !errors.Is(err, oauth.ErrCancelled) {
		t.Errorf("Wait after a second Cancel: %v, want ErrCancelled still", err)
	}
}

func TestCancelDuringAHungExchange(t *testing.T) {
	auth, api := newAuth(t)
	auth.SetTokenFault(fakeauth.FaultHang)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	browserDone := make(chan struct{})
	go func() {
		defer close(browserDone)
		if resp, err := http.Get(flow.AuthURL()); err == nil {
			resp.Body.Close()
		}
	}()
	for auth.Authorizations() == 0 {
		time.Sleep(time.Millisecond)
	}
	flow.Cancel()
	began := time.Now()
	if _, err := wait(t, flow); !errors.Is(err, oauth.ErrCancelled) {
		t.Errorf("Wait after Cancel during a hung token request: %v, want ErrCancelled", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("Wait took %s after Cancel, want it prompt", d)
	}
	<-browserDone
	if api.AccessTokens() != 0 {
		t.Errorf("%d tokens issued by a cancelled flow, want none", api.AccessTokens())
	}
}

func TestWaitContextEndsTheFlow(t *testing.T) {
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := flow.Wait(ctx)
	if !errors.Is(err, oauth.ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait whose context ended: %v, want ErrCancelled and context.DeadlineExceeded", err)
	}
	if listening(flow) {
		t.Errorf("the loopback listener still accepts connections after Wait's context ended")
	}
}
