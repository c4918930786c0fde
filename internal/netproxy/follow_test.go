package netproxy_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"parley/internal/netproxy"
	"parley/internal/netproxy/proxytest"
)

func TestFollowAppliesAChangedSettingToTheNextRequest(t *testing.T) {
	w := newWorld(t)
	first := proxytest.New(t, w.hosts)
	second := proxytest.New(t, w.hosts)
	var setting atomic.Value
	setting.Store(first.URL)
	client := &http.Client{Transport: netproxy.Follow(func() string { return setting.Load().(string) })}
	get := func() (string, error) {
		res, err := client.Get("http://" + plainHost + "/x")
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}

	for range 2 {
		if body, err := get(); err != nil || body != "hello from "+plainHost+"/x" {
			t.Fatalf("through the first proxy: %q, %v", body, err)
		}
	}
	setting.Store(second.URL)
	if body, err := get(); err != nil || body != "hello from "+plainHost+"/x" {
		t.Fatalf("through the second proxy: %q, %v", body, err)
	}
	if first.Count(plainHost) != 2 || second.Count(plainHost) != 1 {
		t.Errorf("requests per proxy: first %d, second %d; want 2 and 1", first.Count(plainHost), second.Count(plainHost))
	}

	setting.Store("http://[::1")
	if _, err := get(); err == nil || !strings.Contains(err.Error(), "direct") {
		t.Errorf("a bad setting: %v; want the error that says what to write", err)
	}
}
