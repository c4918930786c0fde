// Package chat runs Parley's conversations in the core: one goroutine per
// reply being generated, cancellable, with the reply's text sent to its
// window in batches at display rate, never one message per token.
package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"

	"parley/internal/anthropic"
)

// Message statuses.
const (
	StatusComplete    = "complete"
	StatusStreaming   = "streaming"
	StatusStopped     = "stopped"
	StatusInterrupted = "interrupted" // the connection dropped mid-reply
	StatusError       = "error"
)

// Message is one turn of a conversation, as windows show it.
type Message struct {
	Role   string `json:"role"` // "user" or "assistant"
	Text   string `json:"text"`
	Status string `json:"status,omitempty"`
	// Error says, for the user, why the reply ended early.
	Error string `json:"error,omitempty"`
	Usage *Usage `json:"usage,omitempty"`
}

// Usage is a reply's token count.
type Usage struct {
	Input  int64 `json:"input"`
	Output int64 `json:"output"`
}

// Event names, per conversation: "chat:<kind>:<conversation id>", so that a
// window never receives another conversation's text.
const (
	EventMessage = "message" // data: Update with the whole message
	EventDelta   = "delta"   // data: Update with text to append
	EventRemoved = "removed" // data: Update naming the message removed (the last)
	EventNotice  = "notice"  // data: Update whose Text is a passing notice ("" clears it)
)

// Update is the data of a chat event. Seq numbers a conversation's events
// from 1: a window applies them in that order (a dev build's websocket can
// deliver events out of order) and ignores those already in a Snapshot.
type Update struct {
	Seq     int      `json:"seq"`
	Index   int      `json:"index"`
	Message *Message `json:"message,omitempty"` // EventMessage
	Text    string   `json:"text,omitempty"`    // EventDelta
	// At is when the core received the first text of a delta (Unix ms),
	// for measuring how long text takes to reach the screen.
	At int64 `json:"at,omitempty"`
}

// EventName is the event name for kind in conversation conv.
func EventName(kind, conv string) string { return "chat:" + kind + ":" + conv }

// DefaultModel is used until the user picks one.
const DefaultModel = "claude-sonnet-4-5"

// Service holds the open conversations. Create it with New.
type Service struct {
	client   *anthropic.Client
	emit     func(conv, event string, data any)
	interval time.Duration

	mu    sync.Mutex
	convs map[string]*conversation
}

type conversation struct {
	closed bool // its window is gone: nothing starts any more
	system string
	emitMu sync.Mutex // orders emission; held only while queueing an event
	seq    int        // the last event's Seq
	sent   string     // the streaming reply's text sent so far
	msgs   []Message
	model  string
	cancel context.CancelFunc // non-nil while a reply is generated
	done   chan struct{}
}

// New returns a Service that sends with client and tells windows through
// emit (which must not block), at most once per interval (default 33 ms,
// about 30 updates a second) while a reply streams.
func New(client *anthropic.Client, emit func(conv, event string, data any), interval time.Duration) *Service {
	if interval == 0 {
		interval = 33 * time.Millisecond
	}
	return &Service{client: client, emit: emit, interval: interval, convs: map[string]*conversation{}}
}

// ready says whether a new reply may start.
func (c *conversation) ready() error {
	switch {
	case c.closed:
		return errClosed
	case c.cancel != nil:
		return ErrBusy
	}
	return nil
}

func (s *Service) conv(id string) *conversation {
	c, ok := s.convs[id]
	if !ok {
		c = &conversation{model: DefaultModel}
		s.convs[id] = c
	}
	return c
}

// Snapshot is a conversation as it stands, and the Seq of the last event
// it includes.
type Snapshot struct {
	Messages []Message `json:"messages"`
	Seq      int       `json:"seq"`
	Model    string    `json:"model"`
	System   string    `json:"system"`
}

// Snapshot returns conversation id as it stands, for a window that opens
// or reloads.
func (s *Service) Snapshot(id string) Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.conv(id)
	c.emitMu.Lock()
	defer c.emitMu.Unlock()
	// Text streamed but not yet sent is in the next delta, after c.seq.
	msgs := append([]Message{}, c.msgs...)
	for i := range msgs {
		if msgs[i].Status == StatusStreaming {
			msgs[i].Text = c.sent
		}
	}
	return Snapshot{Messages: msgs, Seq: c.seq, Model: c.model, System: c.system}
}

