// Package sdkprofile signs Parley in with a profile that Anthropic's own
// tools (`ant auth login`) wrote through anthropic-sdk-go's config package,
// and renews that sign-in cooperatively with every other program that uses
// the same profile.
//
// The SDK keeps its profiles in one configuration directory
// (config.DefaultDir: $ANTHROPIC_CONFIG_DIR, else
// $XDG_CONFIG_HOME/anthropic or ~/.config/anthropic, %APPDATA%\Anthropic
// on Windows):
//
//   - configs/<name>.json (mode 0644) describes the profile: for an
//     Anthropic account, authentication.type "user_oauth" with client_id
//     and scope, and an optional base_url (the API host, whose
//     /v1/oauth/token renews the sign-in).
//   - credentials/<name>.json (mode 0600, in a 0700 directory), unless the
//     profile names another credentials_path, holds access_token,
//     expires_at (Unix seconds), refresh_token and the account's email,
//     organisation and workspace.
//
// The SDK replaces files atomically (temporary file, fsync, rename) and
// refuses credentials files that are symbolic links or that other users can
// read, but it takes no lock between processes, and its refresh tokens are
// single use. Parley therefore renews a profile only under an exclusive lock
// on "<credentials file>.lock", re-reads the file under that lock, adopts
// tokens another program has already rotated, and never sends a refresh
// token it has sent before.
package sdkprofile

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/credential"
)

// defaultAPIBaseURL is where a profile without base_url renews its sign-in,
// as the SDK does.
const defaultAPIBaseURL = "https://api.anthropic.com"

// sdkRefreshMargin is how long before expiry the SDK stops using an access
// token (its MandatoryRefreshThreshold).
const sdkRefreshMargin = 30 * time.Second

// assumedLifetime is how long Parley trusts an access token whose file gives
// no expiry (the SDK treats it as never expiring); a 401 before then makes
// the holder renew it anyway.
const assumedLifetime = time.Hour

// Profile describes one SDK profile for the wizard's list. It holds no
// secret, so it may go to a window.
type Profile struct {
	// Name is the profile's name, as `ant` and ANTHROPIC_PROFILE know it.
	Name string
	// Label is the account's email and organisation, if the profile records
	// them.
	Label string
	// APIBaseURL is the API host the profile signs in to.
	APIBaseURL string
	// Usable says whether Parley can sign in with the profile now.
	Usable bool
	// Problem says, in words for the user, why the profile cannot be used
	// or what limits it ("" if nothing).
	Problem string
}

// profile is a user_oauth profile's settings, as Parley needs them.
type profile struct {
	name     string
	credPath string
	apiBase  string
	clientID string
}

// notOAuthError is the error for a profile that authenticates some other
// way than with an Anthropic account (for example workload identity
// federation).
type notOAuthError struct {
	name string
	typ  config.AuthenticationType
}

func (e *notOAuthError) Error() string {
	return fmt.Sprintf("Anthropic profile %q signs in with %q, not with an Anthropic account, so Parley cannot use it: choose a profile made with `ant auth login`", e.name, e.typ)
}

// resolveDir returns dir, or the SDK's default directory when dir is "".
func resolveDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if dir = config.DefaultDir(); dir == "" {
		return "", errors.New("Parley could not find where Anthropic's tools keep their profiles (no home directory): set ANTHROPIC_CONFIG_DIR to that directory")
	}
	return dir, nil
}

// open reads the settings of profile name under dir with the SDK's reader.
// Like the SDK, it fills settings the profile omits from ANTHROPIC_*
// environment variables (ANTHROPIC_BASE_URL among them).
func open(dir, name string) (profile, error) {
	cfg, err := config.LoadProfile(dir, name)
	if err != nil {
		return profile{}, fmt.Errorf("the settings of Anthropic profile %q could not be read (%w): repair the file or sign in to the profile again with `ant auth login`", name, err)
	}
	auth := cfg.AuthenticationInfo
	if auth.Type != config.AuthenticationTypeUserOAuth || auth.UserOAuth == nil {
		return profile{}, &notOAuthError{name: name, typ: auth.Type}
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = defaultAPIBaseURL
	}
	return profile{name: name, credPath: auth.CredentialsPath, apiBase: base, clientID: auth.UserOAuth.ClientID}, nil
}

