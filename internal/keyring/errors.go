package keyring

import (
	"errors"
	"fmt"
	"time"
)

// MaxItem is the largest item stored, in bytes. Windows caps keyring blobs
// at 2560 bytes and macOS at about 3 KB, so Parley keeps below both.
const MaxItem = 2000

// ErrNotFound is returned by Get when no item is stored. Check for it with
// errors.Is: it means "signed out", not "the keyring failed".
var ErrNotFound = errors.New("no item stored")

// ErrTooBig is returned by Set for an item over MaxItem bytes, before any
// I/O; nothing is written. Shrink the item rather than retrying.
var ErrTooBig = fmt.Errorf("item over %d bytes", MaxItem)

// ErrUnavailable is wrapped, together with the cause, in the errors of calls
// refused at once because the keyring recently timed out or could not be
// reached. Check for it with errors.Is to tell the user the keyring is not
// working; the call may be retried after a while.
var ErrUnavailable = errors.New("the system keyring is unavailable")

// TimeoutError is returned when the keyring did not answer in time. Its
// Error text is meant for the user and says what to do. Check for it with
// errors.As; it is also the cause wrapped in the ErrUnavailable errors that
// follow it.
type TimeoutError struct {
	Op    string        // "get", "set" or "delete"
	After time.Duration // how long Parley waited
}

// Error says what happened and what the user can do about it.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the system keyring did not answer within %s: it may be locked or stuck; "+
		"unlock it, or choose another place to keep your sign-in", e.After)
}
