package credential

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

const goodKey = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789-x7Qa"

func TestNewAPIKeyRejectsBadInput(t *testing.T) {
	tests := []struct {
		name, key, want string
	}{
		{"empty", "", "is empty"},
		{"whitespace only", " \t\n ", "is empty"},
		{"newline padded", "\n" + goodKey + "\n", "spaces or line breaks"},
		{"space inside", "sk-ant-api03-abcdefghij klmnopqrstuvwxyz", "spaces or line breaks"},
		{"10 KB", "sk-ant-" + strings.Repeat("a", 10<<10), "more than any real one"},
		{"non-ASCII", "sk-ant-api03-ключключключключключ", "contains a character"},
		{"control character", "sk-ant-api03-abcdefghij\x00klmnopqrstuvwxyz", "contains a character"},
		{"too short", "sk-ant-x", "too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewAPIKey(tt.key)
			if err == nil {
				t.Fatalf("NewAPIKey(%q) = %v, want an error", tt.key, c)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if len(tt.key) > 20 && strings.Contains(err.Error(), strings.TrimSpace(tt.key)) {
				t.Errorf("error repeats the key: %q", err)
			}
		})
	}
	if _, err := NewAPIKey(goodKey); err != nil {
		t.Errorf("a well-formed key was refused: %v", err)
	}
}

func TestHintMasksTheSecret(t *testing.T) {
	for secret, want := range map[string]string{
		goodKey:                      "sk-ant-…x7Qa",
		"gw-0123456789abcdefghijklm": "gw-…jklm",
		"short":                      "…",
	} {
		if got := Hint(secret); got != want {
			t.Errorf("Hint(%q) = %q, want %q", secret, got, want)
		}
	}
}

func TestCredentialNeverPrintsItsSecrets(t *testing.T) {
	key, _ := NewAPIKey(goodKey)
	tok, err := NewOAuth(Token{AccessToken: "sk-ant-oat01-ACCESSaccessACCESSaccess", RefreshToken: "sk-ant-ort01-REFRESHrefreshREFRESH", Expiry: time.Now().Add(time.Hour), Label: "ada@example.com"}, "anthropic")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Credential{key, tok} {
		js, _ := json.Marshal(c)
		for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v", *c), fmt.Sprintf("%+v", *c), string(js)} {
			for _, secret := range []string{goodKey, "ACCESSaccess", "REFRESHrefresh"} {
				if strings.Contains(out, secret) {
					t.Errorf("printed form %q holds a secret", out)
				}
			}
		}
	}
}

func TestItemRoundTripAndLimits(t *testing.T) {
	key, _ := NewAPIKey(goodKey)
	it, err := encodeItem(key)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeItem(it)
	if err != nil || back.Secret() != goodKey || back.Kind() != APIKey {
		t.Fatalf("round trip: %v, %v", back, err)
	}
	// An OAuth item too large with its access token keeps only what a
	// restart needs.
	big, _ := NewOAuth(Token{AccessToken: "sk-ant-oat01-" + strings.Repeat("a", 480), RefreshToken: "sk-ant-ort01-" + strings.Repeat("r", 480), Expiry: time.Now().Add(time.Hour)}, "anthropic")
	big.label = strings.Repeat("L", 1200)
	it, err = encodeItem(big)
	if err != nil {
		t.Fatal(err)
	}
	if len(it) > maxItem || strings.Contains(it, "access_token") {
		t.Errorf("item of %d bytes, access token kept: %v", len(it), strings.Contains(it, "access_token"))
	}
	back, err = decodeItem(it)
	if err != nil || back.refreshToken != big.refreshToken || !back.expiry.Before(time.Now()) {
		t.Errorf("decoded %v (%v): want the refresh token, expired so it is renewed on first use", back, err)
	}
}

func TestDecodeItemRejectsDamage(t *testing.T) {
	tests := []struct{ name, item, want string }{
		{"corrupt JSON", `{"v":1,"kind":"api-key","api_key":`, "not valid JSON"},
		{"unknown version", `{"v":2,"kind":"api-key","api_key":"` + goodKey + `"}`, "format version 2"},
		{"unknown kind", `{"v":1,"kind":"password"}`, "unknown kind"},
		{"damaged key", `{"v":1,"kind":"api-key","api_key":"sk ant"}`, "damaged"},
		{"oauth without refresh token", `{"v":1,"kind":"oauth"}`, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeItem(tt.item)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("decodeItem(%s) = %v, want an error saying %q", tt.item, err, tt.want)
			}
		})
	}
}
