package sdkprofile

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/credential"
)

func TestRefreshWritesBack(t *testing.T) {
	auth, _ := servers(t)
	dir := t.TempDir()
	t0 := auth.Issue(testAccount)
	writeProfile(t, dir, testProfile, auth.URL, testClientID, credsOf(t0))
	path := config.ProfileCredentialsPath(dir, testProfile)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	r := &Refresher{Dir: dir}
	t1, err := r.Refresh(ctx, testProfile, t0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if t1.RefreshToken == t0.RefreshToken || t1.AccessToken == t0.AccessToken || t1.Label != testAccount+" (Fake Org)" {
		t.Errorf("Refresh did not return rotated tokens for %s (label %q)", testAccount, t1.Label)
	}
	c := readCreds(t, dir, testProfile)
	want := credsOf(t0)
	switch {
	case c.AccessToken != t1.AccessToken || c.RefreshToken != t1.RefreshToken:
		t.Errorf("the credentials file does not hold the rotated tokens")
	case c.ExpiresAt == nil || c.ExpiresAt.Unix() != t1.Expiry.Unix():
		t.Errorf("the credentials file expires at %v, want %v", c.ExpiresAt, t1.Expiry)
	case c.Scope != want.Scope || c.AccountEmail != want.AccountEmail || c.OrganizationName != want.OrganizationName || c.OrganizationUUID != want.OrganizationUUID:
		t.Errorf("the credentials file lost the account it records: %q %q %q %q", c.Scope, c.AccountEmail, c.OrganizationName, c.OrganizationUUID)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode = %#o, want 0600", after.Mode().Perm())
	}
	if os.SameFile(before, after) {
		t.Errorf("the credentials file was rewritten in place, not replaced atomically")
	}
	if lock, err := os.Stat(path + lockSuffix); err != nil || lock.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, mode %v, want 0600", err, lock)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"work.json", "work.json.lock"}; !slices.Equal(names, want) {
		t.Errorf("credentials directory holds %q, want %q (no temporary files left)", names, want)
	}

	t2, err := r.Refresh(ctx, testProfile, t1.RefreshToken)
	if err != nil {
		t.Fatalf("second Refresh: %v", err)
	}
	// Another Parley run, which has never sent anything, goes on from the file.
	t3, err := (&Refresher{Dir: dir}).Refresh(ctx, testProfile, t2.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh in another run: %v", err)
	}
	if got := readCreds(t, dir, testProfile).RefreshToken; got != t3.RefreshToken {
		t.Errorf("the file does not hold the last refresh token")
	}
	if auth.RefreshCalls() != 3 || auth.ReusedRefreshTokens() != 0 {
		t.Errorf("server saw %d refreshes and %d reused tokens, want 3 and 0", auth.RefreshCalls(), auth.ReusedRefreshTokens())
	}
}

func TestRefreshAdoptsRotation(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn time.Duration // left to the rotated access token; 0 to keep the server's
		wantCalls int           // Parley's own refresh requests
	}{
		{name: "fresh rotation is adopted", wantCalls: 0},
		{name: "old rotation is renewed with the file's refresh token", expiresIn: 10 * time.Second, wantCalls: 1},
		{name: "expired rotation is renewed with the file's refresh token", expiresIn: -time.Minute, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth, _ := servers(t)
			dir := t.TempDir()
			writeProfile(t, dir, testProfile, auth.URL, testClientID, credsOf(auth.Issue(testAccount)))
			ctx := t.Context()
			held, err := Load(dir, testProfile)
			if err != nil {
				t.Fatal(err)
			}
			if err := rotateAsOtherClient(ctx, dir, testProfile, auth.TokenURL); err != nil {
				t.Fatal(err)
			}
			rotated := readCreds(t, dir, testProfile)
			if tt.expiresIn != 0 {
				exp := time.Now().Add(tt.expiresIn)
				rotated.ExpiresAt = &exp
				if err := config.WriteCredentials(config.ProfileCredentialsPath(dir, testProfile), rotated); err != nil {
					t.Fatal(err)
				}
			}
			calls := auth.RefreshCalls()

			got, err := (&Refresher{Dir: dir}).Refresh(ctx, testProfile, held.RefreshToken)
			if err != nil {
				t.Fatal(err)
			}
			if n := auth.RefreshCalls() - calls; n != tt.wantCalls {
				t.Errorf("Parley sent %d refresh requests, want %d", n, tt.wantCalls)
			}
			adopted := got.AccessToken == rotated.AccessToken && got.RefreshToken == rotated.RefreshToken
			if adopted != (tt.wantCalls == 0) {
				t.Errorf("adopted the file's tokens: %v, want %v", adopted, tt.wantCalls == 0)
			}
			if now := readCreds(t, dir, testProfile); now.RefreshToken != got.RefreshToken {
				t.Errorf("the file and Parley hold different refresh tokens")
			}
			if auth.ReusedRefreshTokens() != 0 {
				t.Errorf("Parley reused a spent refresh token")
			}
		})
	}
}

