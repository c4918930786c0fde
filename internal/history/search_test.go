package history

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	s := openTest(t)
	lisbon, golang := create(t, s, "Lisbon"), create(t, s, "Go")
	add(t, s, lisbon.ID, RoleUser, "Where can I find the best café in Lisbon?")
	old := add(t, s, golang.ID, RoleAssistant, "Use a buffered channel when the producer is bursty.")
	newer := add(t, s, golang.ID, RoleUser, "Is an unbuffered channel slower?")
	add(t, s, lisbon.ID, RoleAssistant, "Try one near the river; the tram passes by.")

	hits, err := s.Search("channel", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].MessageID != newer.ID || hits[1].MessageID != old.ID {
		t.Fatalf("Search(channel) = %+v; want the newer message, then the older", hits)
	}
	h := hits[1]
	if h.ConversationID != golang.ID || h.Title != "Go" || h.Position != 0 || h.Role != RoleAssistant {
		t.Errorf("hit = %+v", h)
	}
	if !strings.Contains(h.Snippet, MarkStart+"channel"+MarkEnd) {
		t.Errorf("snippet %q does not mark the word", h.Snippet)
	}

	for _, tc := range []struct {
		query string
		want  int
	}{
		{"cafe", 1},               // diacritics are ignored
		{"CAFÉ lisbon", 1},        // case too; every word must match
		{"café tram", 0},          // words in different messages
		{"buff", 1},               // the last word is a prefix ("buffered", not "unbuffered")
		{"chan bursty", 0},        // only the last word is a prefix
		{"the", 3},                //
		{"limit 1 test the", 0},   //
		{"Lisbon?", 1},            // punctuation around a word is fine
		{"near the river", 1},     //
		{"river near", 1},         // words, not a phrase
		{"\"near the river\"", 1}, // quotes are not syntax
	} {
		hits, err := s.Search(tc.query, 10)
		if err != nil || len(hits) != tc.want {
			t.Errorf("Search(%q) = %d hits, %v; want %d", tc.query, len(hits), err, tc.want)
		}
	}
	if hits, err := s.Search("the", 2); err != nil || len(hits) != 2 {
		t.Errorf("Search with limit 2 = %d hits, %v", len(hits), err)
	}
}

// TestSearchTakesAnyInput: whatever the user types, Search neither fails
// nor runs it as FTS5 or SQL syntax.
func TestSearchTakesAnyInput(t *testing.T) {
	s := openTest(t)
	c := create(t, s, "syntax")
	add(t, s, c.ID, RoleUser, `He said "hello" AND left; NEAR the door - or not. C++ * 2; x:y`)
	add(t, s, c.ID, RoleUser, `Robert'); DROP TABLE messages;-- was here`)

	for _, tc := range []struct {
		query string
		want  int
	}{
		{`"`, 0},
		{`""`, 0},
		{`"""`, 0},
		{`"hello`, 1},
		{`hello"`, 1},
		{`"hello"`, 1},
		{`*`, 0},
		{`hello*`, 1},
		{`*hello`, 1},
		{`-`, 0},
		{`-hello`, 1},
		{`hello -left`, 1}, // "-" is not NOT
		{`AND`, 1},         // the word "and", not the operator
		{`and`, 1},
		{`OR`, 1},
		{`NOT`, 1},
		{`hello AND`, 1},
		{`AND OR NOT`, 1},
		{`NEAR`, 1},
		{`NEAR(hello left)`, 0}, // the phrases "near hello" and "left"
		{`NEAR(hello`, 0},
		{`NEAR(the`, 1},
		{`hello NEAR/2 left`, 0}, // "near 2" is not in the text
		{`NEAR/3`, 0},
		{`(`, 0},
		{`)`, 0},
		{`(hello`, 1},
		{`^hello`, 1},
		{`:`, 0},
		{`text:hello`, 0},    // a column filter in FTS5: here the word "text" is searched for too
		{`x:y`, 1},           //
		{`{text}: hello`, 0}, //
		{`c++`, 1},
		{`+`, 0},
		{`'`, 0},
		{`';`, 0},
		{`Robert'); DROP TABLE messages;--`, 1},
		{`%`, 0},
		{`_`, 0},
		{`\`, 0},
		{"hello\x00left", 1},
		{"\x01\x02\x03", 0},
		{"\x00", 0},
		{"\xff\xfe", 0}, // not UTF-8
		{"🙂", 0},
		{"héllo wörld", 0},
		{strings.Repeat("hello ", 500), 1},
		{strings.Repeat(`"(*`, 300), 0},
		{"", 0},
		{"   \t\n", 0},
	} {
		hits, err := s.Search(tc.query, 10)
		if err != nil {
			t.Errorf("Search(%q): %v", tc.query, err)
			continue
		}
		if len(hits) != tc.want {
			t.Errorf("Search(%q) = %d hits, want %d", tc.query, len(hits), tc.want)
		}
	}
	if ms, err := s.Messages(c.ID); err != nil || len(ms) != 2 {
		t.Errorf("messages after the searches: %d, %v", len(ms), err)
	}
}

func TestSearchFollowsEdits(t *testing.T) {
	s := openTest(t)
	c := create(t, s, "edits")
	r, err := s.AddMessage(c.ID, Message{Role: RoleAssistant, Text: "draft about otters", Status: StatusStreaming})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateReply(r.ID, "final answer about beavers", StatusComplete, "", Usage{}); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search("otters", 10); len(hits) != 0 {
		t.Errorf("Search finds replaced text: %+v", hits)
	}
	if hits, _ := s.Search("beavers", 10); len(hits) != 1 || hits[0].MessageID != r.ID {
		t.Errorf("Search misses the new text: %+v", hits)
	}
	checkIntegrity(t, s)
}

func TestMatchExpr(t *testing.T) {
	for in, want := range map[string]string{
		`hello world`:  `"hello" "world"*`,
		`say "hi"`:     `"say" """hi"""*`,
		`- * AND`:      `"AND"*`,
		`e-mail`:       `"e-mail"*`,
		` ( ) `:        ``,
		"a\x00b":       `"a" "b"*`,
		`NEAR(a b)`:    `"NEAR(a" "b)"*`,
		`über`:         `"über"*`,
		`x:y col:text`: `"x:y" "col:text"*`,
	} {
		if got := matchExpr(in); got != want {
			t.Errorf("matchExpr(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestDamagedSearchIndexIsRebuilt: damage confined to the search index
// does not cost the history; Search rebuilds the index from the messages.
func TestDamagedSearchIndexIsRebuilt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := create(t, s, "index")
	for i := range 50 {
		add(t, s, c.ID, RoleUser, fmt.Sprintf("pelican %d crosses the bay", i))
	}
	// Garble the index's segments (its structure record, id 10, stays).
	if _, err := s.db.Exec(`UPDATE messages_fts_data SET block = randomblob(length(block)) WHERE id > 10`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, rec, err := Open(path)
	if err != nil || rec != nil {
		t.Fatalf("Open with a damaged search index = %v, %v; want it kept", rec, err)
	}
	defer s.Close()
	if _, err := s.db.Exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`); err == nil {
		t.Fatal("the search index is not damaged: the test cannot work")
	}
	hits, err := s.Search("pelican", 100)
	if err != nil || len(hits) != 50 {
		t.Errorf("Search with a damaged index = %d hits, %v; want 50", len(hits), err)
	}
	checkIntegrity(t, s)
}
