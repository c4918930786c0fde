// Package netproxy makes the HTTP transport that Parley sends its API and
// token requests through: through the proxy the user chose in Settings,
// through the one the environment names (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY), or straight to the server.
package netproxy

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Settings that turn proxies off, even one the environment names. Case
// and surrounding spaces do not matter.
const (
	Direct = "direct"
	None   = "none"
)

// howTo says what a proxy setting may be; every error about one ends with it.
const howTo = `write http://host:port, https://host:port or socks5://host:port ` +
	`(with user:password@ before the host if the proxy asks for it), ` +
	`"direct" for no proxy, or nothing to use HTTPS_PROXY and NO_PROXY from the environment`

// Transport returns a new clone of http.DefaultTransport that sends its
// requests as setting says:
//
//   - "" (the default): through the proxy the environment names, with the
//     rules of http.ProxyFromEnvironment: HTTPS_PROXY for https URLs,
//     HTTP_PROXY for http URLs (or their lower-case forms), never for the
//     hosts in NO_PROXY, localhost or loopback addresses. The environment
//     is read when Transport is called.
//   - "direct" or "none": straight to the server, whatever the environment.
//   - a proxy address, http://, https://, socks5:// or socks5h://, with
//     user:password@ if the proxy asks for it ("host:port" alone means
//     http://host:port): through that proxy, for every request.
//
// Use it for every client that talks to the API or a token endpoint, so
// that all of Parley's traffic takes the same way out. A bad setting, or a
// bad proxy variable when setting is "", is an error that says what to
// write; it never shows the proxy's password.
func Transport(setting string) (*http.Transport, error) {
	proxy, err := proxyFunc(setting)
	if err != nil {
		return nil, err
	}
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{ForceAttemptHTTP2: true}
	}
	t.Proxy = proxy
	return t, nil
}

// Client returns an http.Client over [Transport](setting). It has no
// timeout, since a streamed reply may take minutes; bound each request
// with its context instead.
func Client(setting string) (*http.Client, error) {
	t, err := Transport(setting)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t}, nil
}

// Validate reports whether [Transport] accepts setting, with the same
// error. Use it where the user types the setting, before saving it. It
// does not look at the environment.
func Validate(setting string) error {
	s := strings.TrimSpace(setting)
	if s == "" || isDirect(s) {
		return nil
	}
	if _, problem := parseProxy(s); problem != "" {
		return fmt.Errorf("proxy %q %s; %s", Redacted(s), problem, howTo)
	}
	return nil
}

// Redacted returns setting fit to log or show: a password in it is
// replaced by "xxxxx", as url.URL.Redacted does, even when setting is not
// a valid address.
func Redacted(setting string) string {
	start := strings.Index(setting, "://") + len("://")
	if start < len("://") {
		start = 0
	}
	at := strings.LastIndex(setting, "@")
	if at < start {
		return setting
	}
	colon := strings.Index(setting[start:at], ":")
	if colon < 0 {
		return setting
	}
	return setting[:start+colon+1] + "xxxxx" + setting[at:]
}

func isDirect(s string) bool {
	return strings.EqualFold(s, Direct) || strings.EqualFold(s, None)
}

// proxyFunc is the Proxy function of a Transport for setting; nil for none.
func proxyFunc(setting string) (func(*http.Request) (*url.URL, error), error) {
	s := strings.TrimSpace(setting)
	switch {
	case s == "":
		return fromEnvironment()
	case isDirect(s):
		return nil, nil
	}
	if err := Validate(s); err != nil {
		return nil, err
	}
	u, _ := parseProxy(s)
	return http.ProxyURL(u), nil
}

// parseProxy parses a proxy address, or says what is wrong with it, in
// words that may follow the address in a message. A problem never repeats
// text from a setting that holds a password.
func parseProxy(s string) (*url.URL, string) {
	raw := s
	if !strings.Contains(s, "://") {
		s = "http://" + s // as the environment variables allow
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if !strings.Contains(raw, "@") && errors.As(err, &ue) {
			return nil, "is not an address (" + ue.Err.Error() + ")"
		}
		return nil, "is not an address"
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, "is a " + u.Scheme + ":// address; Parley speaks to http, https and socks5 proxies"
	}
	if u.Hostname() == "" {
		return nil, "has no host name"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, "has port " + p + ", not one from 1 to 65535"
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, "has a path, query or fragment, which a proxy address cannot have"
	}
	u.Path, u.RawPath = "", ""
	return u, ""
}
