package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Discover finds a custom gateway's authorization and token endpoints from
// its issuer URL, with OpenID Connect Discovery 1.0: it reads
// issuer/.well-known/openid-configuration (section 4) and requires the
// document's issuer to be exactly the one asked for (section 4.3), both
// endpoints to be present and https (http only to 127.0.0.1 or localhost),
// and, if the server lists its PKCE methods (RFC 8414 section 2), S256
// among them. hc may be nil for http.DefaultClient.
func Discover(ctx context.Context, hc *http.Client, issuer string) (authorizeURL, tokenURL string, err error) {
	if err := checkEndpoint("issuer address", issuer); err != nil {
		return "", "", err
	}
	if strings.ContainsAny(issuer, "?#") {
		return "", "", fmt.Errorf("the issuer address %q has a ? or # part, which no issuer has: check the address", issuer)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return "", "", fmt.Errorf("the issuer address %q is not usable: %w", issuer, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("could not reach the sign-in server at %s; check the address and your connection: %w", issuer, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("the sign-in server at %s has no OpenID configuration (it answered %s); check the issuer address", issuer, resp.Status)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", "", fmt.Errorf("could not read the OpenID configuration of %s; try again: %w", issuer, err)
	}
	var doc struct {
		Issuer        string   `json:"issuer"`
		Authorization string   `json:"authorization_endpoint"`
		Token         string   `json:"token_endpoint"`
		PKCEMethods   []string `json:"code_challenge_methods_supported"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return "", "", fmt.Errorf("the OpenID configuration of %s is not valid JSON; check the issuer address", issuer)
	}
	switch {
	case doc.Issuer != issuer:
		return "", "", fmt.Errorf("the sign-in server calls itself %q, not %q: use its exact issuer address", doc.Issuer, issuer)
	case doc.Authorization == "":
		return "", "", fmt.Errorf("the OpenID configuration of %s has no authorization_endpoint: Parley cannot sign in there", issuer)
	case doc.Token == "":
		return "", "", fmt.Errorf("the OpenID configuration of %s has no token_endpoint: Parley cannot sign in there", issuer)
	case doc.PKCEMethods != nil && !slices.Contains(doc.PKCEMethods, "S256"):
		return "", "", fmt.Errorf("the sign-in server at %s does not offer PKCE with S256, which Parley requires", issuer)
	}
	if err := checkEndpoint("authorization address", doc.Authorization); err != nil {
		return "", "", err
	}
	if err := checkEndpoint("token address", doc.Token); err != nil {
		return "", "", err
	}
	return doc.Authorization, doc.Token, nil
}
