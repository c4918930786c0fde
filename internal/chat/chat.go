// Package chat runs Parley's conversations in the core: one goroutine per
// reply being generated, cancellable, with the reply's text sent to its
// window in batches at display rate, never one message per token. Every
// message is kept in the history: the user's before it is sent, a reply
// as it grows.
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
	"parley/internal/history"
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

// Config configures a Service.
type Config struct {
	Client *anthropic.Client
	// Store keeps the conversations.
	Store *history.Store
	// Emit tells windows about a conversation; it must not block.
	Emit func(conv, event string, data any)
	// Changed, if set, is told when a conversation starts a reply or
	// finishes one: lists of conversations are out of date. It must not
	// block.
	Changed func(conv string)
	// Interval bounds how often a streaming reply's text is sent (default
	// 33 ms, about 30 updates a second); SaveInterval how often it is saved
	// (default history.DefaultSaveInterval).
	Interval, SaveInterval time.Duration
}

// Service holds the conversations open in windows. Create it with New.
type Service struct {
	cfg Config

	mu    sync.Mutex
	convs map[string]*conversation
}

type conversation struct {
	closed bool // its window is gone: nothing starts any more
	saved  bool // it is in the history
	system string
	emitMu sync.Mutex // orders emission; held only while queueing an event
	seq    int        // the last event's Seq
	sent   string     // the streaming reply's text sent so far
	msgs   []Message
	model  string
	cancel context.CancelFunc // non-nil while a reply is generated
	done   chan struct{}
}

