package fakeapi

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
)

// Server is a running fake of the Anthropic API. Start one with New and stop
// it with Close.
type Server struct {
	// URL is the base URL of the fake, such as http://127.0.0.1:PORT, for
	// option.WithBaseURL.
	URL string

	http     *http.Server
	creds    credentials
	journal  journal
	faults   faults
	script   script
	running  running
	answered atomic.Int64
}

// New starts a fake on a free port of 127.0.0.1. It accepts no credential
// until told to with AllowAPIKey, AllowAccessToken or AllowAny. It panics if
// it cannot listen, as there is nothing useful a caller could do instead.
func New() *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakeapi: listen on 127.0.0.1: %v", err))
	}
	s := &Server{URL: "http://" + ln.Addr().String()}
	s.creds.init()
	s.script.init()
	s.running.init()
	s.http = &http.Server{
		Handler:  http.HandlerFunc(s.serve),
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go s.http.Serve(ln)
	return s
}

// Close stops the fake: it closes the listener and every connection, then
// waits for the handlers still running to return.
func (s *Server) Close() {
	s.http.Close()
	s.running.wait()
}

// serve logs the request, gives it an id and routes it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.running.begin()
	defer s.running.end()

	cred := readCredential(r.Header)
	entry := s.journal.add(r, cred)
	w.Header().Set("request-id", newID("req_"))
	rec := &recorder{ResponseWriter: w, onStatus: func(status int) { s.journal.setStatus(entry, status) }}

	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/messages":
		if s.admit(rec, cred) {
			s.createMessage(rec, r)
		}
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		if s.admit(rec, cred) {
			listModels(rec, r)
		}
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/models/"):
		if s.admit(rec, cred) {
			getModel(rec, strings.TrimPrefix(r.URL.Path, "/v1/models/"))
		}
	default:
		writeError(rec, http.StatusNotFound, "Not found: "+r.Method+" "+r.URL.Path)
	}
}

// admit answers the request with an error and reports false when its
// credential is refused or an injected failure is due.
func (s *Server) admit(w http.ResponseWriter, cred credential) bool {
	if msg, ok := s.creds.check(cred); !ok {
		writeError(w, http.StatusUnauthorized, msg)
		return false
	}
	if f, ok := s.faults.take(); ok {
		f.write(w)
		return false
	}
	return true
}
