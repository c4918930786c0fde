//go:build linux || darwin

package control

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Server is a running core's end of the control socket. It holds the
// instance lock for as long as it lives.
type Server struct {
	ln   *net.UnixListener
	lock *os.File
	h    Handler
	wg   sync.WaitGroup
}

// Listen makes this process the user's one core: it takes the instance lock
// in dir, replaces a stale socket left by a crashed core, and listens. It
// returns ErrBusy when another live core holds the lock.
func Listen(dir string, h Handler) (*Server, error) {
	lock, err := os.OpenFile(filepath.Join(dir, "core.lock"), os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("control lock: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("control lock: %w", err)
	}
	path := filepath.Join(dir, socketName)
	// We hold the lock, so whatever socket is there belongs to a dead core.
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			lock.Close()
			return nil, fmt.Errorf("control: %s exists and is not a socket; remove it and start Parley again", path)
		}
		log.Printf("control: replacing a stale socket left by a core that did not exit cleanly")
		if err := os.Remove(path); err != nil {
			lock.Close()
			return nil, fmt.Errorf("control: removing stale socket: %w", err)
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("control: %w", err)
	}
	return &Server{ln: ln, lock: lock, h: h}, nil
}

// Serve answers commands until Close. Run it in its own goroutine.
func (s *Server) Serve() {
	for {
		conn, err := s.ln.AcceptUnix()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(conn)
		}()
	}
}

// Close stops listening, removes the socket and releases the lock.
func (s *Server) Close() error {
	err := s.ln.Close() // unlinks the socket
	s.wg.Wait()
	s.lock.Close()
	return err
}

func (s *Server) serveConn(conn *net.UnixConn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	enc := json.NewEncoder(conn)
	uid, err := peerUID(conn)
	if err != nil || uid != os.Geteuid() {
		log.Printf("control: refused a client of uid %d (err %v)", uid, err)
		_ = enc.Encode(Response{Error: "refused: Parley accepts commands only from its own user"})
		// Let the client finish writing, unread, so it sees the refusal
		// rather than a broken pipe.
		_ = conn.CloseWrite()
		_, _ = io.Copy(io.Discard, io.LimitReader(conn, 4096))
		return
	}
	var req Request
	// One small command per connection; anything longer is not ours.
	if err := json.NewDecoder(bufio.NewReader(io.LimitReader(conn, 4096))).Decode(&req); err != nil {
		_ = enc.Encode(Response{Error: "control: bad request"})
		return
	}
	_ = enc.Encode(s.handle(req))
}

func (s *Server) handle(req Request) Response {
	switch req.Command {
	case CmdOpenWindow:
		id, err := s.h.OpenWindow(req.Role)
		if err != nil {
			return Response{Error: err.Error()}
		}
		return Response{WindowID: id}
	case CmdListWindows:
		return Response{Windows: s.h.ListWindows()}
	default:
		return Response{Error: fmt.Sprintf("control: unknown command %q", req.Command)}
	}
}

// checkPrivate refuses a directory that is not ours alone.
func checkPrivate(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("control directory: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("control directory %s belongs to another user; remove it or set XDG_RUNTIME_DIR", dir)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("control directory: %w", err)
		}
	}
	return nil
}
