package sdkprofile

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/config"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// TestSDKSharesTheProfile has the SDK's own client use a profile that
// Parley renews, renew it in turn (without a lock, as the SDK does), and
// Parley adopt the SDK's renewal.
func TestSDKSharesTheProfile(t *testing.T) {
	auth, api := servers(t)
	// One host, as api.anthropic.com: the token endpoint and the API.
	mux := http.NewServeMux()
	mux.Handle("/v1/oauth/token", proxy(t, auth.URL))
	mux.Handle("/", proxy(t, api.URL))
	host := httptest.NewServer(mux)
	t.Cleanup(host.Close)

	dir := t.TempDir()
	t0 := auth.Issue(testAccount)
	writeProfile(t, dir, testProfile, host.URL, testClientID, credsOf(t0))
	path := config.ProfileCredentialsPath(dir, testProfile)
	ctx := t.Context()
	r := &Refresher{Dir: dir}
	t1, err := r.Refresh(ctx, testProfile, t0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}

	sdkCall := func() {
		t.Helper()
		cfg, err := config.LoadProfile(dir, testProfile)
		if err != nil {
			t.Fatal(err)
		}
		c := anthropic.NewClient(option.WithoutEnvironmentDefaults(), option.WithConfig(cfg))
		if _, err := c.Models.List(ctx, anthropic.ModelListParams{}); err != nil {
			t.Fatalf("the SDK could not use the profile: %v", err)
		}
	}
	sdkCall()
	if auth.RefreshCalls() != 1 {
		t.Errorf("the SDK renewed the tokens Parley had just renewed")
	}

	// The access token nears its end: the SDK renews it from the file.
	c := readCreds(t, dir, testProfile)
	soon := time.Now().Add(10 * time.Second)
	c.ExpiresAt = &soon
	if err := config.WriteCredentials(path, c); err != nil {
		t.Fatal(err)
	}
	sdkCall()
	byTheSDK := readCreds(t, dir, testProfile)
	if auth.RefreshCalls() != 2 || byTheSDK.RefreshToken == t1.RefreshToken {
		t.Fatalf("the SDK did not renew the profile's tokens")
	}

	got, err := r.Refresh(ctx, testProfile, t1.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != byTheSDK.AccessToken || got.RefreshToken != byTheSDK.RefreshToken || auth.RefreshCalls() != 2 {
		t.Errorf("Parley did not adopt the SDK's renewal")
	}
	if auth.ReusedRefreshTokens() != 0 {
		t.Errorf("a spent refresh token was sent again")
	}
}

func proxy(t *testing.T, target string) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return httputil.NewSingleHostReverseProxy(u)
}
