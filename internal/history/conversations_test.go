package history

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestCreateConversation(t *testing.T) {
	s := openTest(t)
	tick(t, t0)
	c, err := s.CreateConversation(Conversation{Title: "  Plans  ", Model: "claude-x", System: "Be brief.", MessageCount: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ID) != 32 || c.Title != "Plans" || !c.Created.Equal(t0) || !c.Updated.Equal(t0) || c.MessageCount != 0 {
		t.Errorf("CreateConversation = %+v", c)
	}
	got, err := s.Conversation(c.ID)
	if err != nil || got != c {
		t.Errorf("Conversation(%s) = %+v, %v; want %+v", c.ID, got, err, c)
	}
	if other := create(t, s, ""); other.ID == c.ID {
		t.Error("two conversations got one ID")
	}

	// A window may name its conversation before the first save.
	id := NewID()
	if named, err := s.CreateConversation(Conversation{ID: id}); err != nil || named.ID != id {
		t.Errorf("CreateConversation with ID %s = %+v, %v", id, named, err)
	}
	if _, err := s.CreateConversation(Conversation{ID: id}); err == nil || !strings.HasPrefix(err.Error(), "Parley could not start a conversation") {
		t.Errorf("CreateConversation with a used ID: %v", err)
	}
}

func TestListIsNewestFirst(t *testing.T) {
	s := openTest(t)
	tick(t, t0)
	a, b, c := create(t, s, "a"), create(t, s, "b"), create(t, s, "c")
	add(t, s, a.ID, RoleUser, "a is now the newest")
	if err := s.Rename(b.ID, "renamed b"); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, x := range list {
		titles = append(titles, x.Title)
	}
	// A message moves a conversation up; a rename does not.
	if want := []string{"a", "c", "renamed b"}; !slices.Equal(titles, want) {
		t.Errorf("List titles = %q, want %q", titles, want)
	}
	if list[0].MessageCount != 1 || list[1].MessageCount != 0 || list[0].ID != a.ID || list[1].ID != c.ID {
		t.Errorf("List = %+v", list)
	}
}

func TestSetters(t *testing.T) {
	s := openTest(t)
	c := create(t, s, "before")
	for _, err := range []error{s.Rename(c.ID, " after "), s.SetModel(c.ID, "claude-new"), s.SetSystem(c.ID, "Speak French.")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Conversation(c.ID)
	if err != nil || got.Title != "after" || got.Model != "claude-new" || got.System != "Speak French." {
		t.Errorf("after Rename, SetModel, SetSystem: %+v, %v", got, err)
	}
	for name, err := range map[string]error{
		"Rename":    s.Rename("missing", "x"),
		"SetModel":  s.SetModel("missing", "x"),
		"SetSystem": s.SetSystem("missing", "x"),
		"Delete":    s.Delete("missing"),
		"Restore":   s.Restore("missing"),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of a missing conversation: %v, want ErrNotFound", name, err)
		}
	}
}

func TestDeleteRestoreAndPurge(t *testing.T) {
	s := openTest(t)
	tick(t, t0)
	keep, binned := create(t, s, "keep"), create(t, s, "binned")
	add(t, s, keep.ID, RoleUser, "ordinary words")
	add(t, s, binned.ID, RoleUser, "zanzibar words")
	add(t, s, binned.ID, RoleAssistant, "more zanzibar")

	if err := s.Delete(binned.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.List(); len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("List after Delete = %+v", list)
	}
	if hits, err := s.Search("zanzibar", 10); err != nil || len(hits) != 0 {
		t.Errorf("Search after Delete = %+v, %v", hits, err)
	}
	c, err := s.Conversation(binned.ID)
	if err != nil || c.Deleted.IsZero() || c.MessageCount != 2 {
		t.Errorf("a conversation in the bin: %+v, %v", c, err)
	}

	// Undo.
	if err := s.Restore(binned.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.List(); len(list) != 2 {
		t.Errorf("List after Restore = %+v", list)
	}
	if hits, _ := s.Search("zanzibar", 10); len(hits) != 2 {
		t.Errorf("Search after Restore = %+v", hits)
	}

	// Purge removes only what has been in the bin long enough.
	if err := s.Delete(binned.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Purge(24 * time.Hour); err != nil || n != 0 {
		t.Errorf("Purge of a day-old bin = %d, %v; want 0", n, err)
	}
	if n, err := s.Purge(0); err != nil || n != 1 {
		t.Errorf("Purge(0) = %d, %v; want 1", n, err)
	}
	if _, err := s.Conversation(binned.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Conversation after Purge: %v", err)
	}
	var orphans int
	s.db.QueryRow("SELECT count(*) FROM messages WHERE conversation_id = ?", binned.ID).Scan(&orphans)
	if orphans != 0 {
		t.Errorf("%d messages outlived their purged conversation", orphans)
	}
	if err := s.Restore(binned.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Restore after Purge: %v", err)
	}
	if list, _ := s.List(); len(list) != 1 || list[0].MessageCount != 1 {
		t.Errorf("List after Purge = %+v", list)
	}
	checkIntegrity(t, s)
}
