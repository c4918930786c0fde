package fakeapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
)

// accumulate streams params from c and returns the accumulated message.
func accumulate(ctx context.Context, c anthropic.Client, p anthropic.MessageNewParams) (anthropic.Message, error) {
	stream := c.Messages.NewStreaming(ctx, p)
	defer stream.Close()
	var msg anthropic.Message
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			return msg, err
		}
	}
	return msg, stream.Err()
}

// text returns the text of the first content block of msg, "" if none.
func text(msg anthropic.Message) string {
	if len(msg.Content) == 0 {
		return ""
	}
	return msg.Content[0].Text
}

func TestStreamMatchesNonStreaming(t *testing.T) {
	perRune := func(s string) []string { return strings.Split(s, "") }
	tests := []struct {
		name   string
		reply  string
		deltas func(string) []string
	}{
		{name: "default reply"},
		{name: "spaces and symbols", reply: "  <b>Tom & Jerry</b>\n\tsay \"hi\"  "},
		{name: "unicode per rune", reply: "héllo wörld 👋 — ok", deltas: perRune},
		{name: "empty reply", reply: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			if tt.name != "default reply" {
				s.SetReply(func(MessagesRequest) string { return tt.reply })
			}
			s.SetDeltas(tt.deltas)
			c := keyClient(s, "key-1")
			ctx := testContext(t)
			want, err := c.Messages.New(ctx, params("stream me"))
			if err != nil {
				t.Fatalf("Messages.New: %v", err)
			}
			got, err := accumulate(ctx, c, params("stream me"))
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			if text(got) != text(*want) || len(got.Content) != 1 {
				t.Errorf("streamed content %+v, want one block %q", got.Content, text(*want))
			}
			if got.StopReason != want.StopReason || got.Model != want.Model || got.Role != want.Role {
				t.Errorf("streamed stop %q model %q role %q, want %q %q %q",
					got.StopReason, got.Model, got.Role, want.StopReason, want.Model, want.Role)
			}
			if got.Usage.InputTokens != want.Usage.InputTokens || got.Usage.OutputTokens != want.Usage.OutputTokens {
				t.Errorf("streamed usage %d/%d, want %d/%d",
					got.Usage.InputTokens, got.Usage.OutputTokens, want.Usage.InputTokens, want.Usage.OutputTokens)
			}
			if s.Requests() != 2 {
				t.Errorf("Requests() = %d, want 2", s.Requests())
			}
		})
	}
}

