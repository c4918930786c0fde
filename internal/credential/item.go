package credential

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// itemVersion is the version of the stored item's format.
const itemVersion = 1

// maxItem is the largest item kept (Windows caps keyring blobs at 2,560
// bytes, macOS at about 3 KB).
const maxItem = 2000

// item is what survives a restart: the API key, or the refresh token and
// the profile (the access token too when it fits), as one small JSON value.
type item struct {
	V            int       `json:"v"`
	Kind         string    `json:"kind"`
	Label        string    `json:"label,omitempty"`
	Profile      string    `json:"profile,omitempty"`
	APIKey       string    `json:"api_key,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	AccessToken  string    `json:"access_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
}

func encodeItem(c *Credential) (string, error) {
	it := item{V: itemVersion, Kind: c.kind.String(), Label: c.label, Profile: c.profile}
	switch c.kind {
	case APIKey:
		it.APIKey = c.apiKey
	case OAuth:
		it.RefreshToken, it.AccessToken, it.Expiry = c.refreshToken, c.accessToken, c.expiry
	}
	b, err := json.Marshal(it)
	if err == nil && len(b) > maxItem && c.kind == OAuth {
		// The access token can be renewed from the refresh token.
		it.AccessToken, it.Expiry = "", time.Time{}
		b, err = json.Marshal(it)
	}
	if err != nil {
		return "", err
	}
	if len(b) > maxItem {
		return "", fmt.Errorf("this sign-in is too large to keep in the keyring (%d bytes, at most %d)", len(b), maxItem)
	}
	return string(b), nil
}

func decodeItem(s string) (*Credential, error) {
	var it item
	if err := json.Unmarshal([]byte(s), &it); err != nil {
		return nil, errors.New("the stored item is not valid JSON")
	}
	if it.V != itemVersion {
		return nil, fmt.Errorf("the stored item has format version %d, which this Parley does not know (it knows %d); a newer Parley may have written it", it.V, itemVersion)
	}
	switch it.Kind {
	case APIKey.String():
		c, err := NewAPIKey(it.APIKey)
		if err != nil {
			return nil, fmt.Errorf("the stored API key is damaged: %w", err)
		}
		if it.Label != "" {
			c.label = it.Label
		}
		return c, nil
	case OAuth.String():
		if err := checkSecret("refresh token", it.RefreshToken); err != nil {
			return nil, fmt.Errorf("the stored sign-in is damaged: %w", err)
		}
		c := &Credential{kind: OAuth, refreshToken: it.RefreshToken, accessToken: it.AccessToken, expiry: it.Expiry, label: it.Label, profile: it.Profile}
		if it.AccessToken == "" || it.Expiry.IsZero() {
			// No usable access token: expired now, refreshed on first use.
			c.accessToken, c.expiry = "", time.Unix(0, 0)
		}
		return c, nil
	}
	return nil, fmt.Errorf("the stored item is of an unknown kind %q", it.Kind)
}
