//go:build !linux

package keyring

// sessionBus is a Linux concern: other systems' keyrings need no bus.
func sessionBus() error { return nil }
