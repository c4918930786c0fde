package history

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestAddMessage(t *testing.T) {
	s := openTest(t)
	tick(t, t0)
	c := create(t, s, "chat")                                                           // t0
	q := add(t, s, c.ID, RoleUser, "question")                                          // t0+1s
	r, err := s.AddMessage(c.ID, Message{Role: RoleAssistant, Status: StatusStreaming}) // t0+2s
	if err != nil {
		t.Fatal(err)
	}
	if q.Position != 0 || r.Position != 1 || q.ID == 0 || r.ID == q.ID || q.Status != StatusComplete || q.ConversationID != c.ID {
		t.Errorf("AddMessage gave %+v and %+v", q, r)
	}
	got, _ := s.Conversation(c.ID)
	if want := t0.Add(2 * time.Second); !got.Updated.Equal(want) || got.MessageCount != 2 {
		t.Errorf("conversation after two messages: %+v; want Updated %v", got, want)
	}

	if _, err := s.AddMessage("missing", Message{Role: RoleUser, Text: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("AddMessage to a missing conversation: %v", err)
	}
	for _, m := range []Message{{Role: "system", Text: "x"}, {Role: RoleUser, Status: "done"}} {
		if _, err := s.AddMessage(c.ID, m); err == nil {
			t.Errorf("AddMessage(%+v) accepted", m)
		}
	}
	if ms, _ := s.Messages(c.ID); len(ms) != 2 {
		t.Errorf("rejected messages were saved: %+v", ms)
	}
}

func TestUpdateReply(t *testing.T) {
	s := openTest(t)
	tick(t, t0)
	c := create(t, s, "chat")
	other := create(t, s, "other")
	r, err := s.AddMessage(c.ID, Message{Role: RoleAssistant, Status: StatusStreaming})
	if err != nil {
		t.Fatal(err)
	}
	add(t, s, other.ID, RoleUser, "other is newer now")
	if err := s.UpdateReply(r.ID, "All done.", StatusComplete, "", Usage{Input: 12, Output: 3}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Message(r.ID)
	if err != nil || got.Text != "All done." || got.Status != StatusComplete || got.InputTokens != 12 || got.OutputTokens != 3 {
		t.Errorf("after UpdateReply: %+v, %v", got, err)
	}
	if list, _ := s.List(); list[0].ID != c.ID {
		t.Errorf("UpdateReply did not make its conversation the newest: %+v", list)
	}
	if err := s.UpdateReply(r.ID+100, "x", StatusComplete, "", Usage{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateReply of a missing message: %v", err)
	}
	if err := s.UpdateReply(r.ID, "x", "finished", "", Usage{}); err == nil {
		t.Error("UpdateReply accepted an unknown status")
	}
}

func TestWindowedLoading(t *testing.T) {
	s := openTest(t)
	c := create(t, s, "long")
	for i := range 120 {
		add(t, s, c.ID, RoleUser, fmt.Sprint("message ", i))
	}
	positions := func(ms []Message, err error) string {
		if err != nil {
			return err.Error()
		}
		if len(ms) == 0 {
			return "none"
		}
		for i, m := range ms {
			if m.Text != fmt.Sprint("message ", m.Position) || (i > 0 && m.Position != ms[i-1].Position+1) {
				return fmt.Sprintf("out of order at %d: %+v", i, m)
			}
		}
		return fmt.Sprintf("%d..%d", ms[0].Position, ms[len(ms)-1].Position)
	}
	for _, tc := range []struct {
		name, got, want string
	}{
		{"Latest(50)", positions(s.Latest(c.ID, 50)), "70..119"},
		{"Before(70, 50)", positions(s.Before(c.ID, 70, 50)), "20..69"},
		{"Before(20, 50)", positions(s.Before(c.ID, 20, 50)), "0..19"},
		{"Before(0, 50)", positions(s.Before(c.ID, 0, 50)), "none"},
		{"Latest(500)", positions(s.Latest(c.ID, 500)), "0..119"},
		{"Messages", positions(s.Messages(c.ID)), "0..119"},
		{"Latest of another", positions(s.Latest("missing", 50)), "none"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}

// TestWindowedLoadingUsesIndex: Latest and Before read through the
// (conversation_id, position) index, not the whole table.
func TestWindowedLoadingUsesIndex(t *testing.T) {
	s := openTest(t)
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN SELECT `+messageColumns+` FROM messages WHERE conversation_id = ? AND position < ?
		ORDER BY position DESC LIMIT ?`, "c", 70, 50)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "USING INDEX sqlite_autoindex_messages_1 (conversation_id=? AND position<?)") || strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("query plan: %s", got)
	}
}

func TestTruncate(t *testing.T) {
	s := openTest(t)
	c := create(t, s, "chat")
	add(t, s, c.ID, RoleUser, "first")
	add(t, s, c.ID, RoleAssistant, "reply to drop")
	if err := s.Truncate(c.ID, 1); err != nil {
		t.Fatal(err)
	}
	again := add(t, s, c.ID, RoleAssistant, "new reply")
	ms, _ := s.Messages(c.ID)
	if len(ms) != 2 || ms[1].Text != "new reply" || again.Position != 1 {
		t.Errorf("after Truncate and a new reply: %+v", ms)
	}
	if hits, _ := s.Search("drop", 10); len(hits) != 0 {
		t.Errorf("Search finds a removed message: %+v", hits)
	}
	if err := s.Truncate("missing", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Truncate of a missing conversation: %v", err)
	}
}
