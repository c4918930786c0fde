package oauth

import (
	"context"
	"errors"
	"fmt"
)

// Errors that end a Flow, for the wizard to match with errors.Is. Their
// text is written for the user.
var (
	// ErrDenied: the user or the sign-in server refused the authorization
	// (an error answer, RFC 6749 section 4.1.2.1). The wrapping error names
	// the server's error code, such as access_denied.
	ErrDenied = errors.New("the sign-in was refused")
	// ErrStateMismatch: the answer's state is not this flow's, so it
	// belongs to another or an older sign-in attempt, or to an attacker
	// (RFC 6749 section 10.12).
	ErrStateMismatch = errors.New("the sign-in answer did not belong to this sign-in attempt; try again")
	// ErrMissingCode: the redirect came back with neither a code nor an
	// error (RFC 6749 section 4.1.2).
	ErrMissingCode = errors.New("the sign-in server sent no sign-in code; try again")
	// ErrWrongCallback: the browser came to the loopback listener on
	// another path than the redirect URI's (RFC 8252 section 7.3).
	ErrWrongCallback = errors.New("the browser came back to an unexpected address; try again")
	// ErrTimeout: the browser did not come back within FlowOptions.Timeout.
	ErrTimeout = errors.New("the browser did not come back to Parley in time; try again, or use the paste-the-code option if your browser cannot reach Parley")
	// ErrCancelled: Cancel was called, or the context given to Wait or
	// PasteCode ended.
	ErrCancelled = errors.New("sign-in was cancelled")
	// ErrMalformedCode: PasteCode was given text that is not a code. The
	// flow goes on: the user can paste again.
	ErrMalformedCode = errors.New("the pasted text is not a sign-in code")
)

// denied is the error for an error answer with the server's code.
func denied(code string) error {
	if code == "access_denied" {
		return fmt.Errorf("%w (access_denied); try again if you meant to allow Parley", ErrDenied)
	}
	return fmt.Errorf("%w (%s); try again, and if it keeps happening check the sign-in settings", ErrDenied, errorCode(code))
}

// cancelled is the error for a flow whose caller's context ended.
func cancelled(ctx context.Context) error {
	return fmt.Errorf("%w: %w", ErrCancelled, context.Cause(ctx))
}

// malformed is ErrMalformedCode with what is wrong with the pasted text.
func malformed(what string) error {
	return fmt.Errorf("%w: %s; copy the code again and paste only the code", ErrMalformedCode, what)
}
