package fakeapi

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

func TestLogEntries(t *testing.T) {
	s := start(t)
	ctx := testContext(t)
	tag := func(id string) option.RequestOption { return option.WithHeader("X-Parley-Test-Request", id) }
	calls := []struct {
		client anthropic.Client
		models bool
		want   Entry
	}{
		{keyClient(s, "key-1", tag("a")), false,
			Entry{Method: "POST", Path: "/v1/messages", Kind: KindAPIKey, Credential: "key-1", RequestID: "a", Status: 200}},
		{tokenClient(s, "token-1", tag("b")), true,
			Entry{Method: "GET", Path: "/v1/models", Kind: KindOAuth, Credential: "token-1", RequestID: "b", Status: 200}},
		{client(s, tag("c")), false,
			Entry{Method: "POST", Path: "/v1/messages", Kind: KindNone, RequestID: "c", Status: 401}},
		{keyClient(s, "key-9"), true,
			Entry{Method: "GET", Path: "/v1/models", Kind: KindAPIKey, Credential: "key-9", Status: 401}},
	}
	before := time.Now()
	for _, c := range calls {
		if c.models {
			c.client.Models.List(ctx, anthropic.ModelListParams{})
		} else {
			c.client.Messages.New(ctx, params("hi"))
		}
	}
	log := s.Log()
	if len(log) != len(calls) {
		t.Fatalf("log has %d entries, want %d: %+v", len(log), len(calls), log)
	}
	for i, got := range log {
		want := calls[i].want
		want.Seq, want.Time = int64(i+1), got.Time
		if got != want {
			t.Errorf("entry %d = %+v, want %+v", i, got, want)
		}
		if got.Time.Before(before) || got.Time.After(time.Now()) {
			t.Errorf("entry %d time %v, want during the test", i, got.Time)
		}
	}

	s.ResetLog()
	c := keyClient(s, "key-1", tag("d"))
	c.Messages.New(ctx, params("hi"))
	if log := s.Log(); len(log) != 1 || log[0].Seq != 1 || log[0].RequestID != "d" {
		t.Errorf("log after ResetLog %+v, want only request d as Seq 1", log)
	}
}

func TestLogUnderConcurrency(t *testing.T) {
	const n = 64
	s := start(t)
	s.FailNext(n/4, http.StatusTooManyRequests, 0)
	ctx := testContext(t)

	var wg sync.WaitGroup
	for i := range n {
		id := fmt.Sprintf("call-%d", i)
		wg.Go(func() {
			c := keyClient(s, "key-1", option.WithHeader("X-Parley-Test-Request", id), option.WithMaxRetries(0))
			if i%2 == 1 {
				c = tokenClient(s, "token-1", option.WithHeader("X-Parley-Test-Request", id), option.WithMaxRetries(0))
			}
			if i%3 == 0 {
				accumulate(ctx, c, params(id))
			} else {
				c.Messages.New(ctx, params(id))
			}
		})
		wg.Go(func() { s.Log(); s.Requests(); s.SetReply(nil); s.AllowAPIKey("key-x") })
	}
	wg.Wait()

	log := s.Log()
	if len(log) != n {
		t.Fatalf("log has %d entries, want %d", len(log), n)
	}
	ids := map[string]bool{}
	failed := 0
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d has Seq %d, want %d", i, e.Seq, i+1)
		}
		if i > 0 && e.Time.Before(log[i-1].Time) {
			t.Errorf("entry %d arrived at %v, before entry %d", i, e.Time, i-1)
		}
		if ids[e.RequestID] {
			t.Errorf("request %s logged twice", e.RequestID)
		}
		ids[e.RequestID] = true
		switch e.Status {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			failed++
		default:
			t.Errorf("entry %+v, want status 200 or 429", e)
		}
	}
	if failed != n/4 || s.Requests() != n-n/4 {
		t.Errorf("%d failed and Requests() = %d, want %d and %d", failed, s.Requests(), n/4, n-n/4)
	}
}
