package fakeapi

import (
	"sync"
	"time"
)

// script holds what the fake answers to POST /v1/messages and how it streams
// the answer.
type script struct {
	mu     sync.Mutex
	reply  func(MessagesRequest) string
	deltas func(string) []string
	delay  time.Duration
	cut    int // deltas before the next stream is cut; < 0 for no cut
	// cutStatus is how it is cut: 0 drops the connection, else the stream
	// ends with an error event of the type the API sends with that status.
	cutStatus int
}

func (s *script) init() {
	s.reply = echoReply
	s.deltas = splitWords
	s.cut = -1
}

// plan is the script of one answer.
type plan struct {
	text   string
	deltas []string
	delay  time.Duration
	cut    int
	// cutStatus: see script.
	cutStatus int
}

// planFor scripts the answer to req. A streamed answer uses up the pending
// CutStreamAfter. The reply function runs outside the lock, so it may call
// back into the Server.
func (s *script) planFor(req MessagesRequest) plan {
	s.mu.Lock()
	reply, deltas, p := s.reply, s.deltas, plan{delay: s.delay, cut: -1}
	if req.Stream {
		p.cut, p.cutStatus, s.cut = s.cut, s.cutStatus, -1
	}
	s.mu.Unlock()
	p.text = reply(req)
	if req.Stream {
		p.deltas = deltas(p.text)
	}
	return p
}

// SetReply sets the function that decides the assistant's text from the
// request; nil restores the default, which echoes the last user message as
// "You said: <text>". Use it when a test or the demo needs particular
// answers. The function is called concurrently, once per answered request.
func (s *Server) SetReply(reply func(r MessagesRequest) string) {
	s.script.mu.Lock()
	defer s.script.mu.Unlock()
	if reply == nil {
		reply = echoReply
	}
	s.script.reply = reply
}

// SetDeltas sets how a streamed reply is split into the text of its
// content_block_delta events; nil restores the default, one word and the
// spaces after it per delta. Use it to test how Parley assembles odd chunks,
// such as a delta per character. The pieces should join to the reply text,
// or streamed and non-streamed answers differ.
func (s *Server) SetDeltas(split func(text string) []string) {
	s.script.mu.Lock()
	defer s.script.mu.Unlock()
	if split == nil {
		split = splitWords
	}
	s.script.deltas = split
}

// SetDeltaDelay makes streams pause for d between text deltas; 0 turns the
// pause off. Use it for slow streams, to test progress display and stopping a
// reply halfway.
func (s *Server) SetDeltaDelay(d time.Duration) {
	s.script.mu.Lock()
	defer s.script.mu.Unlock()
	s.script.delay = d
}

// CutStreamAfter makes the next stream close its TCP connection abruptly,
// with no closing events, after n text deltas; n < 0 cancels a pending cut.
// Use it to test how Parley handles a connection lost mid-reply. A stream
// with n or fewer deltas is cut before content_block_stop.
func (s *Server) CutStreamAfter(n int) {
	s.script.mu.Lock()
	defer s.script.mu.Unlock()
	s.script.cut, s.script.cutStatus = max(n, -1), 0
}

// FailStreamAfter makes the next stream end after n text deltas with an
// "error" event of the type the API reports with status (529:
// overloaded_error, 429: rate_limit_error, 500: api_error...), as the API
// does when it fails after answering 200; n < 0 cancels it. Use it to test
// errors that arrive mid-reply.
func (s *Server) FailStreamAfter(n, status int) {
	s.script.mu.Lock()
	defer s.script.mu.Unlock()
	s.script.cut, s.script.cutStatus = max(n, -1), status
}