func TestRefreshAfterInvalidGrant(t *testing.T) {
	tests := []struct {
		name      string
		signIn    bool          // the user signs in again with `ant auth login` meanwhile
		expiresIn time.Duration // left to that sign-in's access token
		wantCalls int
		wantErr   error
	}{
		{name: "a fresh new sign-in is adopted", signIn: true, expiresIn: time.Hour, wantCalls: 1},
		{name: "an expired new sign-in is renewed", signIn: true, expiresIn: -time.Minute, wantCalls: 2},
		{name: "revoked with no new sign-in", wantCalls: 1, wantErr: credential.ErrInvalidGrant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth, _ := servers(t)
			dir := t.TempDir()
			t0 := auth.Issue(testAccount)
			writeProfile(t, dir, testProfile, auth.URL, testClientID, credsOf(t0))
			path := config.ProfileCredentialsPath(dir, testProfile)

			// While Parley's request is on its way, the user signs out
			// everywhere and, perhaps, in again; `ant` takes no lock.
			var once sync.Once
			var mu sync.Mutex
			var saved config.Credentials
			auth.OnRefresh(func() {
				once.Do(func() {
					auth.RevokeAll(testAccount)
					if !tt.signIn {
						return
					}
					c := credsOf(auth.Issue(testAccount))
					exp := time.Now().Add(tt.expiresIn)
					c.ExpiresAt = &exp
					if err := config.WriteCredentials(path, c); err != nil {
						t.Errorf("signing in again: %v", err)
					}
					mu.Lock()
					saved = c
					mu.Unlock()
				})
			})

			got, err := (&Refresher{Dir: dir}).Refresh(t.Context(), testProfile, t0.RefreshToken)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("Refresh error = %v, want %v", err, tt.wantErr)
			case tt.wantErr == nil && err != nil:
				t.Errorf("Refresh: %v", err)
			case tt.wantErr == nil && tt.wantCalls == 1 && got.AccessToken != saved.AccessToken:
				t.Errorf("Parley did not adopt the new sign-in")
			case tt.wantErr == nil && tt.wantCalls == 2 && (got.RefreshToken == saved.RefreshToken || readCreds(t, dir, testProfile).RefreshToken != got.RefreshToken):
				t.Errorf("Parley did not renew the new sign-in and save it")
			}
			if tt.wantErr != nil && readCreds(t, dir, testProfile).RefreshToken != t0.RefreshToken {
				t.Errorf("a refused renewal changed the credentials file")
			}
			if auth.RefreshCalls() != tt.wantCalls || auth.ReusedRefreshTokens() != 0 {
				t.Errorf("server saw %d refreshes and %d reused tokens, want %d and 0", auth.RefreshCalls(), auth.ReusedRefreshTokens(), tt.wantCalls)
			}
		})
	}
}

