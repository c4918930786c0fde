package netproxy_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/internal/netproxy"
	"parley/internal/netproxy/proxytest"
)

// Made-up names that only the test proxies (and, for direct requests,
// the test's own dialer) resolve.
const (
	apiHost   = "api.parley.test"   // HTTPS
	plainHost = "plain.parley.test" // HTTP
)

type world struct {
	api, plain *httptest.Server
	hosts      map[string]string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s%s", r.Host, r.URL.Path)
	})
	w := &world{api: proxytest.NewTLSServer(t, h, apiHost), plain: httptest.NewServer(h)}
	t.Cleanup(w.plain.Close)
	w.hosts = map[string]string{apiHost: w.api.Listener.Addr().String(), plainHost: w.plain.Listener.Addr().String()}
	// No proxy variable from the machine running the tests.
	for _, v := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(v, "")
	}
	return w
}

// transport is netproxy.Transport(setting), trusting the API server.
func (w *world) transport(t *testing.T, setting string) *http.Transport {
	t.Helper()
	tr, err := netproxy.Transport(setting)
	if err != nil {
		t.Fatalf("Transport(%q): %v", setting, err)
	}
	proxytest.Trust(tr, w.api)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// resolveDirect lets tr reach the made-up names without a proxy, so that
// a request that bypasses the proxy succeeds instead of failing to look
// the name up. It changes only how tr dials, not whether it uses a proxy.
func (w *world) resolveDirect(tr *http.Transport) {
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(addr); w.hosts[host] != "" {
			addr = w.hosts[host]
		}
		return dial(ctx, network, addr)
	}
}

// get fetches url with tr and checks that the right server answered.
func get(t *testing.T, tr *http.Transport, url string) error {
	t.Helper()
	resp, err := (&http.Client{Transport: tr}).Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s: %s", resp.Status, body)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
	if want := "hello from " + host; string(body) != want {
		t.Errorf("GET %s: %q, want %q", url, body, want)
	}
	return nil
}

var (
	apiURL   = "https://" + apiHost + "/v1/models"
	plainURL = "http://" + plainHost + "/v1/models"
)

func TestExplicitProxyCarriesEveryRequest(t *testing.T) {
	w := newWorld(t)
	for _, kind := range []string{"http", "socks5"} {
		t.Run(kind, func(t *testing.T) {
			chosen := newProxy(t, kind, w.hosts)
			env := proxytest.New(t, w.hosts)
			t.Setenv("HTTPS_PROXY", env.URL)
			t.Setenv("HTTP_PROXY", env.URL)
			t.Setenv("NO_PROXY", apiHost+","+plainHost)
			tr := w.transport(t, chosen.URL)
			for _, url := range []string{apiURL, plainURL} {
				if err := get(t, tr, url); err != nil {
					t.Errorf("GET %s through the chosen %s proxy: %v", url, kind, err)
				}
			}
			if chosen.Count(apiHost) != 1 || chosen.Count(plainHost) != 1 {
				t.Errorf("the chosen proxy passed on %d requests for %s and %d for %s, want 1 each",
					chosen.Count(apiHost), apiHost, chosen.Count(plainHost), plainHost)
			}
			if n := env.Count(apiHost) + env.Count(plainHost); n != 0 {
				t.Errorf("the environment's proxy got %d requests; the setting should override it", n)
			}
		})
	}
}

func newProxy(t *testing.T, kind string, hosts map[string]string) *proxytest.Proxy {
	if kind == "socks5" {
		return proxytest.NewSOCKS5(t, hosts)
	}
	return proxytest.New(t, hosts)
}

func TestHostPortAloneIsAnHTTPProxy(t *testing.T) {
	w := newWorld(t)
	p := proxytest.New(t, w.hosts)
	tr := w.transport(t, strings.TrimPrefix(p.URL, "http://"))
	if err := get(t, tr, apiURL); err != nil {
		t.Fatalf("GET through host:port: %v", err)
	}
	if p.Count(apiHost) != 1 {
		t.Errorf("the proxy passed on %d requests, want 1", p.Count(apiHost))
	}
}

func TestEnvironmentProxyWhenNoSetting(t *testing.T) {
	for _, upper := range []bool{true, false} {
		name := map[bool]string{true: "HTTPS_PROXY", false: "https_proxy"}[upper]
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			secure, plain := proxytest.New(t, w.hosts), proxytest.New(t, w.hosts)
			httpsVar, httpVar := "HTTPS_PROXY", "HTTP_PROXY"
			if !upper {
				httpsVar, httpVar = "https_proxy", "http_proxy"
			}
			t.Setenv(httpsVar, secure.URL)
			t.Setenv(httpVar, plain.URL)
			tr := w.transport(t, "")
			for _, url := range []string{apiURL, plainURL} {
				if err := get(t, tr, url); err != nil {
					t.Errorf("GET %s with %s set: %v", url, httpsVar, err)
				}
			}
			if secure.Count(apiHost) != 1 || secure.Count(plainHost) != 0 {
				t.Errorf("%s's proxy passed on %d https and %d http requests, want 1 and 0", httpsVar, secure.Count(apiHost), secure.Count(plainHost))
			}
			if plain.Count(plainHost) != 1 || plain.Count(apiHost) != 0 {
				t.Errorf("%s's proxy passed on %d http and %d https requests, want 1 and 0", httpVar, plain.Count(plainHost), plain.Count(apiHost))
			}
		})
	}
}

