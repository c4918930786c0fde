package anthropic

import (
	"context"
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
	if len(pieces) < 2 || got != msg.Content[0].Text || !strings.Contains(got, "tell me") {
		t.Errorf("%d pieces %q, whole reply %q", len(pieces), got, msg.Content[0].Text)
	}
	if msg.Usage.OutputTokens == 0 {
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
