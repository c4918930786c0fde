// Package settings keeps Parley's non-secret settings in a small JSON file
// in the user's config directory. Nothing secret is ever written here.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"parley/internal/atomicfile"
)

// Storage choices for the sign-in.
const (
	StorageKeyring = "keyring" // the system keyring (default)
	StorageFile    = "file"    // a 0600 file the user chose, with a warning
	StorageSession = "session" // nowhere: this session only
)

// Settings are what the user chose. Zero values mean the defaults.
type Settings struct {
	// APIBaseURL is where API keys are used (default https://api.anthropic.com).
	APIBaseURL string `json:"apiBaseUrl,omitempty"`
	// Storage is where the sign-in is kept: keyring, file or session.
	Storage string `json:"storage,omitempty"`
	// CredentialsFile is the file for Storage "file".
	CredentialsFile string `json:"credentialsFile,omitempty"`
	// Anthropic configures the "Anthropic account" OAuth profile.
	Anthropic AnthropicOAuth `json:"anthropic,omitzero"`
	// Gateway configures the "Custom OAuth/OIDC gateway" profile.
	Gateway Gateway `json:"gateway,omitzero"`
	// Theme is the windows' colours: ThemeSystem (when empty), ThemeLight
	// or ThemeDark.
	Theme string `json:"theme,omitempty"`
	// DefaultModel is the model of new conversations (empty: Parley's
	// default).
	DefaultModel string `json:"defaultModel,omitempty"`
	// Proxy is how Parley reaches the network: empty for the proxy the
	// environment names (HTTPS_PROXY), "direct" for none, or a proxy
	// address; see netproxy.Transport.
	Proxy string `json:"proxy,omitempty"`
}

// Themes.
const (
	ThemeSystem = "system" // follow the desktop's light or dark preference
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// UITheme returns the theme windows use: Theme, or ThemeSystem if unset.
func (s Settings) UITheme() string {
	if s.Theme == "" {
		return ThemeSystem
	}
	return s.Theme
}

// AnthropicOAuth is the OAuth client Parley uses with Anthropic's own
// protocol. No public client ID is known, so the user (or their
// organisation) provides one.
type AnthropicOAuth struct {
	ClientID     string `json:"clientId,omitempty"`
	AuthorizeURL string `json:"authorizeUrl,omitempty"` // default https://console.anthropic.com/oauth/authorize
	TokenURL     string `json:"tokenUrl,omitempty"`     // default {APIBaseURL}/v1/oauth/token
}

// Gateway is an organisation's OAuth/OIDC provider fronting an
// Anthropic-compatible API.
type Gateway struct {
	Issuer     string   `json:"issuer,omitempty"`
	ClientID   string   `json:"clientId,omitempty"`
	APIBaseURL string   `json:"apiBaseUrl,omitempty"`
	Scopes     []string `json:"scopes,omitempty"`
}

// DefaultAPIBaseURL is Anthropic's API.
const DefaultAPIBaseURL = "https://api.anthropic.com"

// API returns the API base URL for API keys.
func (s Settings) API() string {
	if s.APIBaseURL != "" {
		return s.APIBaseURL
	}
	return DefaultAPIBaseURL
}

// Path is the settings file: $XDG_CONFIG_HOME/parley/settings.json.
func Path() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "parley", "settings.json"), nil
}

// Load reads the settings at path; a missing file gives the defaults.
func Load(path string) (Settings, error) {
	var s Settings
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("reading settings: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Settings{}, fmt.Errorf("the settings file %s is damaged (%v); fix or remove it", path, err)
	}
	return s, nil
}

// Save writes s to path atomically.
func Save(path string, s Settings) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(b, '\n')); err != nil {
		return fmt.Errorf("saving settings: %w", err)
	}
	return nil
}
