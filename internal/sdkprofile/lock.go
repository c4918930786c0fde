package sdkprofile

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// lockSuffix names the lock file next to a credentials file.
const lockSuffix = ".lock"

// lockRetry is how often a busy lock is tried again.
const lockRetry = 20 * time.Millisecond

// lockCredentials takes the exclusive lock that serialises renewals of the
// credentials file at path among Parley processes and the tools that
// cooperate with them: a lock on path+".lock", created with mode 0600 next
// to the file and left in place (removing it would let two programs hold
// locks on two different files). It waits at most timeout, or until ctx
// ends. Call unlock when the renewal is written back.
func lockCredentials(ctx context.Context, path string, timeout time.Duration) (unlock func(), err error) {
	wait, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	l := flock.New(path+lockSuffix, flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(wait, lockRetry)
	switch {
	case ok:
		return func() { _ = l.Unlock() }, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("another program has been renewing this sign-in for more than %s; Parley will try again shortly (if this persists, close other programs that use the profile)", timeout)
	}
	return nil, fmt.Errorf("Parley could not lock %s to renew the sign-in (%w): check that you can write to that directory", path+lockSuffix, err)
}