// List returns the Anthropic account (user_oauth) profiles under dir, or
// under config.DefaultDir() when dir is "", sorted by name, for the wizard
// to offer. Profiles of other kinds are left out; a profile whose files
// cannot be read is listed as not usable, with the reason. List writes
// nothing.
func List(dir string) ([]Profile, error) {
	dir, err := resolveDir(dir)
	if err != nil {
		return nil, err
	}
	names, err := config.ListProfiles(dir)
	if err != nil {
		return nil, fmt.Errorf("Parley could not list the profiles in %s (%w): check that you can read that directory", dir, err)
	}
	var out []Profile
	for _, name := range names {
		p, err := open(dir, name)
		var notOAuth *notOAuthError
		switch {
		case errors.As(err, &notOAuth):
			continue
		case err != nil:
			out = append(out, Profile{Name: name, Problem: err.Error()})
			continue
		}
		out = append(out, p.describe())
	}
	return out, nil
}

// describe reads p's credentials to say whether it can be used.
func (p profile) describe() Profile {
	d := Profile{Name: p.name, APIBaseURL: p.apiBase}
	c, err := readCredentials(p)
	if err != nil {
		d.Problem = err.Error()
		return d
	}
	d.Label = label(c)
	fresh := isFresh(c, sdkRefreshMargin)
	switch {
	case c.AccessToken == "":
		d.Problem = "This profile has no access token: sign in to it again with `ant auth login`."
	case p.renewable(c):
		d.Usable = true
	case fresh && c.ExpiresAt != nil:
		d.Usable = true
		d.Problem = fmt.Sprintf("Parley cannot renew this sign-in (the profile has no client ID or refresh token), so it stops working at %s: then sign in to it again with `ant auth login`.", c.ExpiresAt.Local().Format("15:04 on Jan 2"))
	case fresh:
		d.Usable = true
	default:
		d.Problem = "This sign-in has expired and the profile cannot renew it (it has no client ID or refresh token): sign in to it again with `ant auth login`."
	}
	return d
}

// Load returns the current tokens of profile name under dir (or
// config.DefaultDir() when dir is ""), for signing in with it: pass the
// result to credential.NewOAuth with name as the profile, and renew it with
// a Refresher. The refresh token is left empty when the profile cannot be
// renewed (it has no client ID). The access token may have expired; the
// holder then renews it before first use.
func Load(dir, name string) (credential.Token, error) {
	dir, err := resolveDir(dir)
	if err != nil {
		return credential.Token{}, err
	}
	p, err := open(dir, name)
	if err != nil {
		return credential.Token{}, err
	}
	c, err := readCredentials(p)
	if err != nil {
		return credential.Token{}, err
	}
	if c.AccessToken == "" {
		return credential.Token{}, fmt.Errorf("Anthropic profile %q has no access token: sign in to it again with `ant auth login`", name)
	}
	return p.token(c), nil
}

// renewable says whether Parley can renew p's sign-in from credentials c.
func (p profile) renewable(c config.Credentials) bool {
	return p.clientID != "" && c.RefreshToken != ""
}

// token converts credentials c of p for the holder.
func (p profile) token(c config.Credentials) credential.Token {
	t := credential.Token{AccessToken: c.AccessToken, Label: label(c), Expiry: time.Now().Add(assumedLifetime)}
	if p.renewable(c) {
		t.RefreshToken = c.RefreshToken
	}
	if c.ExpiresAt != nil {
		t.Expiry = *c.ExpiresAt
	}
	return t
}

// isFresh says whether c's access token stays valid for longer than margin.
// Like the SDK, it treats a token without expiry as valid.
func isFresh(c config.Credentials, margin time.Duration) bool {
	return c.AccessToken != "" && (c.ExpiresAt == nil || time.Until(*c.ExpiresAt) > margin)
}

// label names the account of c for display: "email (organisation)".
func label(c config.Credentials) string {
	switch {
	case c.AccountEmail != "" && c.OrganizationName != "":
		return c.AccountEmail + " (" + c.OrganizationName + ")"
	case c.AccountEmail != "":
		return c.AccountEmail
	}
	return c.OrganizationName
}
