// Package proxytest runs real proxies for tests: an HTTP proxy, which
// forwards absolute-URI requests and tunnels CONNECT, and a SOCKS5 proxy.
// Each listens on 127.0.0.1 and reaches only the host names a test maps
// to its own servers, so a request to such a name can succeed only
// through the proxy; and it counts the requests for each name.
//
// Use a made-up name (api.parley.test) for the servers: Go never sends
// requests for localhost or 127.0.0.1 through an environment proxy.
package proxytest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Proxy is a running proxy. It stops when the test ends.
type Proxy struct {
	// URL is the proxy's address, for a proxy setting or HTTPS_PROXY:
	// http://127.0.0.1:PORT or socks5://127.0.0.1:PORT.
	URL string

	hosts map[string]string
	mu    sync.Mutex
	count map[string]int
	user  string
	pw    string
	conns map[net.Conn]bool
	done  bool
	fwd   *http.Transport
}

// New starts an HTTP proxy that takes requests for each host name in
// hosts (without a port) to the address it maps to ("127.0.0.1:PORT",
// the Listener address of an httptest server), whatever port the request
// names. It refuses other hosts with 502 Bad Gateway and dials nothing
// else.
func New(t testing.TB, hosts map[string]string) *Proxy {
	t.Helper()
	p, ln := start(t, hosts)
	p.URL = "http://" + ln.Addr().String()
	p.fwd = &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		var d net.Dialer
		return d.DialContext(ctx, network, p.hosts[host])
	}}
	srv := &http.Server{Handler: http.HandlerFunc(p.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		p.fwd.CloseIdleConnections()
		p.closeAll()
	})
	return p
}

// NewSOCKS5 starts a SOCKS5 proxy (RFC 1928, CONNECT only) with the same
// host names as [New]. It counts one request per connection.
func NewSOCKS5(t testing.TB, hosts map[string]string) *Proxy {
	t.Helper()
	p, ln := start(t, hosts)
	p.URL = "socks5://" + ln.Addr().String()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !p.track(c) {
				c.Close()
				return
			}
			go p.serveSOCKS(c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.closeAll()
	})
	return p
}

func start(t testing.TB, hosts map[string]string) (*Proxy, net.Listener) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxytest: %v", err)
	}
	m := make(map[string]string, len(hosts))
	for h, addr := range hosts {
		m[h] = addr
	}
	return &Proxy{hosts: m, count: make(map[string]int), conns: make(map[net.Conn]bool)}, ln
}

// RequireAuth makes the proxy ask for this user name and password: Basic
// Proxy-Authorization for HTTP (RFC 7235), RFC 1929 for SOCKS5. Call it
// before the first request.
func (p *Proxy) RequireAuth(user, password string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user, p.pw = user, password
}

// Count is how many requests for host the proxy has passed on: one per
// plain HTTP request, one per CONNECT tunnel or SOCKS5 connection (which
// may carry several HTTPS requests). Refused requests do not count.
func (p *Proxy) Count(host string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count[host]
}

// pass looks host up and counts a request for it, if it is known.
func (p *Proxy) pass(host string) (string, bool) {
	addr, ok := p.hosts[host]
	if ok {
		p.mu.Lock()
		p.count[host]++
		p.mu.Unlock()
	}
	return addr, ok
}

func (p *Proxy) credentials() (user, pass string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.user, p.pw
}

func (p *Proxy) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if user, pass := p.credentials(); user != "" {
		u, pw, ok := (&http.Request{Header: http.Header{"Authorization": r.Header.Values("Proxy-Authorization")}}).BasicAuth()
		if !ok || u != user || pw != pass {
			w.Header().Set("Proxy-Authenticate", `Basic realm="proxytest"`)
			http.Error(w, "proxytest: proxy authentication required", http.StatusProxyAuthRequired)
			return
		}
	}
	if r.Method != http.MethodConnect && !r.URL.IsAbs() {
		http.Error(w, "proxytest: not a proxy request: "+r.RequestURI, http.StatusBadRequest)
		return
	}
	addr, ok := p.pass(r.URL.Hostname())
	if !ok {
		http.Error(w, "proxytest: unknown host "+r.URL.Hostname(), http.StatusBadGateway)
		return
	}
	if r.Method == http.MethodConnect {
		p.tunnelHTTP(w, addr)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization")
	out.Header.Del("Proxy-Connection")
	resp, err := p.fwd.RoundTrip(out)
	if err != nil {
		http.Error(w, "proxytest: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (p *Proxy) tunnelHTTP(w http.ResponseWriter, addr string) {
	up, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, "proxytest: "+err.Error(), http.StatusBadGateway)
		return
	}
	c, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		http.Error(w, "proxytest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if !p.track(c) || !p.track(up) {
		c.Close()
		up.Close()
		return
	}
	if _, err := c.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		c.Close()
		up.Close()
		return
	}
	p.splice(c, buf.Reader, up)
}

