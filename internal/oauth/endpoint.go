package oauth

import (
	"fmt"
	"net/url"
)

// checkEndpoint requires raw to be an absolute https URL, or http to this
// machine (127.0.0.1 or localhost), for tests and local gateways: codes and
// tokens must never cross a network in the clear (RFC 6749 sections 3.1
// and 3.2 require TLS). what names the address for the message.
func checkEndpoint(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("the %s %q is not a web address: check the sign-in settings", what, raw)
	}
	if u.Scheme == "https" || u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost") {
		return nil
	}
	return fmt.Errorf("the %s %q does not use https: Parley signs in only over secure connections", what, raw)
}
