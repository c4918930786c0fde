package credential_test

import (
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/internal/credential"
	"parley/internal/logfile"
)

// TestEverySecretTheHolderTakesIsHiddenInTheLog: a gateway's tokens have
// no recognisable shape, so only the holder telling the log about them
// keeps them out of it.
func TestEverySecretTheHolderTakesIsHiddenInTheLog(t *testing.T) {
	dir := t.TempDir()
	lg, err := logfile.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := credential.New(credential.Options{Redact: lg.Redact, Logf: func(string, ...any) {}})
	key, _ := credential.NewAPIKey("sk-ant-api03-redactme0000000000000000000000000")
	oauthCred, err := credential.NewOAuth(credential.Token{AccessToken: "gw.access.Zq81nR4tYh6wK2pL0sD5fG9jB3", RefreshToken: "gw.refresh.Pk27vM9sXc4nQ8eR1tU6yW0aZ7", Expiry: time.Now().Add(time.Hour), Label: "ada"}, "gateway")
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{key.Secret(), "gw.access.Zq81nR4tYh6wK2pL0sD5fG9jB3", "gw.refresh.Pk27vM9sXc4nQ8eR1tU6yW0aZ7"}
	for _, c := range []*credential.Credential{key, oauthCred} {
		if err := h.Set(c); err != nil {
			t.Fatal(err)
		}
	}
	logger := log.New(lg, "parley: ", 0)
	for _, s := range secrets {
		logger.Printf("a careless line with %s in it, and %q quoted", s, s)
	}
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, logfile.Name))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("the log holds %q:\n%s", s, b)
		}
	}
	if n := strings.Count(string(b), logfile.Marker+" in it"); n != 3 {
		t.Errorf("%d lines kept with the secret hidden, want 3:\n%s", n, b)
	}
}
