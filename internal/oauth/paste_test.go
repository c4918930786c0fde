package oauth_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"parley/internal/credential"
	"parley/internal/fakeauth"
	"parley/internal/oauth"
)

// shownCode is the CODE#STATE the server's page shows for flow.
func shownCode(t *testing.T, auth *fakeauth.Server, flow *oauth.Flow) string {
	t.Helper()
	auth.SetAuthorizeMode(fakeauth.ShowCode)
	p := browse(t, flow.AuthURL())
	m := regexp.MustCompile(`id="code">([^<]+)<`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the sign-in page shows no code: %q", p.body)
	}
	return m[1]
}

// redirectAddress is where the server would send the browser for flow,
// the address a user copies when the browser cannot reach Parley.
func redirectAddress(t *testing.T, flow *oauth.Flow) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(flow.AuthURL())
	if err != nil {
		t.Fatalf("authorization request: %v", err)
	}
	resp.Body.Close()
	return resp.Header.Get("Location")
}

func TestPasteTheCode(t *testing.T) {
	tests := []struct {
		name   string
		pasted func(t *testing.T, auth *fakeauth.Server, flow *oauth.Flow) string
	}{
		{"code#state as the page shows it", shownCode},
		{"with spaces and a line break around it", func(t *testing.T, auth *fakeauth.Server, flow *oauth.Flow) string {
			return "  " + shownCode(t, auth, flow) + "\n"
		}},
		{"the code alone", func(t *testing.T, auth *fakeauth.Server, flow *oauth.Flow) string {
			code, _, _ := strings.Cut(shownCode(t, auth, flow), "#")
			return code
		}},
		{"the whole redirect address", func(t *testing.T, _ *fakeauth.Server, flow *oauth.Flow) string {
			return redirectAddress(t, flow)
		}},
	}
	for _, f := range formats {
		for _, tt := range tests {
			t.Run(f.name+"/"+tt.name, func(t *testing.T) {
				auth, api := newAuth(t)
				flow := start(t, auth, f.format, oauth.FlowOptions{})
				waited := make(chan credential.Token, 1)
				go func() {
					tok, _ := flow.Wait(context.Background())
					waited <- tok
				}()
				tok, err := flow.PasteCode(context.Background(), tt.pasted(t, auth, flow))
				if err != nil {
					t.Fatalf("PasteCode: %v, want a token", err)
				}
				if !api.Accepts(tok.AccessToken) {
					t.Errorf("the access token from a pasted code is not accepted by the API")
				}
				if w := <-waited; w.AccessToken != tok.AccessToken {
					t.Errorf("a concurrent Wait returned another result than PasteCode")
				}
				if n := auth.Exchanges(); n != 1 {
					t.Errorf("%d exchanges for one pasted code, want 1", n)
				}
				if listening(flow) {
					t.Errorf("the loopback listener still accepts connections after a pasted code signed in")
				}
			})
		}
	}
}

func TestPastedCodeWithAnotherState(t *testing.T) {
	auth, api := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	code, _, _ := strings.Cut(shownCode(t, auth, flow), "#")
	_, err := flow.PasteCode(context.Background(), code+"#"+authParam(t, start(t, auth, oauth.JSON, oauth.FlowOptions{}), "state"))
	if !errors.Is(err, oauth.ErrStateMismatch) {
		t.Errorf("PasteCode with another flow's state: %v, want ErrStateMismatch", err)
	}
	if _, err := wait(t, flow); !errors.Is(err, oauth.ErrStateMismatch) {
		t.Errorf("Wait after a pasted code with another state: %v, want the same ErrStateMismatch", err)
	}
	if auth.Exchanges() != 0 || api.AccessTokens() != 0 {
		t.Errorf("%d exchanges and %d tokens issued for a code with another state, want none", auth.Exchanges(), api.AccessTokens())
	}
	if listening(flow) {
		t.Errorf("the loopback listener still accepts connections after a pasted code with another state")
	}
}

func TestPasteAfterTheBrowserCameBack(t *testing.T) {
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	browse(t, flow.AuthURL())
	signedIn, err := wait(t, flow)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	tok, err := flow.PasteCode(context.Background(), "late-code")
	if err != nil || tok.AccessToken != signedIn.AccessToken {
		t.Errorf("PasteCode after the redirect signed in: %v, want the flow's result", err)
	}
	if n := auth.Exchanges(); n != 1 {
		t.Errorf("%d exchanges, want the late pasted code unused", n)
	}
}

func TestMalformedPastedCodes(t *testing.T) {
	tests := []struct{ name, pasted string }{
		{"empty", ""},
		{"only spaces", " \t\n "},
		{"space inside", "abc def"},
		{"line break inside", "abc\ndef#state"},
		{"too long", strings.Repeat("a", 2049)},
		{"control character", "abc\x00def"},
		{"not ASCII", "códígo"},
		{"state without code", "#state"},
		{"code with empty state", "code#"},
		{"address without code", "http://127.0.0.1:1/callback?state=abc"},
	}
	auth, _ := newAuth(t)
	flow := start(t, auth, oauth.JSON, oauth.FlowOptions{})
	for _, tt := range tests {
		_, err := flow.PasteCode(context.Background(), tt.pasted)
		if !errors.Is(err, oauth.ErrMalformedCode) {
			t.Errorf("PasteCode(%s): %v, want ErrMalformedCode", tt.name, err)
		}
		if strings.TrimSpace(tt.pasted) != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.pasted)) {
			t.Errorf("PasteCode(%s): the error %q repeats what was pasted", tt.name, err)
		}
	}
	if !listening(flow) {
		t.Fatalf("a malformed pasted code ended the flow, want the user able to paste again")
	}
	if _, err := flow.PasteCode(context.Background(), shownCode(t, auth, flow)); err != nil {
		t.Errorf("PasteCode of the right code after malformed ones: %v, want a token", err)
	}
}
