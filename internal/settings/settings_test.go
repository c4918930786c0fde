package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMissingFileGivesDefaults(t *testing.T) {
	s, err := Load(filepath.Join(t.TempDir(), "settings.json"))
	if err != nil || s.API() != DefaultAPIBaseURL || s.Storage != "" {
		t.Errorf("Load of a missing file = %+v, %v", s, err)
	}
}

func TestSaveThenLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley", "settings.json")
	want := Settings{APIBaseURL: "http://127.0.0.1:1", Storage: StorageFile, CredentialsFile: "/x", Anthropic: AnthropicOAuth{ClientID: "cid"}}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || got.APIBaseURL != want.APIBaseURL || got.Storage != want.Storage || got.Anthropic.ClientID != "cid" {
		t.Errorf("Load after Save = %+v, %v", got, err)
	}
}

func TestDamagedFileSaysWhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a damaged file: %v", err)
	}
}
