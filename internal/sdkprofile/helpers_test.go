package sdkprofile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
)

const (
	testClientID = "parley-test-client"
	testAccount  = "ada@example.com"
	testProfile  = "work"
)

// servers starts the fake API and the fake OAuth server that issues its
// tokens, and keeps ANTHROPIC_BASE_URL from redirecting profiles elsewhere.
func servers(t *testing.T) (*fakeauth.Server, *fakeapi.Server) {
	t.Helper()
	t.Setenv("ANTHROPIC_BASE_URL", "")
	api := fakeapi.New()
	auth := fakeauth.New(api)
	auth.SetClientID(testClientID)
	t.Cleanup(func() {
		auth.Close()
		api.Close()
	})
	return auth, api
}

// credsOf is what `ant auth login` saves for tok.
func credsOf(tok fakeauth.Token) config.Credentials {
	exp := tok.Expiry
	return config.Credentials{
		AccessToken:      tok.AccessToken,
		RefreshToken:     tok.RefreshToken,
		ExpiresAt:        &exp,
		Scope:            "user:inference",
		OrganizationUUID: "org-fake",
		OrganizationName: "Fake Org",
		AccountEmail:     tok.Account,
	}
}

// writeProfile writes a user_oauth profile with the SDK's own writers, as
// `ant auth login` does. An empty baseURL leaves base_url out.
func writeProfile(t *testing.T, dir, name, baseURL, clientID string, c config.Credentials) {
	t.Helper()
	auth := config.NewUserOAuthAuthentication(clientID)
	auth.UserOAuth.Scope = "user:inference"
	if err := config.SaveProfile(dir, name, &config.Config{AuthenticationInfo: auth, BaseURL: baseURL}); err != nil {
		t.Fatal(err)
	}
	if err := config.WriteCredentials(config.ProfileCredentialsPath(dir, name), c); err != nil {
		t.Fatal(err)
	}
}

// readCreds reads a profile's credentials file as the SDK would.
func readCreds(t *testing.T, dir, name string) config.Credentials {
	t.Helper()
	data, err := os.ReadFile(config.ProfileCredentialsPath(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var c config.Credentials
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// writeRaw writes data as a profile file at dir/rel, bypassing the SDK.
func writeRaw(t *testing.T, dir, rel, data string, mode os.FileMode) {
	t.Helper()
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// rotateAsOtherClient renews profile name the way another cooperating SDK
// client does: under the profile's lock, with the refresh token in the
// file, writing the result back with the SDK's writer.
func rotateAsOtherClient(ctx context.Context, dir, name, tokenURL string) error {
	path := config.ProfileCredentialsPath(dir, name)
	unlock, err := lockCredentials(ctx, path, 10*time.Second)
	if err != nil {
		return err
	}
	defer unlock()
	return rotateUnlocked(ctx, path, tokenURL)
}

// rotateUnlocked renews the credentials file at path as a program that
// takes no lock does.
func rotateUnlocked(ctx context.Context, path, tokenURL string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var c config.Credentials
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"grant_type": "refresh_token", "refresh_token": c.RefreshToken, "client_id": testClientID})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("anthropic-beta", config.OAuthAPIBetaHeader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
		Error        string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("token endpoint: %s %s", resp.Status, tr.Error)
	}
	exp := time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	c.AccessToken, c.RefreshToken, c.ExpiresAt = tr.AccessToken, tr.RefreshToken, &exp
	return config.WriteCredentials(path, c)
}
