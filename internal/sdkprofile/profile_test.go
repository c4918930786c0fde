package sdkprofile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/fakeauth"
)

// profileDir is a configuration directory as Anthropic's tools leave it,
// with one profile of every kind List and Load must handle.
type profileDir struct {
	dir      string
	auth     *fakeauth.Server
	work     fakeauth.Token // the usable, renewable profile
	damaged  string         // the damaged credentials file
	contents string         // its contents
}

func newProfileDir(t *testing.T) profileDir {
	t.Helper()
	auth, _ := servers(t)
	d := profileDir{dir: t.TempDir(), auth: auth, work: auth.Issue(testAccount)}
	old := auth.Issue(testAccount)
	old.Expiry = time.Now().Add(-time.Hour)

	writeProfile(t, d.dir, testProfile, auth.URL, testClientID, credsOf(d.work))
	writeProfile(t, d.dir, "expired", auth.URL, testClientID, credsOf(old))
	writeProfile(t, d.dir, "static", auth.URL, "", credsOf(auth.Issue(testAccount)))
	writeProfile(t, d.dir, "static-expired", auth.URL, "", credsOf(old))
	writeProfile(t, d.dir, "public", "", testClientID, credsOf(auth.Issue(testAccount)))

	fed := config.NewOIDCFederationAuthentication(config.OIDCFederation{FederationRuleID: "fdrl_x"})
	if err := config.SaveProfile(d.dir, "ci", &config.Config{AuthenticationInfo: fed, OrganizationID: "org"}); err != nil {
		t.Fatal(err)
	}

	writeProfile(t, d.dir, "damaged", auth.URL, testClientID, credsOf(auth.Issue(testAccount)))
	d.damaged = config.ProfileCredentialsPath(d.dir, "damaged")
	d.contents = `{"type":"oauth_token","access_token":"sk-ant-oat01-secret-half`
	writeRaw(t, d.dir, "credentials/damaged.json", d.contents, 0o600)

	writeRaw(t, d.dir, "configs/garbled.json", "{not json", 0o644)

	writeProfile(t, d.dir, "shared", auth.URL, testClientID, credsOf(auth.Issue(testAccount)))
	if err := os.Chmod(config.ProfileCredentialsPath(d.dir, "shared"), 0o644); err != nil {
		t.Fatal(err)
	}

	auth2 := config.NewUserOAuthAuthentication(testClientID)
	if err := config.SaveProfile(d.dir, "no-sign-in", &config.Config{AuthenticationInfo: auth2, BaseURL: auth.URL}); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestList(t *testing.T) {
	d := newProfileDir(t)
	got, err := List(d.dir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Profile{}
	var names []string
	for _, p := range got {
		byName[p.Name] = p
		names = append(names, p.Name)
	}
	if want := "damaged expired garbled no-sign-in public shared static static-expired work"; strings.Join(names, " ") != want {
		t.Errorf("List names = %q, want %q (sorted, without the federation profile)", strings.Join(names, " "), want)
	}

	label := testAccount + " (Fake Org)"
	tests := []struct {
		name    string
		usable  bool
		label   string
		base    string
		problem string // a part of Problem; "" for none
	}{
		{name: testProfile, usable: true, label: label, base: d.auth.URL},
		{name: "expired", usable: true, label: label, base: d.auth.URL},
		{name: "static", usable: true, label: label, base: d.auth.URL, problem: "cannot renew"},
		{name: "static-expired", label: label, base: d.auth.URL, problem: "expired"},
		{name: "public", usable: true, label: label, base: "https://api.anthropic.com"},
		{name: "damaged", base: d.auth.URL, problem: "is damaged"},
		{name: "garbled", problem: "could not be read"},
		{name: "shared", base: d.auth.URL, problem: "chmod 600"},
		{name: "no-sign-in", base: d.auth.URL, problem: "no saved sign-in"},
	}
	for _, tt := range tests {
		p, ok := byName[tt.name]
		if !ok {
			t.Errorf("List left out profile %q", tt.name)
			continue
		}
		if p.Usable != tt.usable {
			t.Errorf("%s: Usable = %v, want %v (problem %q)", tt.name, p.Usable, tt.usable, p.Problem)
		}
		if p.Label != tt.label {
			t.Errorf("%s: Label = %q, want %q", tt.name, p.Label, tt.label)
		}
		if p.APIBaseURL != tt.base {
			t.Errorf("%s: APIBaseURL = %q, want %q", tt.name, p.APIBaseURL, tt.base)
		}
		if tt.problem == "" && p.Problem != "" || !strings.Contains(p.Problem, tt.problem) {
			t.Errorf("%s: Problem = %q, want it to mention %q", tt.name, p.Problem, tt.problem)
		}
		if strings.Contains(p.Problem, "sk-ant-") {
			t.Errorf("%s: Problem shows a secret: %q", tt.name, p.Problem)
		}
	}
	if b, err := os.ReadFile(d.damaged); err != nil || string(b) != d.contents {
		t.Errorf("List changed the damaged credentials file (err %v)", err)
	}
}

func TestListDirectories(t *testing.T) {
	d := newProfileDir(t)
	tests := []struct {
		name      string
		configDir string // ANTHROPIC_CONFIG_DIR
		dir       string
		want      int
	}{
		{name: "default directory from ANTHROPIC_CONFIG_DIR", configDir: d.dir, want: 9},
		{name: "explicit directory wins", configDir: t.TempDir(), dir: d.dir, want: 9},
		{name: "fresh directory", dir: filepath.Join(t.TempDir(), "missing"), want: 0},
	}
	for _, tt := range tests {
		t.Setenv("ANTHROPIC_CONFIG_DIR", tt.configDir)
		got, err := List(tt.dir)
		if err != nil || len(got) != tt.want {
			t.Errorf("%s: List found %d profiles (err %v), want %d", tt.name, len(got), err, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	d := newProfileDir(t)
	tests := []struct {
		name        string
		wantRefresh bool
		wantErr     string // a part of the error; "" for none
	}{
		{name: testProfile, wantRefresh: true},
		{name: "expired", wantRefresh: true},
		{name: "static"},
		{name: "ci", wantErr: "not with an Anthropic account"},
		{name: "damaged", wantErr: "is damaged"},
		{name: "garbled", wantErr: "could not be read"},
		{name: "shared", wantErr: "chmod 600"},
		{name: "no-sign-in", wantErr: "ant auth login"},
		{name: "nobody", wantErr: "could not be read"},
		{name: "../escape", wantErr: "could not be read"},
	}
	for _, tt := range tests {
		tok, err := Load(d.dir, tt.name)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Load(%q) error = %v, want one mentioning %q", tt.name, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "sk-ant-") {
				t.Errorf("Load(%q) error shows a secret: %v", tt.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Load(%q): %v", tt.name, err)
			continue
		}
		c := readCreds(t, d.dir, tt.name)
		if tok.AccessToken != c.AccessToken || !tok.Expiry.Equal(*c.ExpiresAt) || tok.Label != testAccount+" (Fake Org)" {
			t.Errorf("Load(%q) = access %v expiry %v label %q, want the file's", tt.name, tok.AccessToken == c.AccessToken, tok.Expiry, tok.Label)
		}
		if got := tok.RefreshToken == c.RefreshToken; got != tt.wantRefresh || (!tt.wantRefresh && tok.RefreshToken != "") {
			t.Errorf("Load(%q) gave a refresh token: %v, want %v", tt.name, tok.RefreshToken != "", tt.wantRefresh)
		}
	}
	if b, err := os.ReadFile(d.damaged); err != nil || string(b) != d.contents {
		t.Errorf("Load changed the damaged credentials file (err %v)", err)
	}
}

func TestLoadWithoutExpiry(t *testing.T) {
	auth, _ := servers(t)
	dir := t.TempDir()
	c := credsOf(auth.Issue(testAccount))
	c.ExpiresAt = nil
	writeProfile(t, dir, testProfile, auth.URL, testClientID, c)
	tok, err := Load(dir, testProfile)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(tok.Expiry); d < assumedLifetime-time.Minute || d > assumedLifetime {
		t.Errorf("a token without expiry expires in %s, want about %s", d, assumedLifetime)
	}
}

func TestNoConfigDirectory(t *testing.T) {
	t.Setenv("ANTHROPIC_CONFIG_DIR", "")
	if config.DefaultDir() != "" {
		t.Skip("the SDK finds a directory even so")
	}
	_, err := List("")
	if err == nil || !strings.Contains(err.Error(), "ANTHROPIC_CONFIG_DIR") {
		t.Errorf("List without a directory: %v, want advice to set ANTHROPIC_CONFIG_DIR", err)
	}
	if _, err := Load("", testProfile); err == nil || !strings.Contains(err.Error(), "ANTHROPIC_CONFIG_DIR") {
		t.Errorf("Load without a directory: %v, want advice to set ANTHROPIC_CONFIG_DIR", err)
	}
}
