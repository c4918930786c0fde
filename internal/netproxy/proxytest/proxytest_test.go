package proxytest_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parley/internal/netproxy/proxytest"
)

func TestRefusesWhatItDoesNotKnow(t *testing.T) {
	p := proxytest.New(t, map[string]string{})
	u, _ := url.Parse(p.URL)
	tr := &http.Transport{Proxy: http.ProxyURL(u)}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://unknown.parley.test/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || p.Count("unknown.parley.test") != 0 {
		t.Errorf("a request for an unmapped host: %s, counted %d; want 502 Bad Gateway, not counted", resp.Status, p.Count("unknown.parley.test"))
	}
	resp, err = http.Get(p.URL + "/direct") // not a proxy request
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an origin-form request to the proxy: %s, want 400 Bad Request", resp.Status)
	}
}

func TestConnectTunnelsToTheMappedServer(t *testing.T) {
	srv := proxytest.NewTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "tunnelled")
	}), "api.parley.test")
	p := proxytest.New(t, map[string]string{"api.parley.test": srv.Listener.Addr().String()})
	c, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "CONNECT api.parley.test:443 HTTP/1.1\r\nHost: api.parley.test:443\r\n\r\n")
	status, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
		t.Fatalf("CONNECT answered %q, %v; want 200", status, err)
	}
	if p.Count("api.parley.test") != 1 {
		t.Errorf("Count after one CONNECT: %d, want 1", p.Count("api.parley.test"))
	}
}
