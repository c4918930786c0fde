package netproxy

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// fromEnvironment returns a Proxy function for the proxy variables as
// they are now. It follows http.ProxyFromEnvironment, which cannot be used
// here: it reads the environment once per process, so a variable set
// later (by a test, or before a retry the user asked for) would be
// ignored. golang.org/x/net/http/httpproxy, which ProxyFromEnvironment is
// built on, reads it when asked, but Parley does not depend on x/net
// directly; so this is that package's logic, in short. Two differences: a
// malformed variable is an error here, where Go ignores it and goes
// direct; and host names are compared as written, without converting
// international names to punycode. The CGI rule (no HTTP_PROXY when
// REQUEST_METHOD is set) does not apply to a desktop app.
func fromEnvironment() (func(*http.Request) (*url.URL, error), error) {
	httpsProxy, err := envProxy("HTTPS_PROXY", "https_proxy")
	if err != nil {
		return nil, err
	}
	httpProxy, err := envProxy("HTTP_PROXY", "http_proxy")
	if err != nil {
		return nil, err
	}
	if httpsProxy == nil && httpProxy == nil {
		return nil, nil
	}
	_, noProxy := getEnvAny("NO_PROXY", "no_proxy")
	skip := parseNoProxy(noProxy)
	return func(req *http.Request) (*url.URL, error) {
		var proxy *url.URL
		switch req.URL.Scheme {
		case "https":
			proxy = httpsProxy
		case "http":
			proxy = httpProxy
		}
		if proxy == nil || skip.bypass(req.URL) {
			return nil, nil
		}
		return proxy, nil
	}, nil
}

// envProxy parses the first of the variables names that is set.
func envProxy(names ...string) (*url.URL, error) {
	name, v := getEnvAny(names...)
	if v == "" {
		return nil, nil
	}
	u, problem := parseProxy(v)
	if problem != "" {
		return nil, fmt.Errorf("the environment variable %s, %q, %s; correct or unset it, or choose a proxy in Parley's settings: %s",
			name, Redacted(v), problem, howTo)
	}
	return u, nil
}

func getEnvAny(names ...string) (name, value string) {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return n, v
		}
	}
	return "", ""
}

// noProxy is a parsed NO_PROXY: comma-separated entries, each an IP
// address, a CIDR block, a domain name (matching it and its subdomains),
// a name starting with "." or "*." (subdomains only), each with an
// optional port; or "*" for every host.
type noProxy struct {
	all     bool
	nets    []*net.IPNet
	ips     []ipEntry
	domains []domainEntry
}

type ipEntry struct {
	ip   net.IP
	port string
}

type domainEntry struct {
	suffix    string // with a leading "."
	port      string
	matchHost bool // also the name itself, without a subdomain
}

func parseNoProxy(s string) noProxy {
	var n noProxy
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if p == "*" {
			return noProxy{all: true}
		}
		if _, cidr, err := net.ParseCIDR(p); err == nil {
			n.nets = append(n.nets, cidr)
			continue
		}
		host, port, err := net.SplitHostPort(p)
		if err != nil {
			host, port = p, ""
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if host == "" {
			continue // malformed; ignored, as Go does
		}
		if ip := net.ParseIP(host); ip != nil {
			n.ips = append(n.ips, ipEntry{ip, port})
			continue
		}
		if strings.HasPrefix(host, "*.") {
			host = host[1:]
		}
		d := domainEntry{suffix: host, port: port}
		if !strings.HasPrefix(host, ".") {
			d.suffix, d.matchHost = "."+host, true
		}
		n.domains = append(n.domains, d)
	}
	return n
}

var defaultPorts = map[string]string{"http": "80", "https": "443"}

// bypass reports whether requests to u go straight to the server.
func (n noProxy) bypass(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return false
	}
	port := u.Port()
	if port == "" {
		port = defaultPorts[u.Scheme]
	}
	ip := net.ParseIP(host)
	if host == "localhost" || ip != nil && ip.IsLoopback() {
		return true
	}
	if n.all {
		return true
	}
	if ip != nil {
		for _, c := range n.nets {
			if c.Contains(ip) {
				return true
			}
		}
		for _, e := range n.ips {
			if e.ip.Equal(ip) && (e.port == "" || e.port == port) {
				return true
			}
		}
		return false
	}
	for _, d := range n.domains {
		if (strings.HasSuffix(host, d.suffix) || d.matchHost && host == d.suffix[1:]) && (d.port == "" || d.port == port) {
			return true
		}
	}
	return false
}