// New returns a Service configured by cfg.
func New(cfg Config) *Service {
	if cfg.Interval == 0 {
		cfg.Interval = 33 * time.Millisecond
	}
	if cfg.Changed == nil {
		cfg.Changed = func(string) {}
	}
	return &Service{cfg: cfg, convs: map[string]*conversation{}}
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

// conv returns conversation id, loading it from the history the first
// time; a conversation the history does not have is new.
func (s *Service) conv(id string) (*conversation, error) {
	if c, ok := s.convs[id]; ok {
		return c, nil
	}
	c := &conversation{model: DefaultModel}
	saved, err := s.cfg.Store.Conversation(id)
	switch {
	case errors.Is(err, history.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		ms, err := s.cfg.Store.Messages(id)
		if err != nil {
			return nil, err
		}
		c.saved, c.system, c.msgs = true, saved.System, make([]Message, len(ms))
		if saved.Model != "" {
			c.model = saved.Model
		}
		for i, m := range ms {
			c.msgs[i] = fromHistory(m)
		}
	}
	s.convs[id] = c
	return c, nil
}

// fromHistory is a saved message as windows show it.
func fromHistory(m history.Message) Message {
	out := Message{Role: m.Role, Text: m.Text, Status: m.Status, Error: m.Error}
	if m.InputTokens != 0 || m.OutputTokens != 0 {
		out.Usage = &Usage{Input: m.InputTokens, Output: m.OutputTokens}
	}
	return out
}

// Snapshot is the end of a conversation as it stands: its messages from
// index First on, of Total, and the Seq of the last event it includes.
type Snapshot struct {
	Messages []Message `json:"messages"`
	First    int       `json:"first"`
	Total    int       `json:"total"`
	Seq      int       `json:"seq"`
	Model    string    `json:"model"`
	System   string    `json:"system"`
}

// Snapshot returns the last n messages of conversation id (all if n <= 0)
// as they stand, for a window that opens or reloads it. Earlier messages
// come from Page as the user scrolls up.
func (s *Service) Snapshot(id string, n int) (Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[id]
	if !ok {
		// Not in use: read only what is asked for. Its events, once it is in
		// use, are numbered from 1.
		return s.savedSnapshot(id, n)
	}
	c.emitMu.Lock()
	defer c.emitMu.Unlock()
	first := 0
	if n > 0 {
		first = max(len(c.msgs)-n, 0)
	}
	// Text streamed but not yet sent is in the next delta, after c.seq.
	msgs := append([]Message{}, c.msgs[first:]...)
	for i := range msgs {
		if msgs[i].Status == StatusStreaming {
			msgs[i].Text = c.sent
		}
	}
	return Snapshot{Messages: msgs, First: first, Total: len(c.msgs), Seq: c.seq, Model: c.model, System: c.system}, nil
}

// savedSnapshot is the last n messages of a conversation not in use, from
// the history.
func (s *Service) savedSnapshot(id string, n int) (Snapshot, error) {
	snap := Snapshot{Messages: []Message{}, Model: DefaultModel}
	conv, err := s.cfg.Store.Conversation(id)
	if errors.Is(err, history.ErrNotFound) {
		return snap, nil // a new conversation
	}
	if err != nil {
		return Snapshot{}, err
	}
	var saved []history.Message
	if n > 0 {
		saved, err = s.cfg.Store.Latest(id, n)
	} else {
		saved, err = s.cfg.Store.Messages(id)
	}
	if err != nil {
		return Snapshot{}, err
	}
	for _, m := range saved {
		snap.Messages = append(snap.Messages, fromHistory(m))
	}
	snap.Total, snap.System = conv.MessageCount, conv.System
	snap.First = snap.Total - len(snap.Messages)
	if conv.Model != "" {
		snap.Model = conv.Model
	}
	return snap, nil
}

// Page returns conversation id's messages from index from up to (not
// including) to, clipped to those that exist: the earlier messages a
// window loads as the user scrolls up.
func (s *Service) Page(id string, from, to int) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from = max(from, 0)
	c, ok := s.convs[id]
	if !ok {
		out := []Message{}
		conv, err := s.cfg.Store.Conversation(id)
		if errors.Is(err, history.ErrNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if to = min(to, conv.MessageCount); from >= to {
			return out, nil
		}
		saved, err := s.cfg.Store.Before(id, to, to-from)
		if err != nil {
			return nil, err
		}
		for _, m := range saved {
			out = append(out, fromHistory(m))
		}
		return out, nil
	}
	to = min(to, len(c.msgs))
	if from >= to {
		return []Message{}, nil
	}
	return append([]Message{}, c.msgs[from:to]...), nil
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
	s.cfg.Emit(id, EventName(kind, id), u)
}

// ErrBusy is returned when a reply is still being generated.
var ErrBusy = errors.New("Claude is still answering: wait, or press Stop first")

// Title is what a conversation is called after its first message.
func Title(text string) string {
	title := strings.TrimSpace(strings.SplitN(strings.TrimSpace(text), "\n", 2)[0])
	if r := []rune(title); len(r) > 50 {
		title = string(r[:50]) + "…"
	}
	return title
}

// Send adds the user's text to conversation id, saved before anything is
// sent, and starts Claude's reply. If the text cannot be saved, nothing
// changes and the error says why.
func (s *Service) Send(id, text string) error {
	text, err := userText(text)
	if err != nil {
		return err
	}
	return s.reply(id, func(c *conversation) error {
		if n := len(c.msgs); n > 0 && c.msgs[n-1].Role == "assistant" && c.msgs[n-1].Text == "" {
			// A reply that failed before any text: the new message replaces it.
			if err := s.truncateLocked(id, c, n-1); err != nil {
				return err
			}
		}
		if !c.saved {
			_, err := s.cfg.Store.CreateConversation(history.Conversation{ID: id, Title: Title(text), Model: c.model, System: c.system})
			if err != nil {
				return err
			}
			c.saved = true
		}
		return s.addUserLocked(id, c, text)
	})
}

// Retry replaces the last reply with a new one: after a failure, or, to
// regenerate, after a complete one.
func (s *Service) Retry(id string) error {
	return s.reply(id, func(c *conversation) error {
		n := len(c.msgs)
		if n == 0 || c.msgs[n-1].Role != "assistant" {
			return errors.New("there is no reply to write again")
		}
		return s.truncateLocked(id, c, n-1)
	})
}

// EditLast replaces the text of the last message the user sent, drops the
// reply to it, and asks again.
func (s *Service) EditLast(id, text string) error {
	text, err := userText(text)
	if err != nil {
		return err
	}
	return s.reply(id, func(c *conversation) error {
		last := -1
		for i, m := range c.msgs {
			if m.Role == "user" {
				last = i
			}
		}
		if last < 0 {
			return errors.New("there is no message to edit")
		}
		if err := s.truncateLocked(id, c, last); err != nil {
			return err
		}
		return s.addUserLocked(id, c, text)
	})
}

// userText is what the user typed, without the spaces around it; empty is
// an error.
func userText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", errors.New("type a message first")
	}
	return text, nil
}

