package anthropic

import (
	"context"
	"net"
	"strings"
	"testing"

	"parley/internal/credential"
)

// TestExplainSaysWhatHappenedAndWhatToDo produces each failure for real,
// against the fake API or a closed port, and reads what the user would.
func TestExplainSaysWhatHappenedAndWhatToDo(t *testing.T) {
	zero := 0
	tests := []struct {
		name  string
		setup func(w *world) *Client
		want  string
	}{
		{"signed out", func(w *world) *Client { return w.client }, "signed out"},
		{"rate limited", func(w *world) *Client {
			w.api.FailNext(5, 429, 0)
			return New(w.holder, Options{BaseURL: w.api.URL, MaxRetries: &zero})
		}, "Rate limited"},
		{"overloaded", func(w *world) *Client {
			w.api.FailNext(5, 529, 0)
			return New(w.holder, Options{BaseURL: w.api.URL, MaxRetries: &zero})
		}, "overloaded"},
		{"server error", func(w *world) *Client {
			w.api.FailNext(5, 500, 0)
			return New(w.holder, Options{BaseURL: w.api.URL, MaxRetries: &zero})
		}, "had an error (500)"},
		{"network down", func(w *world) *Client {
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			addr := ln.Addr().String()
			ln.Close()
			return New(w.holder, Options{BaseURL: "http://" + addr, MaxRetries: &zero})
		}, "Could not reach Anthropic (127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.name != "signed out" {
				if err := w.holder.Set(w.newKey(1)); err != nil {
					t.Fatal(err)
				}
			}
			_, err := tt.setup(w).Message(context.Background(), ask("hi"))
			got := Explain(err)
			if !strings.Contains(got, tt.want) {
				t.Errorf("Explain(%v) = %q, want it to say %q", err, got, tt.want)
			}
		})
	}
	if got := Explain(credential.ErrNeedsSignIn); !strings.Contains(got, "Sign in again") {
		t.Errorf("needs sign-in: %q", got)
	}
}
