//go:build !unix

package ipc

import (
	"errors"
	"net"
	"os"
)

// errNoLink says why windows cannot be linked on this platform yet.
var errNoLink = errors.New("Parley's window link needs Unix socketpairs; this platform is not supported yet")

// Socketpair is not available here; see errNoLink.
func Socketpair() (net.Conn, *os.File, error) { return nil, nil, errNoLink }

// ChildConn is not available here; see errNoLink.
func ChildConn() (net.Conn, error) { return nil, errNoLink }