// Messages returns a copy of a conversation's messages.
func (s *Service) Messages(id string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.conv(id).msgs...)
}

// send queues an event for conversation id's window with the next Seq.
func (s *Service) send(id string, c *conversation, kind string, u Update) {
	c.emitMu.Lock()
	defer c.emitMu.Unlock()
	c.seq++
	u.Seq = c.seq
	if kind == EventDelta {
		c.sent += u.Text
	}
	s.emit(id, EventName(kind, id), u)
}

// ErrBusy is returned when a reply is still being generated.
var ErrBusy = errors.New("Claude is still answering: wait, or press Stop first")

// Send adds the user's text to conversation id and starts Claude's reply.
func (s *Service) Send(id, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return errors.New("type a message first")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.conv(id)
	if err := c.ready(); err != nil {
		return err
	}
	if n := len(c.msgs); n > 0 && c.msgs[n-1].Role == "assistant" && c.msgs[n-1].Text == "" {
		// A reply that failed before any text: the new message replaces it.
		c.msgs = c.msgs[:n-1]
		s.send(id, c, EventRemoved, Update{Index: n - 1})
	}
	c.msgs = append(c.msgs, Message{Role: "user", Text: text, Status: StatusComplete})
	s.emitMessageLocked(id, c, len(c.msgs)-1)
	s.startLocked(id, c)
	return nil
}

// Retry replaces the last reply with a new one: after a failure, or, to
// regenerate, after a complete one.
func (s *Service) Retry(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.conv(id)
	if err := c.ready(); err != nil {
		return err
	}
	n := len(c.msgs)
	if n == 0 || c.msgs[n-1].Role != "assistant" {
		return errors.New("there is no reply to write again")
	}
	c.msgs = c.msgs[:n-1]
	s.send(id, c, EventRemoved, Update{Index: n - 1})
	s.startLocked(id, c)
	return nil
}

// EditLast replaces the text of the last message the user sent, drops the
// reply to it, and asks again.
func (s *Service) EditLast(id, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return errors.New("type a message first")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.conv(id)
	if err := c.ready(); err != nil {
		return err
	}
	last := -1
	for i, m := range c.msgs {
		if m.Role == "user" {
			last = i
		}
	}
	if last < 0 {
		return errors.New("there is no message to edit")
	}
	for n := len(c.msgs); n > last+1; n-- {
		c.msgs = c.msgs[:n-1]
		s.send(id, c, EventRemoved, Update{Index: n - 1})
	}
	c.msgs[last].Text = text
	s.emitMessageLocked(id, c, last)
	s.startLocked(id, c)
	return nil
}

