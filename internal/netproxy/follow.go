package netproxy

import (
	"net/http"
	"sync"
)

// Follow returns a RoundTripper that sends each request as the proxy
// setting that setting returns at that moment says (see [Transport]), so
// that a change in Settings applies to the next request without a restart.
// It keeps one transport, and its connections, until the setting changes.
// With a bad setting, requests fail with the error that says what to write.
func Follow(setting func() string) http.RoundTripper {
	return &follower{setting: setting}
}

type follower struct {
	setting func() string

	mu      sync.Mutex
	current string
	tr      *http.Transport
	err     error
}

func (f *follower) RoundTrip(req *http.Request) (*http.Response, error) {
	tr, err := f.transport(f.setting())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return tr.RoundTrip(req)
}

// transport returns the transport for setting, making a new one (and
// letting the old one's idle connections go) when the setting changed.
func (f *follower) transport(setting string) (*http.Transport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tr != nil || f.err != nil {
		if setting == f.current {
			return f.tr, f.err
		}
		if f.tr != nil {
			f.tr.CloseIdleConnections()
		}
	}
	f.current = setting
	f.tr, f.err = Transport(setting)
	return f.tr, f.err
}
