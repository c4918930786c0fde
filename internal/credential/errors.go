package credential

import "errors"

// ErrSignedOut is returned by Resolve when there is no credential: the
// user signed out, or never signed in.
var ErrSignedOut = errors.New("you are signed out: sign in to continue")

// ErrNeedsSignIn is returned when the server rejected the credential (a
// revoked key, a refresh token that no longer works): the user must sign in
// again.
var ErrNeedsSignIn = errors.New("your sign-in is no longer accepted: sign in again to continue")

// ErrInvalidGrant is what a Refresher returns when the server refused the
// refresh token itself (OAuth "invalid_grant"), as opposed to failing.
var ErrInvalidGrant = errors.New("the sign-in server refused the refresh token")

// ErrNotSaved is returned by Set when the store failed: nothing changed.
// The caller may offer another place to keep the sign-in (UseStore).
var ErrNotSaved = errors.New("your sign-in could not be saved, so nothing changed")