// SetModel chooses the model for the next replies in conversation id.
func (s *Service) SetModel(id, model string) error {
	if strings.TrimSpace(model) == "" {
		return errors.New("choose a model")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conv(id).model = model
	return nil
}

// SetSystem sets the system prompt for the next replies in conversation id.
func (s *Service) SetSystem(id, system string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conv(id).system = strings.TrimSpace(system)
}

// Stop ends the reply being generated in conversation id, keeping the text
// so far, and returns once it has ended.
func (s *Service) Stop(id string) {
	s.mu.Lock()
	c := s.conv(id)
	cancel, done := c.cancel, c.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Close ends conversation id for good (its window closed): the reply being
// generated stops, and nothing new starts.
func (s *Service) Close(id string) {
	s.mu.Lock()
	s.conv(id).closed = true
	s.mu.Unlock()
	s.Stop(id)
}

// errClosed is returned for a conversation whose window has closed.
var errClosed = errors.New("this conversation's window has closed")

// startLocked appends an empty reply and generates it in a goroutine.
// Callers check c.closed first (see ready).
func (s *Service) startLocked(id string, c *conversation) {
	params := sdk.MessageNewParams{Model: sdk.Model(c.model), MaxTokens: 4096, Messages: turns(c.msgs)}
	if c.system != "" {
		params.System = []sdk.TextBlockParam{{Text: c.system}}
	}
	c.msgs = append(c.msgs, Message{Role: "assistant", Status: StatusStreaming})
	index := len(c.msgs) - 1
	s.emitMessageLocked(id, c, index)
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go s.generate(ctx, id, c, index, params)
}

// generate streams one reply, sending its text at most once per interval.
func (s *Service) generate(ctx context.Context, id string, c *conversation, index int, params sdk.MessageNewParams) {
	var mu sync.Mutex
	var pending, all strings.Builder
	var since time.Time // when the oldest pending text arrived
	flush := func() {
		mu.Lock()
		text, at := pending.String(), since
		pending.Reset()
		mu.Unlock()
		if text != "" {
			s.send(id, c, EventDelta, Update{Index: index, Text: text, At: at.UnixMilli()})
		}
	}
	retrying := false
	ctx = anthropic.OnRetry(ctx, func(attempt int) {
		retrying = true
		s.send(id, c, EventNotice, Update{Index: index, Text: fmt.Sprintf("Anthropic is busy; trying again (%d)…", attempt)})
	})
	// One goroutine sends, so batches stay in order: at once when text
	// arrives after a quiet spell, else at most once per interval.
	kick := make(chan struct{}, 1)
	stopFlusher := make(chan struct{})
	flusherDone := make(chan struct{})
	go func() {
		defer close(flusherDone)
		tick := time.NewTicker(s.interval)
		defer tick.Stop()
		var last time.Time
		for {
			select {
			case <-tick.C:
			case <-kick:
				if time.Since(last) < s.interval {
					continue // the ticker sends it
				}
			case <-stopFlusher:
				return
			}
			flush()
			last = time.Now()
		}
	}()
	msg, err := s.client.Stream(ctx, params, func(t string) {
		if retrying {
			retrying = false
			s.send(id, c, EventNotice, Update{Index: index})
		}
		mu.Lock()
		if pending.Len() == 0 {
			since = time.Now()
		}
		pending.WriteString(t)
		all.WriteString(t)
		mu.Unlock()
		select {
		case kick <- struct{}{}:
		default:
		}
	})
	close(stopFlusher)
	<-flusherDone
	flush()

	final := Message{Role: "assistant", Text: all.String(), Status: StatusComplete}
	switch {
	case err == nil:
		final.Usage = &Usage{Input: msg.InputTokens, Output: msg.OutputTokens}
	case ctx.Err() != nil:
		final.Status = StatusStopped
	case final.Text != "":
		final.Status, final.Error = StatusInterrupted, "The reply was cut off: "+anthropic.Explain(err)
	default:
		final.Status, final.Error = StatusError, anthropic.Explain(err)
	}
	s.mu.Lock()
	c.msgs[index] = final
	c.cancel = nil
	done := c.done
	s.emitMessageLocked(id, c, index)
	s.mu.Unlock()
	close(done)
}

func (s *Service) emitMessageLocked(id string, c *conversation, index int) {
	m := c.msgs[index]
	if m.Status == StatusStreaming {
		c.emitMu.Lock()
		c.sent = ""
		c.emitMu.Unlock()
	}
	s.send(id, c, EventMessage, Update{Index: index, Message: &m})
}

// turns makes the API's alternating turns from the messages: consecutive
// messages of one role (a user message whose reply failed, then another)
// become one turn, and replies without text are left out.
func turns(msgs []Message) []sdk.MessageParam {
	type turn struct {
		role   string
		blocks []sdk.ContentBlockParamUnion
	}
	var ts []turn
	for _, m := range msgs {
		if m.Text == "" {
			continue
		}
		if n := len(ts); n > 0 && ts[n-1].role == m.Role {
			ts[n-1].blocks = append(ts[n-1].blocks, sdk.NewTextBlock(m.Text))
			continue
		}
		ts = append(ts, turn{m.Role, []sdk.ContentBlockParamUnion{sdk.NewTextBlock(m.Text)}})
	}
	out := make([]sdk.MessageParam, len(ts))
	for i, t := range ts {
		if t.role == "user" {
			out[i] = sdk.NewUserMessage(t.blocks...)
		} else {
			out[i] = sdk.NewAssistantMessage(t.blocks...)
		}
	}
	return out
}