func TestStreamEventOrder(t *testing.T) {
	s := start(t)
	s.SetReply(func(MessagesRequest) string { return "one two three" })
	res := post(t, s, `{"model":"claude-opus-4-5","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d content type %q, want 200 text/event-stream", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(res.Header.Get("request-id"), "req_") {
		t.Errorf("request-id %q, want req_…", res.Header.Get("request-id"))
	}

	var names, deltas []string
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		name, ok := strings.CutPrefix(lines.Text(), "event: ")
		if !ok {
			t.Fatalf("line %q, want an event line", lines.Text())
		}
		lines.Scan()
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			t.Fatalf("line %q after event %s, want a data line", lines.Text(), name)
		}
		if lines.Scan(); lines.Text() != "" {
			t.Fatalf("line %q after data of %s, want a blank line", lines.Text(), name)
		}
		var event struct {
			Type  string `json:"type"`
			Index *int   `json:"index"`
			Delta struct {
				Type, Text string
			} `json:"delta"`
		}
		if err := json.Unmarshal([]byte(data), &event); err != nil || event.Type != name {
			t.Errorf("data %s of event %s: type %q, err %v", data, name, event.Type, err)
		}
		if strings.HasPrefix(name, "content_block_") && (event.Index == nil || *event.Index != 0) {
			t.Errorf("data %s of event %s, want index 0", data, name)
		}
		if name == "content_block_delta" {
			deltas = append(deltas, event.Delta.Text)
		}
		names = append(names, name)
	}
	if err := lines.Err(); err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	want := []string{
		"message_start", "content_block_start", "ping",
		"content_block_delta", "content_block_delta", "content_block_delta",
		"content_block_stop", "message_delta", "message_stop",
	}
	if !slices.Equal(names, want) {
		t.Errorf("events %q, want %q", names, want)
	}
	if wantDeltas := []string{"one ", "two ", "three"}; !slices.Equal(deltas, wantDeltas) {
		t.Errorf("deltas %q, want %q", deltas, wantDeltas)
	}
}

func TestCutStreamAfter(t *testing.T) {
	tests := []struct {
		name    string
		cut     int
		want    string
		wantErr bool
	}{
		{name: "before the first delta", cut: 0, want: "", wantErr: true},
		{name: "after two deltas", cut: 2, want: "one two ", wantErr: true},
		{name: "after the last delta", cut: 4, want: "one two three four", wantErr: true},
		{name: "beyond the reply", cut: 9, want: "one two three four", wantErr: false},
		{name: "off", cut: -1, want: "one two three four", wantErr: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			s.SetReply(func(MessagesRequest) string { return "one two three four" })
			s.CutStreamAfter(tt.cut)
			c := keyClient(s, "key-1")
			ctx := testContext(t)

			got, err := accumulate(ctx, c, params("hi"))
			if (err != nil) != tt.wantErr {
				t.Errorf("stream error %v, want error: %v", err, tt.wantErr)
			}
			if text(got) != tt.want {
				t.Errorf("streamed text %q, want %q", text(got), tt.want)
			}

			got, err = accumulate(ctx, c, params("hi"))
			if err != nil || text(got) != "one two three four" {
				t.Errorf("next stream: text %q, error %v; want it whole", text(got), err)
			}
		})
	}
}

func TestFailStreamAfterSendsTheAPIsErrorEvent(t *testing.T) {
	s := start(t)
	s.SetReply(func(MessagesRequest) string { return "one two three four" })
	s.FailStreamAfter(2, 529)
	c := keyClient(s, "key-1")
	ctx := testContext(t)

	got, err := accumulate(ctx, c, params("hi"))
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Error(), "overloaded_error") {
		t.Errorf("stream error %v, want the API's overloaded_error", err)
	}
	if text(got) != "one two " {
		t.Errorf("streamed text %q, want the two deltas before the error", text(got))
	}
	got, err = accumulate(ctx, c, params("hi"))
	if err != nil || text(got) != "one two three four" {
		t.Errorf("next stream: text %q, error %v; want it whole", text(got), err)
	}
}

func TestStreamStopsWhenClientGoesAway(t *testing.T) {
	s := start(t)
	s.SetReply(func(MessagesRequest) string { return strings.Repeat("word ", 1000) })
	s.SetDeltaDelay(50 * time.Millisecond) // 50 s for the whole reply

	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	c := keyClient(s, "key-1")
	stream := c.Messages.NewStreaming(ctx, params("hi"))
	defer stream.Close()
	for stream.Next() {
		if stream.Current().Type == "content_block_delta" {
			break
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatalf("stream: %v", err)
	}
	cancel()

	deadline := time.Now().Add(10 * time.Second)
	for handlersRunning(s) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stream handler still runs 10 s after the client cancelled")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if log := s.Log(); len(log) != 1 || log[0].Status != http.StatusOK {
		t.Errorf("log %+v, want one request answered 200", log)
	}
}

func TestCloseEndsStreams(t *testing.T) {
	s := New()
	s.AllowAny(true)
	s.SetDeltaDelay(time.Second)
	c := keyClient(s, "key-1")
	stream := c.Messages.NewStreaming(testContext(t), params("one two three four five six"))
	defer stream.Close()
	if !stream.Next() {
		t.Fatalf("stream ended before its first event: %v", stream.Err())
	}

	closed := make(chan struct{})
	go func() {
		s.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits 10 s after it was called with a stream running")
	}
	for stream.Next() {
	}
	if stream.Err() == nil {
		t.Error("stream ended without error, want the closed connection reported")
	}
}