// reply prepares conversation id for a new reply, under the lock, and starts
// it; it changes nothing if the conversation is busy or closed, and starts
// nothing if prepare fails.
func (s *Service) reply(id string, prepare func(c *conversation) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	if err := c.ready(); err != nil {
		return err
	}
	if err := prepare(c); err != nil {
		return err
	}
	s.startLocked(id, c)
	return nil
}

// addUserLocked saves text as the user's next message in conversation id,
// then shows it.
func (s *Service) addUserLocked(id string, c *conversation, text string) error {
	if _, err := s.cfg.Store.AddMessage(id, history.Message{Role: "user", Text: text}); err != nil {
		return err
	}
	c.msgs = append(c.msgs, Message{Role: "user", Text: text, Status: StatusComplete})
	s.emitMessageLocked(id, c, len(c.msgs)-1)
	return nil
}

// truncateLocked removes conversation id's messages from index on, from the
// history first.
func (s *Service) truncateLocked(id string, c *conversation, index int) error {
	if c.saved {
		if err := s.cfg.Store.Truncate(id, index); err != nil {
			return err
		}
	}
	for n := len(c.msgs); n > index; n-- {
		c.msgs = c.msgs[:n-1]
		s.send(id, c, EventRemoved, Update{Index: n - 1})
	}
	return nil
}

// SetModel chooses the model for the next replies in conversation id.
func (s *Service) SetModel(id, model string) error {
	if strings.TrimSpace(model) == "" {
		return errors.New("choose a model")
	}
	return s.update(id, func(c *conversation) error {
		if c.saved {
			if err := s.cfg.Store.SetModel(id, model); err != nil {
				return err
			}
		}
		c.model = model
		return nil
	})
}

// SetSystem sets the system prompt for the next replies in conversation id.
func (s *Service) SetSystem(id, system string) error {
	system = strings.TrimSpace(system)
	return s.update(id, func(c *conversation) error {
		if c.saved {
			if err := s.cfg.Store.SetSystem(id, system); err != nil {
				return err
			}
		}
		c.system = system
		return nil
	})
}

// update runs fn on conversation id under the lock.
func (s *Service) update(id string, fn func(*conversation) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	return fn(c)
}

