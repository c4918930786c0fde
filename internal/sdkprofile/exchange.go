package sdkprofile

import (
	"context"
	"fmt"
	"net/http"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/credential"
	"parley/internal/oauth"
)

// exchange sends refreshToken to p's token endpoint, {api}/v1/oauth/token,
// with p's client ID, in the JSON format of Anthropic's OAuth protocol
// (internal/oauth's JSON refresh, with the SDK's beta header). Like the SDK,
// it refuses a cleartext endpoint other than a loopback one and never
// follows a redirect, which would replay the refresh token elsewhere.
func (p profile) exchange(ctx context.Context, hc *http.Client, refreshToken string) (credential.Token, error) {
	if err := config.RequireSecureTokenEndpoint(p.apiBase); err != nil {
		return credential.Token{}, fmt.Errorf("Parley will not send the sign-in of Anthropic profile %q over an unencrypted connection (%w): set its base_url to an https address", p.name, err)
	}
	if hc == nil {
		hc = config.NewTokenHTTPClient()
	} else {
		hc = config.WithoutRedirects(hc)
	}
	r := oauth.Refresher{
		Profiles: map[string]oauth.Profile{p.name: {
			Name:     p.name,
			TokenURL: p.apiBase + config.TokenEndpoint,
			ClientID: p.clientID,
			Format:   oauth.JSON,
			Beta:     config.OAuthAPIBetaHeader,
		}},
		HTTP: hc,
	}
	return r.Refresh(ctx, p.name, refreshToken)
}
