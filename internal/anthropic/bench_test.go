package anthropic

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"parley/internal/fakeapi"
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

// BenchmarkStream reads a 5,000-delta reply from the fake API on loopback:
// "parley" is Client.Stream, "plain" reads the same events with nothing but
// a line scanner and encoding/json, the floor for any Go client.
func BenchmarkStream(b *testing.B) {
	w := newWorld(b)
	key := w.newKey(1)
	if err := w.holder.Set(key); err != nil {
		b.Fatal(err)
	}
	words := make([]string, 5000)
	for i := range words {
		words[i] = fmt.Sprintf("t%d", i)
	}
	reply := strings.Join(words, " ")
	w.api.SetReply(func(fakeapi.MessagesRequest) string { return reply })
	params := ask("go")
	ctx := context.Background()

	b.Run("parley", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if _, err := w.client.Stream(ctx, params, func(s string) { n += len(s) }); err != nil {
				b.Fatal(err)
			}
			if n != len(reply) {
				b.Fatalf("read %d of %d characters", n, len(reply))
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		body := `{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"go"}]}`
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodPost, w.api.URL+"/v1/messages", strings.NewReader(body))
			req.Header.Set("x-api-key", key.Secret())
			req.Header.Set("anthropic-version", "2023-06-01")
			req.Header.Set("content-type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				data, ok := strings.CutPrefix(sc.Text(), "data: ")
				if !ok {
					continue
				}
				var ev struct {
					Type  string `json:"type"`
					Delta struct {
						Text string `json:"text"`
					} `json:"delta"`
				}
				if err := json.Unmarshal([]byte(data), &ev); err != nil {
					b.Fatal(err)
				}
				if ev.Type == "content_block_delta" {
					n += len(ev.Delta.Text)
				}
			}
			res.Body.Close()
			if n != len(reply) {
				b.Fatalf("read %d of %d characters", n, len(reply))
			}
		}
	})
}