// Stop ends the reply being generated in conversation id, keeping the text
// so far, and returns once it has ended and been saved.
func (s *Service) Stop(id string) {
	s.mu.Lock()
	var cancel context.CancelFunc
	var done chan struct{}
	if c, ok := s.convs[id]; ok {
		cancel, done = c.cancel, c.done
	}
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Close is called when conversation id leaves its window: the reply being
// generated stops (and is saved as stopped), and the conversation is
// forgotten here; opened again, it is read back from the history.
func (s *Service) Close(id string) {
	s.mu.Lock()
	c, ok := s.convs[id]
	if ok {
		c.closed = true
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	s.Stop(id)
	s.mu.Lock()
	if s.convs[id] == c {
		delete(s.convs, id)
	}
	s.mu.Unlock()
}

// CloseAll closes every conversation, waiting for their replies to stop
// and be saved. Call it before closing the history.
func (s *Service) CloseAll() {
	s.mu.Lock()
	ids := make([]string, 0, len(s.convs))
	for id := range s.convs {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.Close(id)
	}
}

// errClosed is returned for a conversation whose window has closed.
var errClosed = errors.New("this conversation's window has closed")

// startLocked adds an empty reply, saved with status streaming, and
// generates it in a goroutine. Callers check c.closed first (see ready).
func (s *Service) startLocked(id string, c *conversation) {
	params := sdk.MessageNewParams{Model: sdk.Model(c.model), MaxTokens: 4096, Messages: turns(c.msgs)}
	if c.system != "" {
		params.System = []sdk.TextBlockParam{{Text: c.system}}
	}
	var saver *history.ReplyWriter
	saved, saveErr := s.cfg.Store.AddMessage(id, history.Message{Role: "assistant", Status: history.StatusStreaming})
	if saveErr == nil {
		saver = s.cfg.Store.NewReplyWriter(saved.ID, s.cfg.SaveInterval)
	}
	c.msgs = append(c.msgs, Message{Role: "assistant", Status: StatusStreaming})
	index := len(c.msgs) - 1
	s.emitMessageLocked(id, c, index)
	if saveErr != nil {
		s.send(id, c, EventNotice, Update{Index: index, Text: notSaved(saveErr)})
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	s.cfg.Changed(id)
	go s.generate(ctx, id, c, index, params, saver)
}

// notSaved tells the user that a reply is shown but not kept.
func notSaved(err error) string {
	return "This reply is not being saved: " + err.Error()
}

// generate streams one reply, sending its text at most once per interval
// and saving it through saver (nil if it could not be saved).
func (s *Service) generate(ctx context.Context, id string, c *conversation, index int, params sdk.MessageNewParams, saver *history.ReplyWriter) {
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
	notice := "" // the notice shown on the reply
	setNotice := func(text string) {
		if text != notice {
			notice = text
			s.send(id, c, EventNotice, Update{Index: index, Text: text})
		}
	}
	ctx = anthropic.OnRetry(ctx, func(attempt int) {
		setNotice(fmt.Sprintf("Anthropic is busy; trying again (%d)…", attempt))
	})
	// One goroutine sends, so batches stay in order: at once when text
	// arrives after a quiet spell, else at most once per interval.
	kick := make(chan struct{}, 1)
	stopFlusher := make(chan struct{})
	flusherDone := make(chan struct{})
	go func() {
		defer close(flusherDone)
		tick := time.NewTicker(s.cfg.Interval)
		defer tick.Stop()
		var last time.Time
		for {
			select {
			case <-tick.C:
			case <-kick:
				if time.Since(last) < s.cfg.Interval {
					continue // the ticker sends it
				}
			case <-stopFlusher:
				return
			}
			flush()
			last = time.Now()
		}
	}()
	msg, err := s.cfg.Client.Stream(ctx, params, func(t string) {
		var saveErr error
		if saver != nil {
			saveErr = saver.Append(t)
		}
		if saveErr != nil {
			setNotice(notSaved(saveErr))
		} else if strings.HasPrefix(notice, "Anthropic is busy") {
			setNotice("")
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
	if saver != nil {
		var usage history.Usage
		if final.Usage != nil {
			usage = history.Usage{Input: final.Usage.Input, Output: final.Usage.Output}
		}
		if err := saver.Finish(final.Status, final.Error, usage); err != nil {
			final.Error = strings.TrimSpace(final.Error + " " + notSaved(err))
		}
	}
	s.mu.Lock()
	c.msgs[index] = final
	c.cancel = nil
	done := c.done
	s.emitMessageLocked(id, c, index)
	s.mu.Unlock()
	s.cfg.Changed(id)
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