// http.ProxyFromEnvironment reads the environment once per process;
// Transport must read it on every call.
func TestEnvironmentIsReadOnEveryCall(t *testing.T) {
	w := newWorld(t)
	first, second := proxytest.New(t, w.hosts), proxytest.New(t, w.hosts)
	t.Setenv("HTTPS_PROXY", first.URL)
	if err := get(t, w.transport(t, ""), apiURL); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HTTPS_PROXY", second.URL)
	if err := get(t, w.transport(t, ""), apiURL); err != nil {
		t.Fatal(err)
	}
	if first.Count(apiHost) != 1 || second.Count(apiHost) != 1 {
		t.Errorf("the proxies passed on %d and %d requests, want 1 each: the second Transport should use the new HTTPS_PROXY",
			first.Count(apiHost), second.Count(apiHost))
	}
}

func TestNoProxy(t *testing.T) {
	tests := []struct {
		noProxy, url string
		proxied      bool
	}{
		{"", apiURL, true},
		{apiHost, apiURL, false},
		{"API.Parley.Test", apiURL, false},
		{"parley.test", apiURL, false},
		{".parley.test", apiURL, false},
		{"*.parley.test", apiURL, false},
		{"*", apiURL, false},
		{"other.test, " + apiHost + " ,x.example", apiURL, false},
		{apiHost + ":443", apiURL, false},
		{apiHost + ":8443", apiURL, true},
		{"other.test", apiURL, true},
		{"pi.parley.test", apiURL, true},
		{".api.parley.test", apiURL, true}, // subdomains only
		{"127.0.0.1", apiURL, true},        // the name is not looked up
		{"", ipURL, true},
		{ipHost, ipURL, false},
		{"10.0.0.0/8", ipURL, false},
		{ipHost + ":80", ipURL, false},
		{ipHost + ":8080", ipURL, true},
		{"10.1.2.4,192.168.0.0/16", ipURL, true},
		{"parley.test", ipURL, true},
	}
	for _, tt := range tests {
		t.Run(tt.url+" NO_PROXY="+tt.noProxy, func(t *testing.T) {
			w := newWorld(t)
			w.hosts[ipHost] = w.plain.Listener.Addr().String()
			p := proxytest.New(t, w.hosts)
			t.Setenv("HTTPS_PROXY", p.URL)
			t.Setenv("HTTP_PROXY", p.URL)
			t.Setenv("NO_PROXY", tt.noProxy)
			tr := w.transport(t, "")
			w.resolveDirect(tr)
			if err := get(t, tr, tt.url); err != nil {
				t.Fatal(err)
			}
			if got := p.Count(apiHost)+p.Count(ipHost) == 1; got != tt.proxied {
				t.Errorf("with NO_PROXY=%q, GET %s went through the proxy: %v, want %v", tt.noProxy, tt.url, got, tt.proxied)
			}
		})
	}
}

// An address the proxy maps to the plain server, to try NO_PROXY's IP
// entries; without the proxy, the test's dialer maps it.
const ipHost = "10.1.2.3"

var ipURL = "http://" + ipHost + "/v1/models"

func TestDirectIgnoresTheEnvironment(t *testing.T) {
	for _, setting := range []string{"direct", "none", " DIRECT ", "None"} {
		t.Run(setting, func(t *testing.T) {
			w := newWorld(t)
			p := proxytest.New(t, w.hosts)
			t.Setenv("HTTPS_PROXY", p.URL)
			t.Setenv("HTTP_PROXY", p.URL)
			tr := w.transport(t, setting)
			if tr.Proxy != nil {
				t.Errorf("Transport(%q) has a Proxy function, want none", setting)
			}
			w.resolveDirect(tr)
			for _, url := range []string{apiURL, plainURL} {
				if err := get(t, tr, url); err != nil {
					t.Errorf("GET %s: %v", url, err)
				}
			}
			if n := p.Count(apiHost) + p.Count(plainHost); n != 0 {
				t.Errorf("the environment's proxy got %d requests despite %q", n, setting)
			}
		})
	}
}

// Without a proxy, the made-up names cannot be reached: the success of
// the other tests is the proxy's doing.
func TestMadeUpNamesNeedTheProxy(t *testing.T) {
	w := newWorld(t)
	err := get(t, w.transport(t, "direct"), apiURL)
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Errorf("GET %s without a proxy: %v, want a failed name lookup", apiURL, err)
	}
}

