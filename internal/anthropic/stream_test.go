package anthropic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestStreamDeliversTheReplyPieceByPiece(t *testing.T) {
	w := newWorld(t)
	_ = w.holder.Set(w.newKey(1))
	var pieces []string
	msg, err := w.client.Stream(context.Background(), ask("tell me"), func(s string) { pieces = append(pieces, s) })
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(pieces, "")
	if len(pieces) < 2 || got != msg.Text || !strings.Contains(got, "tell me") {
		t.Errorf("%d pieces %q, whole reply %q", len(pieces), got, msg.Text)
	}
	if msg.OutputTokens == 0 {
		t.Error("no usage in the reply")
	}
}

func TestCutStreamKeepsThePartialText(t *testing.T) {
	w := newWorld(t)
	_ = w.holder.Set(w.newKey(1))
	w.api.CutStreamAfter(2)
	var got strings.Builder
	_, err := w.client.Stream(context.Background(), ask("one two three four five six"), func(s string) { got.WriteString(s) })
	if err == nil {
		t.Fatal("a cut stream ended without an error")
	}
	if got.Len() == 0 || strings.Count(got.String(), " ") > 3 {
		t.Errorf("partial text %q", got.String())
	}
}

func TestErrorEventMidStreamEndsTheReplyWithItsExplanation(t *testing.T) {
	w := newWorld(t)
	_ = w.holder.Set(w.newKey(1))
	w.api.FailStreamAfter(2, 529)
	var got strings.Builder
	_, err := w.client.Stream(context.Background(), ask("one two three four five six"), func(s string) { got.WriteString(s) })
	var streamErr *StreamError
	if !errors.As(err, &streamErr) || streamErr.Type != "overloaded_error" {
		t.Fatalf("error %v, want the stream's overloaded_error", err)
	}
	if got.String() != "You said: " {
		t.Errorf("partial text %q, want the two deltas before the error", got.String())
	}
	if msg := Explain(err); !strings.Contains(msg, "overloaded") {
		t.Errorf("Explain says %q", msg)
	}
}

func TestStreamWithoutItsEndIsAnError(t *testing.T) {
	// A server that answers 200 with a well-formed stream that just stops,
	// as a proxy that times out the response would.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}\n\n")
		fmt.Fprint(w, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n")
	}))
	defer srv.Close()
	w := newWorld(t)
	key := w.newKey(1)
	_ = w.holder.Set(key)
	c := New(w.holder, Options{BaseURL: srv.URL})
	var got strings.Builder
	_, err := c.Stream(context.Background(), ask("hi"), func(s string) { got.WriteString(s) })
	if !errors.Is(err, io.ErrUnexpectedEOF) || got.String() != "Hel" {
		t.Errorf("error %v, text %q; want an unexpected end after \"Hel\"", err, got.String())
	}
}
