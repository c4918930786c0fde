package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"parley/internal/credential"
)

// FlowOptions tune a Flow; zero values take the defaults.
type FlowOptions struct {
	Timeout         time.Duration // the whole flow, browser included; default 5 minutes
	ExchangeTimeout time.Duration // one token request; default 30 seconds
	HTTP            *http.Client  // for the token request; default http.DefaultClient
}

func (o FlowOptions) withDefaults() FlowOptions {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.ExchangeTimeout <= 0 {
		o.ExchangeTimeout = 30 * time.Second
	}
	if o.HTTP == nil {
		o.HTTP = http.DefaultClient
	}
	return o
}

// pageGrace is how long the listener's last page may take to reach the
// browser once the flow has its result.
const pageGrace = 2 * time.Second

// callbackPath is the redirect URI's path on the loopback listener.
const callbackPath = "/callback"

// Flow is one sign-in attempt. Start it, send the user's browser to AuthURL, then Wait (or
// PasteCode), and always Cancel or let it finish: the loopback listener never outlives the flow.
//
// It is the authorization code grant (RFC 6749 section 4.1) with PKCE
// (RFC 7636, S256 only) for a native app (RFC 8252): the browser comes back
// to a one-shot listener on 127.0.0.1 (RFC 8252 section 7.3). The first
// answer, a redirect or a pasted code, decides the flow's one result, which
// Wait and PasteCode both return.
type Flow struct {
	profile  Profile
	opts     FlowOptions
	cfg      oauth2.Config
	state    string
	verifier string
	authURL  string

	ln  net.Listener
	srv *http.Server

	ctx     context.Context // ends when the flow does, or when its Timeout passes
	stop    context.CancelFunc
	claimed atomic.Bool // an answer is being handled
	once    sync.Once
	done    chan struct{} // closed once tok and err are set
	closed  chan struct{} // closed once the listener's server has stopped
	tok     credential.Token
	err     error
}

// Start begins a sign-in with p: it binds a one-shot listener on
// 127.0.0.1 (never any other address; RFC 8252 section 8.3) at a random
// port, and makes the state (RFC 6749 section 10.12) and the PKCE verifier
// (RFC 7636 section 4.1) that tie the answer to this attempt. Send the
// browser to AuthURL next.
func Start(p Profile, o FlowOptions) (*Flow, error) {
	if err := checkEndpoint("authorization address", p.AuthorizeURL); err != nil {
		return nil, err
	}
	if err := checkEndpoint("token address", p.TokenURL); err != nil {
		return nil, err
	}
	if p.ClientID == "" {
		return nil, errors.New("the sign-in settings have no client ID: set one and try again")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("could not open a local port for the browser to come back to; try again: %w", err)
	}
	f := &Flow{
		profile:  p,
		opts:     o.withDefaults(),
		cfg:      p.config("http://" + ln.Addr().String() + callbackPath),
		state:    newState(),
		verifier: oauth2.GenerateVerifier(),
		ln:       ln,
		done:     make(chan struct{}),
		closed:   make(chan struct{}),
	}
	f.authURL = f.cfg.AuthCodeURL(f.state, oauth2.S256ChallengeOption(f.verifier))
	f.ctx, f.stop = context.WithTimeoutCause(context.Background(), f.opts.Timeout, ErrTimeout)
	context.AfterFunc(f.ctx, func() { f.finish(credential.Token{}, context.Cause(f.ctx)) })
	f.srv = &http.Server{
		Handler:           http.HandlerFunc(f.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0), // nothing about a sign-in is logged
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		f.srv.Serve(ln)
	}()
	go f.closeWhenDone(served)
	return f, nil
}

// newState is 256 random bits, base64url-encoded.
func newState() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// AuthURL is the authorization request (RFC 6749 section 4.1.1, RFC 7636
// section 4.3) to open in the user's browser.
func (f *Flow) AuthURL() string { return f.authURL }

// RedirectURL is where the browser comes back: http://127.0.0.1:PORT/callback
// (RFC 8252 section 7.3).
func (f *Flow) RedirectURL() string { return f.cfg.RedirectURL }

// Wait returns the flow's result once the browser has come back and the
// code has been exchanged (or a pasted code was, see PasteCode). It returns
// early with ErrTimeout when the Timeout passes, with ErrCancelled on
// Cancel, and with an error matching ErrCancelled and ctx's error when ctx
// ends, which also ends the flow. In every case the listener is closed
// before Wait returns. Every call returns the same result.
func (f *Flow) Wait(ctx context.Context) (credential.Token, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		f.finish(credential.Token{}, cancelled(ctx))
	}
	<-f.closed
	return f.tok, f.err
}

// Cancel ends the flow: the listener is closed before Cancel returns, and
// Wait returns ErrCancelled. Use it when the user gives up or starts over.
// Calling it again, or after the flow has finished, does nothing.
func (f *Flow) Cancel() { f.finish(credential.Token{}, ErrCancelled) }

// finish sets the flow's result, the first time only, and closes the
// listener. A flow whose Timeout has passed ends with ErrTimeout, whatever
// was in progress.
func (f *Flow) finish(tok credential.Token, err error) {
	f.once.Do(func() {
		if f.ctx.Err() != nil {
			tok, err = credential.Token{}, context.Cause(f.ctx)
		}
		f.tok, f.err = tok, err
		f.stop()
		f.ln.Close()
		close(f.done)
	})
}

// claim takes the flow's one answer: it is true for the first answer (a
// redirect or a pasted code) while the flow runs, false for any other.
func (f *Flow) claim() bool {
	return f.ctx.Err() == nil && f.claimed.CompareAndSwap(false, true)
}

// closeWhenDone stops the listener's server once the flow has its result,
// giving the last page pageGrace to reach the browser.
func (f *Flow) closeWhenDone(served <-chan struct{}) {
	<-f.done
	ctx, cancel := context.WithTimeout(context.Background(), pageGrace)
	defer cancel()
	f.srv.Shutdown(ctx) // the listener is already closed; this waits for the page
	f.srv.Close()       // and this drops whatever is left after pageGrace
	<-served
	close(f.closed)
}
