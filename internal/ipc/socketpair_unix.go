//go:build unix

package ipc

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// ChildFD is the descriptor on which a window process finds its end of the
// link (the first of exec.Cmd.ExtraFiles).
const ChildFD = 3

// Socketpair makes a connected pair: the core keeps the net.Conn, and the
// *os.File goes to the child through exec.Cmd.ExtraFiles. The caller closes
// the file once the child has started.
func Socketpair() (net.Conn, *os.File, error) {
	// Close-on-exec, set under ForkLock as the standard library does, so
	// that no other window started meanwhile inherits this pair.
	syscall.ForkLock.RLock()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	parent := os.NewFile(uintptr(fds[0]), "parley-link")
	child := os.NewFile(uintptr(fds[1]), "parley-link-child")
	conn, err := net.FileConn(parent)
	parent.Close() // FileConn duplicated it
	if err != nil {
		child.Close()
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	return conn, child, nil
}

// ChildConn opens the link a window process inherited from the core.
func ChildConn() (net.Conn, error) {
	f := os.NewFile(ChildFD, "parley-link")
	if f == nil {
		return nil, fmt.Errorf("no link to the core on fd %d", ChildFD)
	}
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("no link to the core on fd %d (windows are started by parley itself): %w", ChildFD, err)
	}
	return conn, nil
}
