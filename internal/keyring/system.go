package keyring

import (
	"errors"
	"fmt"

	gokeyring "github.com/zalando/go-keyring"
)

// backend is where a Keyring keeps its item: the OS keyring, or a fake in
// tests. Get returns ErrNotFound when nothing is stored.
type backend interface {
	get(service, user string) (string, error)
	set(service, user, item string) error
	delete(service, user string) error
}

// system is the OS keyring (Secret Service, macOS Keychain, Windows
// Credential Manager), through go-keyring.
type system struct{}

func (system) get(service, user string) (string, error) {
	if err := sessionBus(); err != nil {
		return "", err
	}
	item, err := gokeyring.Get(service, user)
	return item, systemErr(err)
}

func (system) set(service, user, item string) error {
	if err := sessionBus(); err != nil {
		return err
	}
	return systemErr(gokeyring.Set(service, user, item))
}

func (system) delete(service, user string) error {
	if err := sessionBus(); err != nil {
		return err
	}
	return systemErr(gokeyring.Delete(service, user))
}

// systemErr turns go-keyring's ErrNotFound into ours and names the
// keyring in other errors.
func systemErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gokeyring.ErrNotFound):
		return ErrNotFound
	default:
		return fmt.Errorf("system keyring: %w", err)
	}
}
