package history

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// copyFixture copies testdata/name into a temporary folder.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "history.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dump reads every row of table, as text, in rowid order.
func dump(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.Query("SELECT * FROM " + table + " ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fields := make([]string, len(vals))
		for i, v := range vals {
			fields[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(fields, "|"))
	}
	return out
}

// TestUpgradeFromV1 opens a history written with schema version 1 (before
// search existed): it is upgraded, every row is kept, and search finds the
// old messages.
func TestUpgradeFromV1(t *testing.T) {
	path := copyFixture(t, "v1.db")
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var version, ftsTables int
	old.QueryRow("PRAGMA user_version").Scan(&version)
	old.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts'").Scan(&ftsTables)
	if version != 1 || ftsTables != 0 {
		t.Fatalf("testdata/v1.db is at version %d with %d search tables; want version 1 without", version, ftsTables)
	}
	convsBefore, msgsBefore := dump(t, old, "conversations"), dump(t, old, "messages")
	old.Close()
	if len(convsBefore) < 3 || len(msgsBefore) < 5 {
		t.Fatalf("the fixture holds too little: %d conversations, %d messages", len(convsBefore), len(msgsBefore))
	}

	s, rec, err := Open(path)
	if err != nil || rec != nil {
		t.Fatalf("Open = %v, %v", rec, err)
	}
	defer s.Close()
	if got := pragma(t, s, "user_version"); got != fmt.Sprint(len(migrations)) {
		t.Errorf("user_version = %s after upgrade, want %d", got, len(migrations))
	}
	if got := dump(t, s.db, "conversations"); !reflect.DeepEqual(got, convsBefore) {
		t.Errorf("conversations changed:\n got %q\nwant %q", got, convsBefore)
	}
	// Every message is kept as it was, except the reply that was still
	// streaming: Open marks it interrupted.
	msgsAfter := dump(t, s.db, "messages")
	if len(msgsAfter) != len(msgsBefore) {
		t.Fatalf("%d messages after upgrade, %d before", len(msgsAfter), len(msgsBefore))
	}
	interrupted := 0
	for i, want := range msgsBefore {
		if strings.Contains(want, "|streaming||") {
			want = strings.Replace(want, "|streaming||", "|interrupted|"+interruptedText+"|", 1)
			interrupted++
		}
		if msgsAfter[i] != want {
			t.Errorf("message %d changed:\n got %q\nwant %q", i, msgsAfter[i], want)
		}
	}
	if interrupted != 1 {
		t.Errorf("the fixture has %d streaming replies, want 1", interrupted)
	}
	checkIntegrity(t, s)

	for query, wantTitle := range map[string]string{
		"pastéis":         "Trip to Lisbon",
		"pasteis de nata": "Trip to Lisbon", // diacritics need not be typed
		"type param":      "Go generics",
		"maple":           "",
	} {
		hits, err := s.Search(query, 10)
		if err != nil || len(hits) != 1 || hits[0].Title != wantTitle {
			t.Errorf("Search(%q) = %+v, %v; want one hit in %q", query, hits, err, wantTitle)
		}
	}
	if hits, err := s.Search("quince", 10); err != nil || len(hits) != 0 {
		t.Errorf("Search found a conversation in the bin: %+v, %v", hits, err)
	}
	list, err := s.List()
	if err != nil || len(list) != 3 || list[0].ID != "c0ffee00c0ffee00c0ffee00c0ffee00" || list[2].MessageCount != 3 {
		t.Errorf("List after upgrade = %+v, %v", list, err)
	}
}

// TestFailedMigrationChangesNothing: a step that fails part-way is rolled
// back whole, and the history stays at the version before it.
func TestFailedMigrationChangesNothing(t *testing.T) {
	path := copyFixture(t, "v1.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// Step 2 creates the search table and two triggers, then fails on
	// this name.
	if _, err := db.Exec(`CREATE TRIGGER messages_fts_update AFTER DELETE ON conversations BEGIN SELECT 1; END`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, rec, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded although the upgrade cannot")
	}
	if rec != nil || !strings.Contains(err.Error(), "Parley could not upgrade its history") || !strings.Contains(err.Error(), "messages_fts_update already exists") {
		t.Errorf("Open = %v, %v", rec, err)
	}
	db, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	names := dump(t, db, "sqlite_schema WHERE name LIKE 'messages_fts%'")
	if version != 1 || len(names) != 1 || !strings.HasPrefix(names[0], "trigger|messages_fts_update|") {
		t.Errorf("after the failed upgrade: version %d, %q; want version 1 and only the trigger made above", version, names)
	}
}

// TestMigrationsStepByStep: upgrading one step at a time gives the same
// schema as a fresh database.
func TestMigrationsStepByStep(t *testing.T) {
	schema := func(db *sql.DB) []string { return dump(t, db, "sqlite_master") }
	fresh := openTest(t)
	path := filepath.Join(t.TempDir(), "steps.db")
	db, err := sql.Open("sqlite", path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for v := 1; v <= len(migrations); v++ {
		if err := migrate(db, v); err != nil {
			t.Fatalf("to version %d: %v", v, err)
		}
		var got int
		db.QueryRow("PRAGMA user_version").Scan(&got)
		if got != v {
			t.Fatalf("migrate(%d) left version %d", v, got)
		}
	}
	if got, want := schema(db), schema(fresh.db); !reflect.DeepEqual(got, want) {
		t.Errorf("schema after stepwise upgrade:\n%q\nfresh:\n%q", got, want)
	}
}
