package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// limitPages lets the database grow by at most room pages from now on, the
// way a full disk would: SQLite then fails writes with SQLITE_FULL.
func limitPages(t *testing.T, s *Store, room int) {
	t.Helper()
	// max_page_count belongs to a connection: use just one.
	s.db.SetMaxOpenConns(1)
	pages, err := strconv.Atoi(pragma(t, s, "page_count"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+room)); err != nil {
		t.Fatal(err)
	}
}

// filler is n bytes of words, different for each seed, so that the search
// index grows with it.
func filler(seed, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "w%dx%d ", seed, i)
	}
	return b.String()
}

func wantDiskFull(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "the disk is full") || !strings.HasPrefix(err.Error(), "Parley could not ") {
		t.Errorf("%s on a full disk: %v; want ErrDiskFull", what, err)
	}
}

// TestDiskFullSavesNothing fills the database up: every operation that
// fails leaves no part of itself behind, and the error says why.
func TestDiskFullSavesNothing(t *testing.T) {
	s := openTest(t)
	tick(t, t0)
	c := create(t, s, "full")
	first := add(t, s, c.ID, RoleUser, "before the disk filled")

	// An import of many messages, of which only some fit.
	doc := JSONDocument{Format: JSONFormat, Version: JSONVersion, Conversation: JSONConversation{Title: "too big"}}
	for i := range 60 {
		doc.Messages = append(doc.Messages, JSONMessage{Role: RoleUser, Text: filler(i, 2000), Status: StatusComplete})
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	limitPages(t, s, 20)
	_, err = s.ImportJSON(data)
	wantDiskFull(t, "ImportJSON", err)
	t.Logf("ImportJSON: %v", err)
	var convs, msgs int
	s.db.QueryRow("SELECT count(*) FROM conversations").Scan(&convs)
	s.db.QueryRow("SELECT count(*) FROM messages").Scan(&msgs)
	if convs != 1 || msgs != 1 {
		t.Errorf("after a failed import: %d conversations, %d messages; want 1, 1", convs, msgs)
	}

	// Messages until the disk is full.
	added := 1
	for i := 0; ; i++ {
		before, err := s.Conversation(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AddMessage(c.ID, Message{Role: RoleUser, Text: filler(100+i, 3000)})
		if err == nil {
			added++
			if i > 1000 {
				t.Fatal("the disk never filled up")
			}
			continue
		}
		wantDiskFull(t, "AddMessage", err)
		after, _ := s.Conversation(c.ID)
		if !after.Updated.Equal(before.Updated) || after.MessageCount != added {
			t.Errorf("a failed AddMessage changed the conversation: %+v, before %+v; %d messages saved", after, before, added)
		}
		break
	}
	t.Logf("%d messages fit before the disk was full", added)
	if added < 2 {
		t.Errorf("only %d messages fit; the test should fill the disk gradually", added)
	}

	// A reply that grows past the room keeps the text saved before.
	err = s.UpdateReply(first.ID, filler(999, 50000), StatusComplete, "", Usage{})
	wantDiskFull(t, "UpdateReply", err)
	if got, _ := s.Message(first.ID); got.Text != "before the disk filled" {
		t.Errorf("a failed UpdateReply changed the message to %.40q…", got.Text)
	}
	checkIntegrity(t, s)

	// Once there is room again, saving works.
	if _, err := s.db.Exec("PRAGMA max_page_count = 1000000"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportJSON(data); err != nil {
		t.Errorf("ImportJSON once there is room: %v", err)
	}
	add(t, s, c.ID, RoleUser, "after")
	checkIntegrity(t, s)
}
