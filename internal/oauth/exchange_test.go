package oauth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"parley/internal/credential"
	"parley/internal/fakeauth"
	"parley/internal/oauth"
)

func TestTokenEndpointFailures(t *testing.T) {
	tests := []struct {
		name     string
		fault    fakeauth.TokenFault
		want     error // nil: only the message is checked
		mentions string
	}{
		{"invalid_grant", fakeauth.FaultInvalidGrant, credential.ErrInvalidGrant, "did not accept the sign-in code"},
		{"500", fakeauth.Fault500, nil, "the sign-in server failed (500); try again"},
		{"not JSON", fakeauth.FaultNonJSON, nil, "not understood"},
		{"hang", fakeauth.FaultHang, nil, "did not answer within 200ms"},
	}
	for _, f := range formats {
		for _, tt := range tests {
			t.Run(f.name+"/"+tt.name, func(t *testing.T) {
				auth, api := newAuth(t)
				auth.SetTokenFault(tt.fault)
				var o oauth.FlowOptions
				if tt.fault == fakeauth.FaultHang {
					o.ExchangeTimeout = 200 * time.Millisecond
				}
				flow := start(t, auth, f.format, o)
				p := browse(t, flow.AuthURL())
				_, err := wait(t, flow)
				if err == nil || tt.want != nil && !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.mentions) {
					t.Fatalf("Wait when the token endpoint fails with %s: %v, want an error (%v) mentioning %q", tt.name, err, tt.want, tt.mentions)
				}
				if !strings.Contains(p.body, "Sign-in did not complete: ") {
					t.Errorf("page when the token endpoint fails: %q, want it to say sign-in did not complete", p.body)
				}
				secrets := map[string]string{"code": p.url.Query().Get("code"), "state": p.url.Query().Get("state"), "verifier": oauth.Verifier(flow)}
				if found := leaks(p.body+err.Error(), secrets); found != nil {
					t.Errorf("the failure page or error shows the %v", found)
				}
				if auth.Exchanges() != 0 || api.AccessTokens() != 0 {
					t.Errorf("%d exchanges and %d tokens issued when the token endpoint failed, want none", auth.Exchanges(), api.AccessTokens())
				}
				if listening(flow) {
					t.Errorf("the loopback listener still accepts connections after the exchange failed")
				}
			})
		}
	}
}
