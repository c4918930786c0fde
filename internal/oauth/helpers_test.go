package oauth_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley/internal/credential"
	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
	"parley/internal/oauth"
)

// newAuth starts a fake authorization server for one test.
func newAuth(t *testing.T) (*fakeauth.Server, *fakeapi.Server) {
	t.Helper()
	a := fakeapi.New()
	t.Cleanup(a.Close)
	auth := fakeauth.New(a)
	t.Cleanup(auth.Close)
	return auth, a
}

// profile is the fake server as a provider of format f.
func profile(auth *fakeauth.Server, f oauth.Format) oauth.Profile {
	return oauth.Profile{
		Name:         "fake",
		AuthorizeURL: auth.AuthorizeURL,
		TokenURL:     auth.TokenURL,
		ClientID:     "parley-test",
		Scopes:       []string{"user:profile", "user:inference"},
		Format:       f,
		Beta:         "oauth-2025-04-20",
	}
}

var formats = []struct {
	name   string
	format oauth.Format
}{{"JSON", oauth.JSON}, {"Form", oauth.Form}}

// start starts a flow against auth that cannot outlive the test.
func start(t *testing.T, auth *fakeauth.Server, f oauth.Format, o oauth.FlowOptions) *oauth.Flow {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	flow, err := oauth.Start(profile(auth, f), o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(flow.Cancel)
	return flow
}

// page is what the browser got at the end of its redirects.
type page struct {
	status int
	header http.Header
	body   string
	url    *url.URL // the last address the browser visited
}

// browse opens u as the user's browser would, following redirects.
func browse(t *testing.T, u string) page {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("the browser could not open the page: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body), url: resp.Request.URL}
}

// wait waits for flow's result, giving up on a hung flow.
func wait(t *testing.T, flow *oauth.Flow) (credential.Token, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return flow.Wait(ctx)
}

// listening says whether anything accepts connections at flow's redirect
// address.
func listening(flow *oauth.Flow) bool {
	u, _ := url.Parse(flow.RedirectURL())
	c, err := net.DialTimeout("tcp", u.Host, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// authParam is one parameter of flow's authorization request.
func authParam(t *testing.T, flow *oauth.Flow, name string) string {
	t.Helper()
	u, err := url.Parse(flow.AuthURL())
	if err != nil {
		t.Fatalf("AuthURL %q: %v", flow.AuthURL(), err)
	}
	return u.Query().Get(name)
}

// leaks says which of secrets (named) text contains.
func leaks(text string, secrets map[string]string) []string {
	var found []string
	for name, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			found = append(found, name)
		}
	}
	return found
}
