//go:build !(linux || darwin)

package control

import "errors"

// errUnsupported says why there is no control socket on this platform yet.
var errUnsupported = errors.New("Parley's control socket needs Unix peer credentials; this platform is not supported yet")

// Server is not available here; Listen says why.
type Server struct{}

// Listen is not available here.
func Listen(string, Handler) (*Server, error) { return nil, errUnsupported }

// Serve does nothing here.
func (*Server) Serve() {}

// Close does nothing here.
func (*Server) Close() error { return nil }

func checkPrivate(string) error { return nil }
