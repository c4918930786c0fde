package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/internal/history"
)

// TestHistoryThatCannotBeOpenedFallsBackToThisSession: Parley still starts,
// keeps this session's conversations somewhere temporary, and says why
// they will not be kept.
func TestHistoryThatCannotBeOpenedFallsBackToThisSession(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	// Where Parley's data directory should be, there is a file.
	if err := os.WriteFile(filepath.Join(data, "parley"), []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, notice, closeHistory, err := openHistory(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(notice)
	if !strings.Contains(notice, "will not be kept") || strings.Contains(notice, "<nil>") || !strings.Contains(notice, "parley") {
		t.Errorf("notice %q", notice)
	}
	if _, err := store.CreateConversation(history.Conversation{Title: "t"}); err != nil {
		t.Errorf("the temporary history does not work: %v", err)
	}
	tmp := filepath.Dir(store.Path())
	closeHistory()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the temporary history is left at %s", tmp)
	}
	if b, _ := os.ReadFile(filepath.Join(data, "parley")); string(b) != "not a directory" {
		t.Error("the file in the way was changed")
	}
}
