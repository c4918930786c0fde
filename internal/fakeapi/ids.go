package fakeapi

import "crypto/rand"

// newID returns a fresh random id with the given prefix, like "req_…" or
// "msg_…".
func newID(prefix string) string { return prefix + rand.Text() }
