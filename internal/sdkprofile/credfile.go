package sdkprofile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/credential"
)

// maxCredentialsFile bounds what Parley reads as a credentials file; real
// ones are a few kilobytes.
const maxCredentialsFile = 1 << 20

// readCredentials reads p's credentials file with the SDK's decoder, under
// the SDK's safety rules: no symbolic link, nothing readable by other users.
// Errors name the file but never quote its contents.
func readCredentials(p profile) (config.Credentials, error) {
	path := p.credPath
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return config.Credentials{}, fmt.Errorf("Anthropic profile %q has no saved sign-in (%s is missing): sign in to it with `ant auth login`", p.name, path)
	case err != nil:
		return config.Credentials{}, fmt.Errorf("the sign-in file %s of Anthropic profile %q could not be read (%w): check its permissions", path, p.name, err)
	case info.Mode().Type()&fs.ModeSymlink != 0:
		return config.Credentials{}, fmt.Errorf("the sign-in file %s of Anthropic profile %q is a symbolic link, which Anthropic's tools refuse to use: replace it with the file it points to", path, p.name)
	case !info.Mode().IsRegular():
		return config.Credentials{}, fmt.Errorf("the sign-in file %s of Anthropic profile %q is not a regular file: sign in to the profile again with `ant auth login`", path, p.name)
	case runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0:
		return config.Credentials{}, fmt.Errorf("the sign-in file %s of Anthropic profile %q can be read by other users (mode %#o), so Anthropic's tools refuse it: run `chmod 600 %s`", path, p.name, info.Mode().Perm(), path)
	case info.Size() > maxCredentialsFile:
		return config.Credentials{}, fmt.Errorf("the sign-in file %s of Anthropic profile %q is too large to be one (%d bytes), so Parley left it as it is: sign in to the profile again with `ant auth login`", path, p.name, info.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return config.Credentials{}, fmt.Errorf("the sign-in file %s of Anthropic profile %q could not be read (%w): check its permissions", path, p.name, err)
	}
	var c config.Credentials
	if err := json.Unmarshal(data, &c); err != nil {
		return config.Credentials{}, fmt.Errorf("the sign-in file %s of Anthropic profile %q is damaged, so Parley left it as it is: sign in to the profile again with `ant auth login`", path, p.name)
	}
	return c, nil
}

// writeCredentials stores the renewed tokens t over c, the file's previous
// contents, keeping the account, organisation, workspace and scope it
// records. The SDK's writer replaces the file atomically (temporary file in
// the same directory, fsync, rename, fsync of the directory) with mode 0600,
// the only mode the SDK accepts for it.
func writeCredentials(p profile, c config.Credentials, t credential.Token) error {
	c.AccessToken = t.AccessToken
	if t.RefreshToken != "" {
		c.RefreshToken = t.RefreshToken
	}
	exp := t.Expiry
	c.ExpiresAt = &exp
	if err := config.WriteCredentials(p.credPath, c); err != nil {
		return fmt.Errorf("the renewed sign-in of Anthropic profile %q could not be saved: %w", p.name, err)
	}
	return nil
}
