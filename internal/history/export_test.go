package history

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// exportable makes a conversation with a system prompt, a complete reply
// with usage, and a stopped one.
func exportable(t *testing.T, s *Store) Conversation {
	t.Helper()
	tick(t, t0)
	c, err := s.CreateConversation(Conversation{Title: "Haiku", Model: "claude-test", System: "Be brief.\nRhyme."})
	if err != nil {
		t.Fatal(err)
	}
	add(t, s, c.ID, RoleUser, "Write a haiku about rain.")
	r := add(t, s, c.ID, RoleAssistant, "")
	if err := s.UpdateReply(r.ID, "Rain on maple leaves\nthe gutter hums its one note\nnight comes in softly", StatusComplete, "", Usage{Input: 10, Output: 17}); err != nil {
		t.Fatal(err)
	}
	add(t, s, c.ID, RoleUser, "Another?")
	if _, err := s.AddMessage(c.ID, Message{Role: RoleAssistant, Text: "Fog on the", Status: StatusStopped}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExportJSONShape(t *testing.T) {
	s := openTest(t)
	c := exportable(t, s)
	b, err := s.ExportJSON(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The documented shape, read without this package's types.
	var doc struct {
		Format       string         `json:"format"`
		Version      int            `json:"version"`
		Exported     string         `json:"exported"`
		Conversation map[string]any `json:"conversation"`
		Messages     []map[string]any
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "parley.conversation" || doc.Version != 1 || doc.Exported == "" {
		t.Errorf("header: %q %d %q", doc.Format, doc.Version, doc.Exported)
	}
	if doc.Conversation["title"] != "Haiku" || doc.Conversation["model"] != "claude-test" ||
		doc.Conversation["system"] != "Be brief.\nRhyme." || doc.Conversation["created"] != "2026-03-01T12:00:00Z" {
		t.Errorf("conversation: %v", doc.Conversation)
	}
	if len(doc.Messages) != 4 {
		t.Fatalf("%d messages, want 4", len(doc.Messages))
	}
	m := doc.Messages[1]
	if m["role"] != "assistant" || m["status"] != "complete" || !strings.HasPrefix(m["text"].(string), "Rain on maple") ||
		!reflect.DeepEqual(m["usage"], map[string]any{"input": 10.0, "output": 17.0}) || m["created"] != "2026-03-01T12:00:02Z" {
		t.Errorf("message 1: %v", m)
	}
	if _, ok := doc.Messages[0]["usage"]; ok {
		t.Errorf("a message without usage has one: %v", doc.Messages[0])
	}
	if doc.Messages[3]["status"] != "stopped" {
		t.Errorf("message 3: %v", doc.Messages[3])
	}
}

func TestImportJSONRoundTrip(t *testing.T) {
	s := openTest(t)
	c := exportable(t, s)
	b, err := s.ExportJSON(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := s.ImportJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if imported.ID == c.ID || imported.Title != c.Title || imported.System != c.System || !imported.Created.Equal(c.Created) || imported.MessageCount != 4 {
		t.Errorf("imported %+v from %+v", imported, c)
	}
	want, _ := s.Messages(c.ID)
	got, _ := s.Messages(imported.ID)
	if len(got) != len(want) {
		t.Fatalf("imported %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Position != w.Position || g.Role != w.Role || g.Text != w.Text || g.Status != w.Status ||
			g.InputTokens != w.InputTokens || g.OutputTokens != w.OutputTokens || !g.Created.Equal(w.Created) {
			t.Errorf("message %d: imported %+v, want %+v", i, g, w)
		}
	}
	for _, bad := range []string{`not json`, `{"format":"other","version":1}`, `{"format":"parley.conversation","version":2}`,
		`{"format":"parley.conversation","version":1,"messages":[{"role":"system","text":"x"}]}`} {
		if _, err := s.ImportJSON([]byte(bad)); err == nil {
			t.Errorf("ImportJSON(%s) succeeded", bad)
		}
	}
	if list, _ := s.List(); len(list) != 2 {
		t.Errorf("failed imports left conversations: %d in the list, want 2", len(list))
	}
}

func TestExportMarkdown(t *testing.T) {
	s := openTest(t)
	c := exportable(t, s)
	b, err := s.ExportMarkdown(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := `# Haiku

Started ` + c.Created.Format("2 January 2006, 15:04") + ` · Model: claude-test

**System prompt**

> Be brief.
> Rhyme.

## You

Write a haiku about rain.

## Claude

Rain on maple leaves
the gutter hums its one note
night comes in softly

## You

Another?

## Claude

Fog on the

*Stopped.*
`
	if string(b) != want {
		t.Errorf("ExportMarkdown:\n%s\nwant:\n%s", b, want)
	}
	if _, err := s.ExportMarkdown("missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ExportMarkdown of a missing conversation: %v", err)
	}
}
