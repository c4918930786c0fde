package proxytest_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"parley/internal/netproxy"
	"parley/internal/netproxy/proxytest"
)

// A test elsewhere proves that its requests go through a proxy by asking
// for a name that only the proxy knows.
func TestUsageFromAnotherPackage(t *testing.T) {
	api := proxytest.NewTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "models")
	}), "api.parley.test")
	proxy := proxytest.New(t, map[string]string{"api.parley.test": api.Listener.Addr().String()})

	tr, err := netproxy.Transport(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxytest.Trust(tr, api)
	resp, err := (&http.Client{Transport: tr}).Get("https://api.parley.test/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "models" || proxy.Count("api.parley.test") != 1 {
		t.Errorf("got %q with %d proxied requests, want the models through one tunnel", body, proxy.Count("api.parley.test"))
	}
}