func TestRefreshWhenTheFileIsBehind(t *testing.T) {
	auth, _ := servers(t)
	dir := t.TempDir()
	t0 := auth.Issue(testAccount)
	writeProfile(t, dir, testProfile, auth.URL, testClientID, credsOf(t0))
	path := config.ProfileCredentialsPath(dir, testProfile)
	ctx := t.Context()
	r := &Refresher{Dir: dir}
	t1, err := r.Refresh(ctx, testProfile, t0.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}

	// The file goes back to the tokens Parley spent, as if saving the
	// renewal had failed.
	if err := config.WriteCredentials(path, credsOf(t0)); err != nil {
		t.Fatal(err)
	}
	t2, err := r.Refresh(ctx, testProfile, t1.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh with the file behind: %v", err)
	}
	if readCreds(t, dir, testProfile).RefreshToken != t2.RefreshToken {
		t.Errorf("the renewal did not catch the file up")
	}

	// Both tokens Parley could send are spent: it sends neither.
	if err := config.WriteCredentials(path, credsOf(t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Refresh(ctx, testProfile, t1.RefreshToken); !errors.Is(err, credential.ErrInvalidGrant) {
		t.Errorf("Refresh with only spent tokens: %v, want ErrInvalidGrant", err)
	}
	if auth.RefreshCalls() != 2 || auth.ReusedRefreshTokens() != 0 {
		t.Errorf("server saw %d refreshes and %d reused tokens, want 2 and 0", auth.RefreshCalls(), auth.ReusedRefreshTokens())
	}
}

func TestChoose(t *testing.T) {
	fresh := time.Now().Add(time.Hour)
	stale := time.Now().Add(10 * time.Second)
	tests := []struct {
		name      string
		file      string
		expires   time.Time
		accepted  []string // tokens the server accepted from Parley
		refused   []string // tokens the server refused
		wantSend  string
		wantAdopt bool
	}{
		{name: "file holds the held token", file: "held", expires: stale, wantSend: "held"},
		{name: "file holds the held token, already spent", file: "held", expires: stale, accepted: []string{"held"}},
		{name: "file holds the held token, already refused", file: "held", expires: stale, refused: []string{"held"}},
		{name: "rotated, fresh", file: "new", expires: fresh, wantAdopt: true},
		{name: "rotated, stale", file: "new", expires: stale, wantSend: "new"},
		{name: "file behind Parley", file: "old", expires: fresh, accepted: []string{"old"}, wantSend: "held"},
		{name: "file behind, held spent too", file: "old", expires: fresh, accepted: []string{"old", "held"}},
		{name: "rotated to a refused token", file: "new", expires: fresh, refused: []string{"new"}},
		{name: "file without refresh token", file: "", expires: fresh},
	}
	for _, tt := range tests {
		r := &Refresher{}
		for _, s := range tt.accepted {
			r.record(s, true)
		}
		for _, s := range tt.refused {
			r.record(s, false)
		}
		exp := tt.expires
		send, adopt := r.choose(config.Credentials{AccessToken: "access", RefreshToken: tt.file, ExpiresAt: &exp}, "held")
		if send != tt.wantSend || adopt != tt.wantAdopt {
			t.Errorf("%s: choose = %q, adopt %v; want %q, adopt %v", tt.name, send, adopt, tt.wantSend, tt.wantAdopt)
		}
	}
}

func TestRefreshLeavesBadProfilesAlone(t *testing.T) {
	tests := []struct {
		name    string
		base    string
		client  string
		damage  func(t *testing.T, path string)
		wantErr string
	}{
		{name: "damaged file", client: testClientID, damage: func(t *testing.T, path string) {
			writeRaw(t, filepath.Dir(filepath.Dir(path)), "credentials/work.json", `{"access_token": "sk-ant-oat01-cut`, 0o600)
		}, wantErr: "is damaged"},
		{name: "readable by others", client: testClientID, damage: func(t *testing.T, path string) {
			if err := os.Chmod(path, 0o640); err != nil {
				t.Fatal(err)
			}
		}, wantErr: "chmod 600"},
		{name: "symbolic link", client: testClientID, damage: func(t *testing.T, path string) {
			if err := os.Rename(path, path+".real"); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(path+".real", path); err != nil {
				t.Fatal(err)
			}
		}, wantErr: "symbolic link"},
		{name: "no client ID", damage: func(*testing.T, string) {}, wantErr: "no client ID"},
		{name: "cleartext token endpoint", base: "http://api.example.com", client: testClientID, damage: func(*testing.T, string) {}, wantErr: "unencrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth, _ := servers(t)
			dir := t.TempDir()
			t0 := auth.Issue(testAccount)
			writeProfile(t, dir, testProfile, cmp.Or(tt.base, auth.URL), tt.client, credsOf(t0))
			path := config.ProfileCredentialsPath(dir, testProfile)
			tt.damage(t, path)
			before, _ := os.ReadFile(path)

			_, err := (&Refresher{Dir: dir}).Refresh(t.Context(), testProfile, t0.RefreshToken)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Refresh error = %v, want one mentioning %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "sk-ant-") {
				t.Errorf("Refresh error shows a secret: %v", err)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("Refresh changed the credentials file")
			}
			if auth.RefreshCalls() != 0 {
				t.Errorf("Refresh sent %d requests for a profile it cannot use", auth.RefreshCalls())
			}
		})
	}
}

func TestRefreshWaitsForTheLock(t *testing.T) {
	auth, _ := servers(t)
	dir := t.TempDir()
	t0 := auth.Issue(testAccount)
	writeProfile(t, dir, testProfile, auth.URL, testClientID, credsOf(t0))
	path := config.ProfileCredentialsPath(dir, testProfile)
	ctx := t.Context()

	unlock, err := lockCredentials(ctx, path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r := &Refresher{Dir: dir, LockTimeout: 100 * time.Millisecond}
	if _, err := r.Refresh(ctx, testProfile, t0.RefreshToken); err == nil || !strings.Contains(err.Error(), "another program") {
		t.Errorf("Refresh while another program renews: %v, want it to say so", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Refresh(cancelled, testProfile, t0.RefreshToken); !errors.Is(err, context.Canceled) {
		t.Errorf("Refresh with a cancelled context: %v, want context.Canceled", err)
	}

	// A Refresh that waits for the lock sees what the holder of the lock wrote.
	r.LockTimeout = 10 * time.Second
	type result struct {
		tok credential.Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		tok, err := r.Refresh(ctx, testProfile, t0.RefreshToken)
		done <- result{tok, err}
	}()
	time.Sleep(3 * lockRetry)
	if err := rotateUnlocked(ctx, path, auth.TokenURL); err != nil {
		t.Fatal(err)
	}
	unlock()
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.tok.RefreshToken != readCreds(t, dir, testProfile).RefreshToken || auth.RefreshCalls() != 1 {
		t.Errorf("Refresh did not adopt the renewal made while it waited (server saw %d refreshes)", auth.RefreshCalls())
	}
}
