package anthropic

import (
	"context"
	"net/http"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// BenchmarkMessage measures what authenticating every attempt from the
// holder adds to a request, against the fake API on loopback: "holder" is
// Parley's client, "static-header" the SDK with the same key fixed in a
// header. The difference is the middleware's cost (see docs/benchmarks.md).
func BenchmarkMessage(b *testing.B) {
	w := newWorld(b)
	key := w.newKey(1)
	if err := w.holder.Set(key); err != nil {
		b.Fatal(err)
	}
	params := ask("hello")
	ctx := context.Background()

	b.Run("holder", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.client.Message(ctx, params); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("static-header", func(b *testing.B) {
		plain := sdk.NewClient(option.WithoutEnvironmentDefaults(), option.WithBaseURL(w.api.URL), option.WithHeader("x-api-key", key.Secret()))
		for b.Loop() {
			if _, err := plain.Messages.New(ctx, params); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAuthenticate is the middleware alone, with a next step that
// answers at once: the cost it adds to every attempt.
func BenchmarkAuthenticate(b *testing.B) {
	w := newWorld(b)
	if err := w.holder.Set(w.newKey(1)); err != nil {
		b.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, w.api.URL+"/v1/messages", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	ok := &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}
	next := func(*http.Request) (*http.Response, error) { return ok, nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.client.authenticate(req, next); err != nil {
			b.Fatal(err)
		}
	}
}