func TestProxyCredentials(t *testing.T) {
	w := newWorld(t)
	for _, kind := range []string{"http", "socks5"} {
		t.Run(kind, func(t *testing.T) {
			p := newProxy(t, kind, w.hosts)
			p.RequireAuth("bob", "p@ss:w0rd")
			scheme, addr, _ := strings.Cut(p.URL, "://")
			good := w.transport(t, scheme+"://bob:"+strings.ReplaceAll(strings.ReplaceAll("p@ss:w0rd", "@", "%40"), ":", "%3A")+"@"+addr)
			if err := get(t, good, apiURL); err != nil {
				t.Errorf("GET with the proxy's password: %v", err)
			}
			bad := w.transport(t, scheme+"://bob:wrong@"+addr)
			if err := get(t, bad, apiURL); err == nil {
				t.Error("GET with a wrong password succeeded; the proxy should refuse it")
			}
			none := w.transport(t, p.URL)
			if err := get(t, none, apiURL); err == nil {
				t.Error("GET without a password succeeded; the proxy should refuse it")
			}
			if p.Count(apiHost) != 1 {
				t.Errorf("the proxy passed on %d requests, want only the one with the password", p.Count(apiHost))
			}
		})
	}
}

func TestBadSettingsAreRefused(t *testing.T) {
	tests := []struct {
		setting, mentions string
	}{
		{"ftp://proxy.corp:21", "ftp://"},
		{"socks4://proxy.corp:1080", "socks4://"},
		{"http://", "no host name"},
		{"http://:3128", "no host name"},
		{"http://proxy.corp:99999", "port 99999"},
		{"http://proxy.corp:0", "port 0"},
		{"http://proxy.corp:3128/path", "path"},
		{"http://proxy.corp:3128?x=1", "query"},
		{"proxy corp:3128", "not an address"},
		{"http://bob:s3cr3t-pw@proxy corp:3128", "not an address"},
		{"socks5://bob:s3cr3t-pw@proxy.corp:3128/x", "path"},
		{"http://bob:s3cr3t/pw@proxy.corp:3128", "not an address"},
		{"direct please", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			for name, err := range map[string]error{
				"Transport": second(netproxy.Transport(tt.setting)),
				"Client":    second(netproxy.Client(tt.setting)),
				"Validate":  netproxy.Validate(tt.setting),
			} {
				if err == nil {
					t.Fatalf("%s(%q) accepted it", name, tt.setting)
				}
				msg := err.Error()
				for _, want := range []string{tt.mentions, "http://host:port", `"direct"`} {
					if !strings.Contains(msg, want) {
						t.Errorf("%s(%q): %q does not mention %q", name, tt.setting, msg, want)
					}
				}
				if strings.Contains(msg, "s3cr3t") {
					t.Errorf("%s(%q): the error shows the password: %q", name, tt.setting, msg)
				}
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestGoodSettingsAreAccepted(t *testing.T) {
	for _, s := range []string{"", "  ", "direct", "NONE", "http://proxy.corp:3128", "https://proxy.corp", "socks5://127.0.0.1:1080",
		"socks5h://proxy.corp:1080", "proxy.corp:3128", "http://bob:pw@proxy.corp:3128/", "http://[::1]:3128"} {
		if err := netproxy.Validate(s); err != nil {
			t.Errorf("Validate(%q): %v", s, err)
		}
	}
}

func TestBadEnvironmentIsReported(t *testing.T) {
	newWorld(t)
	t.Setenv("https_proxy", "ftp://bob:s3cr3t-pw@proxy.corp:21")
	_, err := netproxy.Transport("")
	if err == nil || !strings.Contains(err.Error(), "https_proxy") || !strings.Contains(err.Error(), "ftp://") {
		t.Errorf("Transport with a bad https_proxy: %v, want an error naming the variable and the problem", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error shows the password: %v", err)
	}
	if _, err := netproxy.Transport("direct"); err != nil {
		t.Errorf(`Transport("direct") with a bad https_proxy: %v; the variable does not matter then`, err)
	}
}

func TestRedacted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://bob:s3cr3t@proxy.corp:3128", "http://bob:xxxxx@proxy.corp:3128"},
		{"socks5://bob:p@ss@proxy.corp:1080", "socks5://bob:xxxxx@proxy.corp:1080"},
		{"bob:s3cr3t@proxy.corp:3128", "bob:xxxxx@proxy.corp:3128"},
		{"http://bob:s3cr3t/x@proxy corp", "http://bob:xxxxx@proxy corp"},
		{"http://bob@proxy.corp:3128", "http://bob@proxy.corp:3128"},
		{"http://proxy.corp:3128", "http://proxy.corp:3128"},
		{"direct", "direct"},
	}
	for _, tt := range tests {
		if got := netproxy.Redacted(tt.in); got != tt.want {
			t.Errorf("Redacted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTransportIsAFreshClone(t *testing.T) {
	a, err := netproxy.Transport("direct")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := netproxy.Transport("direct")
	def := http.DefaultTransport.(*http.Transport)
	if a == b || a == def {
		t.Fatal("Transport returned a shared transport")
	}
	if a.TLSHandshakeTimeout != def.TLSHandshakeTimeout || a.IdleConnTimeout != def.IdleConnTimeout || !a.ForceAttemptHTTP2 {
		t.Errorf("Transport lost http.DefaultTransport's settings")
	}
	a.TLSClientConfig = nil
	if def.Proxy == nil {
		t.Errorf("Transport changed http.DefaultTransport")
	}
}
