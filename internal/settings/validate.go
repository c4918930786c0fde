package settings

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"

	"parley/internal/netproxy"
)

// Validate checks the settings a user changes in the Settings window and
// returns the first problem in words for them: which setting, and what to
// write instead. Call it before saving settings the user typed.
func (s Settings) Validate() error {
	switch s.Theme {
	case "", ThemeSystem, ThemeLight, ThemeDark:
	default:
		return fmt.Errorf("The theme %q is not one Parley has: choose system, light or dark", s.Theme)
	}
	if err := netproxy.Validate(s.Proxy); err != nil {
		msg := err.Error() // "proxy … is …; write …"
		return errors.New(strings.ToUpper(msg[:1]) + msg[1:])
	}
	for _, f := range []struct{ name, value string }{
		{"The default model", s.DefaultModel},
		{"The Anthropic client ID", s.Anthropic.ClientID},
		{"The gateway's client ID", s.Gateway.ClientID},
	} {
		if strings.ContainsFunc(f.value, unicode.IsSpace) {
			return fmt.Errorf("%s, %q, has a space in it: copy it again, without spaces", f.name, f.value)
		}
	}
	for _, scope := range s.Gateway.Scopes {
		if scope == "" || strings.ContainsFunc(scope, unicode.IsSpace) {
			return fmt.Errorf("The gateway's scope %q is not a scope: write scopes separated by spaces, like openid email", scope)
		}
	}
	for _, f := range []struct{ name, value string }{
		{"The Anthropic authorize URL", s.Anthropic.AuthorizeURL},
		{"The Anthropic token URL", s.Anthropic.TokenURL},
		{"The gateway's sign-in address", s.Gateway.Issuer},
		{"The gateway's API address", s.Gateway.APIBaseURL},
	} {
		if err := checkURL(f.name, f.value); err != nil {
			return err
		}
	}
	return nil
}

// checkURL accepts an empty value, an https:// address, or an http://
// address on this computer (for a local gateway or a test server).
func checkURL(name, value string) error {
	if value == "" {
		return nil
	}
	u, err := url.Parse(value)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%s, %q, is not a full web address: write it like https://example.com/path", name, value)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return fmt.Errorf("%s, %q, must start with https:// (http:// is only for an address on this computer)", name, value)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
