package anthropic

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	"parley/internal/credential"
	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
	"parley/internal/netproxy"
	"parley/internal/netproxy/proxytest"
	"parley/internal/oauth"
)

// TestRequestsGoThroughHTTPSProxy: with HTTPS_PROXY set, both the token
// request that renews an expired sign-in and the API request go through
// the proxy. The API and the authorization server are reachable only
// under made-up names that only the proxy resolves, over HTTPS.
func TestRequestsGoThroughHTTPSProxy(t *testing.T) {
	api := fakeapi.New()
	t.Cleanup(api.Close)
	auth := fakeauth.New(api)
	t.Cleanup(auth.Close)
	front := func(target, name string) *httptest.Server {
		u, _ := url.Parse(target)
		return proxytest.NewTLSServer(t, httputil.NewSingleHostReverseProxy(u), name)
	}
	apiFront, authFront := front(api.URL, "api.parley.test"), front(auth.URL, "auth.parley.test")
	proxy := proxytest.New(t, map[string]string{
		"api.parley.test":  apiFront.Listener.Addr().String(),
		"auth.parley.test": authFront.Listener.Addr().String(),
	})
	for _, v := range []string{"https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(v, "")
	}
	t.Setenv("HTTPS_PROXY", proxy.URL)

	tr, err := netproxy.Transport("") // the default: the environment's proxy
	if err != nil {
		t.Fatal(err)
	}
	proxytest.Trust(tr, apiFront)
	proxytest.Trust(tr, authFront)
	hc := &http.Client{Transport: tr}

	holder := credential.New(credential.Options{Refresher: &oauth.Refresher{HTTP: hc, Profiles: map[string]oauth.Profile{
		"anthropic": {Name: "anthropic", TokenURL: "https://auth.parley.test/v1/oauth/token", ClientID: "parley-test", Format: oauth.JSON, Beta: oauthBeta},
	}}})
	tok := auth.Issue("ada@example.com")
	expired, err := credential.NewOAuth(credential.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute), Label: "ada"}, "anthropic")
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Set(expired); err != nil {
		t.Fatal(err)
	}
	client := New(holder, Options{BaseURL: "https://api.parley.test", HTTPClient: hc})
	reply, err := client.Stream(context.Background(), ask("through the proxy"), func(string) {})
	if err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	if reply.Text != "You said: through the proxy" {
		t.Errorf("reply %q", reply.Text)
	}
	if proxy.Count("auth.parley.test") == 0 || proxy.Count("api.parley.test") == 0 {
		t.Errorf("requests through the proxy: token %d, API %d; want both", proxy.Count("auth.parley.test"), proxy.Count("api.parley.test"))
	}
}