// serveSOCKS answers one SOCKS5 connection (RFC 1928, RFC 1929).
func (p *Proxy) serveSOCKS(c net.Conn) {
	defer p.untrack(c)
	defer c.Close()
	r := bufio.NewReader(c)
	head := make([]byte, 2)
	if _, err := io.ReadFull(r, head); err != nil || head[0] != 5 {
		return
	}
	methods := make([]byte, head[1])
	if _, err := io.ReadFull(r, methods); err != nil {
		return
	}
	user, pass := p.credentials()
	method := byte(0) // no authentication
	if user != "" {
		method = 2 // user name and password
	}
	if bytes.IndexByte(methods, method) < 0 {
		c.Write([]byte{5, 0xff})
		return
	}
	c.Write([]byte{5, method})
	if method == 2 {
		u, pw, ok := readUserPass(r)
		if !ok || u != user || pw != pass {
			c.Write([]byte{1, 1})
			return
		}
		c.Write([]byte{1, 0})
	}
	req := make([]byte, 4) // VER CMD RSV ATYP
	if _, err := io.ReadFull(r, req); err != nil {
		return
	}
	var host string
	switch req[3] {
	case 1, 4: // IPv4, IPv6
		ip := make([]byte, 4)
		if req[3] == 4 {
			ip = make([]byte, 16)
		}
		if _, err := io.ReadFull(r, ip); err != nil {
			return
		}
		host = net.IP(ip).String()
	case 3: // domain name
		n, err := r.ReadByte()
		if err != nil {
			return
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(r, name); err != nil {
			return
		}
		host = string(name)
	default:
		c.Write([]byte{5, 8, 0, 1, 0, 0, 0, 0, 0, 0}) // address type not supported
		return
	}
	var port [2]byte // the port the client named; the host map decides
	if _, err := io.ReadFull(r, port[:]); err != nil {
		return
	}
	if req[1] != 1 {
		c.Write([]byte{5, 7, 0, 1, 0, 0, 0, 0, 0, 0}) // command not supported
		return
	}
	addr, ok := p.pass(host)
	if !ok {
		c.Write([]byte{5, 4, 0, 1, 0, 0, 0, 0, 0, 0}) // host unreachable
		return
	}
	up, err := net.Dial("tcp", addr)
	if err != nil || !p.track(up) {
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0}) // connection refused
		return
	}
	c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	p.splice(c, r, up)
}

func readUserPass(r *bufio.Reader) (user, pass string, ok bool) {
	field := func() (string, bool) {
		n, err := r.ReadByte()
		if err != nil {
			return "", false
		}
		b := make([]byte, n)
		_, err = io.ReadFull(r, b)
		return string(b), err == nil
	}
	if v, err := r.ReadByte(); err != nil || v != 1 {
		return "", "", false
	}
	user, ok1 := field()
	pass, ok2 := field()
	return user, pass, ok1 && ok2
}

// splice copies between the client (c, read through r) and up until
// either side closes, then closes both.
func (p *Proxy) splice(c net.Conn, r io.Reader, up net.Conn) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, r); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
	p.untrack(c)
	p.untrack(up)
}

// track remembers c so that the test's end closes it; false if it has
// ended already.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

func (p *Proxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	for c := range p.conns {
		c.Close()
	}
}

// NewTLSServer starts an HTTPS server for h whose certificate is valid for
// names (and 127.0.0.1), so that clients can reach it under a made-up
// name. Make a client trust it with [Trust]. It stops when the test ends.
func NewTLSServer(t testing.TB, h http.Handler, names ...string) *httptest.Server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("proxytest: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "proxytest"},
		DNSNames:              names,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("proxytest: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// Trust makes tr trust srv's certificate, besides those it trusted.
func Trust(tr *http.Transport, srv *httptest.Server) {
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	if tr.TLSClientConfig.RootCAs == nil {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	tr.TLSClientConfig.RootCAs.AddCert(srv.Certificate())
}
