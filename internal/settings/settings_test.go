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

func TestNewSettingsSurviveSaveAndLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	want := Settings{Theme: ThemeDark, DefaultModel: "claude-opus-4-5", Proxy: "http://proxy:3128"}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || got.Theme != want.Theme || got.DefaultModel != want.DefaultModel || got.Proxy != want.Proxy {
		t.Errorf("Load after Save = %+v, %v; want %+v", got, err, want)
	}
	raw, _ := os.ReadFile(path)
	for _, key := range []string{`"theme": "dark"`, `"defaultModel": "claude-opus-4-5"`, `"proxy": "http://proxy:3128"`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("settings file lacks %s:\n%s", key, raw)
		}
	}
}

func TestUIThemeDefaultsToSystem(t *testing.T) {
	if got := (Settings{}).UITheme(); got != ThemeSystem {
		t.Errorf("UITheme of unset theme = %q, want %q", got, ThemeSystem)
	}
	if got := (Settings{Theme: ThemeLight}).UITheme(); got != ThemeLight {
		t.Errorf("UITheme = %q, want %q", got, ThemeLight)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		s       Settings
		wantErr string // substring; empty for valid
	}{
		{name: "defaults", s: Settings{}},
		{name: "every field set well", s: Settings{
			Theme: ThemeLight, DefaultModel: "claude-haiku-4-5", Proxy: "http://proxy:3128",
			Anthropic: AnthropicOAuth{ClientID: "abc-123", AuthorizeURL: "https://console.example.com/oauth/authorize", TokenURL: "https://api.example.com/v1/oauth/token"},
			Gateway:   Gateway{Issuer: "https://sso.example.com", ClientID: "parley", APIBaseURL: "https://claude.example.com", Scopes: []string{"openid", "email"}},
		}},
		{name: "direct proxy", s: Settings{Proxy: "direct"}},
		{name: "http on this computer", s: Settings{Gateway: Gateway{Issuer: "http://127.0.0.1:8080", APIBaseURL: "http://localhost:9000"}}},
		{name: "unknown theme", s: Settings{Theme: "purple"}, wantErr: `The theme "purple" is not one Parley has`},
		{name: "bad proxy", s: Settings{Proxy: "htp://proxy:3128"}, wantErr: `Proxy "htp://proxy:3128" is a htp:// address`},
		{name: "proxy without host", s: Settings{Proxy: "http://:3128"}, wantErr: "has no host name"},
		{name: "model with a space", s: Settings{DefaultModel: "claude opus"}, wantErr: `The default model, "claude opus", has a space in it`},
		{name: "client id with a space", s: Settings{Anthropic: AnthropicOAuth{ClientID: "ab cd"}}, wantErr: "The Anthropic client ID"},
		{name: "empty scope", s: Settings{Gateway: Gateway{Scopes: []string{"openid", ""}}}, wantErr: `scope "" is not a scope`},
		{name: "relative token URL", s: Settings{Anthropic: AnthropicOAuth{TokenURL: "/v1/oauth/token"}}, wantErr: "The Anthropic token URL, \"/v1/oauth/token\", is not a full web address"},
		{name: "ftp issuer", s: Settings{Gateway: Gateway{Issuer: "ftp://sso.example.com"}}, wantErr: "is not a full web address"},
		{name: "plain http elsewhere", s: Settings{Gateway: Gateway{APIBaseURL: "http://claude.example.com"}}, wantErr: "must start with https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
