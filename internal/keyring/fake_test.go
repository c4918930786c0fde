package keyring

import (
	"sync"
	"testing"
)

// fake is a backend for unit tests: it keeps items in a map, or fails every
// call with err, or blocks every call until release is closed.
type fake struct {
	mu      sync.Mutex
	items   map[string]string
	err     error
	release chan struct{}
	calls   int
}

func newFake() *fake { return &fake{items: map[string]string{}} }

// blocking returns a fake whose calls hang until the test ends.
func blocking(t testing.TB) *fake {
	f := newFake()
	f.release = make(chan struct{})
	t.Cleanup(func() { close(f.release) })
	return f
}

// failing returns a fake whose calls all fail with err.
func failing(err error) *fake {
	f := newFake()
	f.err = err
	return f
}

// setErr changes what the calls fail with; nil makes them succeed.
func (f *fake) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// callCount is how many calls reached the backend.
func (f *fake) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// enter counts a call, waits while the fake blocks, and returns the error
// the call fails with.
func (f *fake) enter() error {
	f.mu.Lock()
	f.calls++
	release := f.release
	f.mu.Unlock()
	if release != nil {
		<-release
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *fake) get(service, user string) (string, error) {
	if err := f.enter(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	item, ok := f.items[service+"/"+user]
	if !ok {
		return "", ErrNotFound
	}
	return item, nil
}

func (f *fake) set(service, user, item string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[service+"/"+user] = item
	return nil
}

func (f *fake) delete(service, user string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[service+"/"+user]; !ok {
		return ErrNotFound
	}
	delete(f.items, service+"/"+user)
	return nil
}
