package chat

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/anthropic"
	"parley/internal/credential"
	"parley/internal/fakeapi"
	"parley/internal/history"
)

// window records what one conversation's window was sent.
type window struct {
	mu     sync.Mutex
	events []string
	text   map[int]string
	final  map[int]Message
}

type recorder struct {
	mu      sync.Mutex
	windows map[string]*window
}

func (r *recorder) emit(conv, event string, data any) {
	r.mu.Lock()
	w, ok := r.windows[conv]
	if !ok {
		w = &window{text: map[int]string{}, final: map[int]Message{}}
		r.windows[conv] = w
	}
	r.mu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, event)
	u := data.(Update)
	if u.Seq != len(w.events) {
		panic("events out of order")
	}
	if !strings.HasSuffix(event, ":"+conv) {
		panic("event " + event + " for conversation " + conv)
	}
	if u.Message != nil {
		w.final[u.Index] = *u.Message
		if u.Message.Status == StatusStreaming {
			w.text[u.Index] = ""
		}
	} else {
		w.text[u.Index] += u.Text
	}
}

func (r *recorder) window(conv string) *window {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.windows[conv]
}

func setup(t *testing.T) (*Service, *fakeapi.Server, *recorder) {
	t.Helper()
	api := fakeapi.New()
	t.Cleanup(api.Close)
	h := credential.New(credential.Options{})
	key, _ := credential.NewAPIKey("sk-ant-api03-chattest000000000000000000000")
	api.AllowAPIKey(key.Secret())
	if err := h.Set(key); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{windows: map[string]*window{}}
	store := openStore(t)
	return New(Config{Client: anthropic.New(h, anthropic.Options{BaseURL: api.URL}), Store: store, Emit: rec.emit}), api, rec
}

// openStore opens a history in a fresh directory.
func openStore(t *testing.T) *history.Store {
	t.Helper()
	store, _, err := history.Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// messages returns conversation conv's messages as the service holds them
// (loading it, as using it would), failing the test on error.
func messages(t *testing.T, s *Service, conv string) []Message {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.conv(conv)
	if err != nil {
		t.Fatal(err)
	}
	return append([]Message(nil), c.msgs...)
}

// waitDone waits until message index of conv has a final status.
func waitDone(t *testing.T, s *Service, conv string, index int) Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms := messages(t, s, conv)
		if len(ms) > index && ms[index].Status != StatusStreaming {
			return ms[index]
		}
		if time.Now().After(deadline) {
			t.Fatalf("reply %d of %s never finished: %+v", index, conv, ms)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTwoConversationsStreamAtOnceWithoutMixing(t *testing.T) {
	s, api, rec := setup(t)
	api.SetDeltaDelay(2 * time.Millisecond)
	words := func(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	if err := s.Send("a", words("apple", 200)); err != nil {
		t.Fatal(err)
	}
	if err := s.Send("b", words("banana", 200)); err != nil {
		t.Fatal(err)
	}
	for _, conv := range []string{"a", "b"} {
		m := waitDone(t, s, conv, 1)
		if m.Status != StatusComplete || m.Usage == nil {
			t.Fatalf("%s: %+v", conv, m)
		}
		w := rec.window(conv)
		w.mu.Lock()
		streamed, deltas := w.text[1], 0
		for _, e := range w.events {
			if strings.HasPrefix(e, "chat:delta:") {
				deltas++
			}
		}
		w.mu.Unlock()
		if streamed != m.Text {
			t.Errorf("%s: streamed text differs from the final reply", conv)
		}
		other := map[string]string{"a": "banana", "b": "apple"}[conv]
		if strings.Contains(streamed, other) {
			t.Errorf("conversation %s shows the other's text", conv)
		}
		// 200 words over ~400 ms: coalesced to about 30 updates a second.
		if deltas >= 100 {
			t.Errorf("%s: %d delta events for 200 words: not coalesced", conv, deltas)
		}
	}
}

func TestStopKeepsThePartialReply(t *testing.T) {
	s, api, _ := setup(t)
	api.SetDeltaDelay(20 * time.Millisecond)
	if err := s.Send("a", strings.Repeat("word ", 500)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	s.Stop("a")
	m := messages(t, s, "a")[1]
	if m.Status != StatusStopped || m.Text == "" || len(strings.Fields(m.Text)) >= 500 {
		t.Errorf("after Stop: status %s, %d words", m.Status, len(strings.Fields(m.Text)))
	}
	if err := s.Send("a", "next"); err != nil {
		t.Errorf("Send after Stop: %v", err)
	}
}

func TestErrorsSayWhatToDoAndRetryWorks(t *testing.T) {
	s, api, _ := setup(t)
	api.FailNext(10, 529, 0) // more than the SDK's retries
	if err := s.Send("a", "hello"); err != nil {
		t.Fatal(err)
	}
	m := waitDone(t, s, "a", 1)
	if m.Status != StatusError || !strings.Contains(m.Error, "overloaded") {
		t.Fatalf("after 529s: %+v", m)
	}
	// Sending again instead of retrying replaces the empty failed reply,
	// so the conversation stays valid for the API.
	api.FailNext(0, 0, 0)
	if err := s.Send("a", "again"); err != nil {
		t.Fatal(err)
	}
	if m := waitDone(t, s, "a", 2); m.Status != StatusComplete {
		t.Fatalf("send after a failed reply: %+v (%+v)", m, messages(t, s, "a"))
	}
	s2, api2, _ := setup(t)
	api2.CutStreamAfter(3)
	if err := s2.Send("c", "one two three four five six seven"); err != nil {
		t.Fatal(err)
	}
	m = waitDone(t, s2, "c", 1)
	if m.Status != StatusInterrupted || m.Text == "" || !strings.Contains(m.Error, "cut off") {
		t.Fatalf("after a dropped connection: %+v", m)
	}
	if err := s2.Retry("c"); err != nil {
		t.Fatal(err)
	}
	m = waitDone(t, s2, "c", 1)
	if m.Status != StatusComplete || !strings.Contains(m.Text, "seven") {
		t.Errorf("after Retry: %+v", m)
	}
	if n := len(messages(t, s2, "c")); n != 2 {
		t.Errorf("%d messages after Retry, want the user message and one reply", n)
	}
}

func TestBusyAndEmptySends(t *testing.T) {
	s, api, _ := setup(t)
	api.SetDeltaDelay(10 * time.Millisecond)
	if err := s.Send("a", "   "); err == nil {
		t.Error("an empty message was sent")
	}
	_ = s.Send("a", strings.Repeat("x ", 100))
	if err := s.Send("a", "more"); err != ErrBusy {
		t.Errorf("Send while answering: %v", err)
	}
	s.Stop("a")
}

func TestMessagesAreSavedBeforeSendingAndAsTheyEnd(t *testing.T) {
	s, api, _ := setup(t)
	store := s.cfg.Store
	var atRequest []history.Message
	api.SetReply(func(r fakeapi.MessagesRequest) string {
		atRequest, _ = store.Messages("a") // what was saved when the request arrived
		return "one two three"
	})
	if err := s.Send("a", "Hello there\nsecond line"); err != nil {
		t.Fatal(err)
	}
	waitDone(t, s, "a", 1)
	if len(atRequest) == 0 || atRequest[0].Role != "user" || atRequest[0].Text != "Hello there\nsecond line" {
		t.Fatalf("saved when the request arrived: %+v", atRequest)
	}
	saved, err := store.Messages("a")
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 2 || saved[1].Text != "one two three" || saved[1].Status != history.StatusComplete || saved[1].OutputTokens == 0 {
		t.Fatalf("saved after the reply: %+v", saved)
	}
	conv, err := store.Conversation("a")
	if err != nil || conv.Title != "Hello there" || conv.Model != DefaultModel {
		t.Errorf("saved conversation %+v, %v", conv, err)
	}

	// A stopped reply is saved as stopped, with its text so far.
	api.SetReply(nil)
	api.SetDeltaDelay(20 * time.Millisecond)
	if err := s.Send("a", strings.Repeat("word ", 300)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	s.Stop("a")
	saved, _ = store.Messages("a")
	if last := saved[len(saved)-1]; last.Status != history.StatusStopped || last.Text == "" {
		t.Errorf("a stopped reply was saved as %s with %q", last.Status, last.Text)
	}

	// Another Service on the same history (Parley restarted) has it all.
	again := New(Config{Client: s.cfg.Client, Store: store, Emit: func(string, string, any) {}})
	snap, err := again.Snapshot("a", 0)
	if err != nil || len(snap.Messages) != 4 || snap.Messages[1].Text != "one two three" || snap.Messages[3].Status != StatusStopped {
		t.Errorf("reopened: %+v, %v", snap, err)
	}
}

func TestRetryAndEditReplaceWhatWasSaved(t *testing.T) {
	s, api, _ := setup(t)
	store := s.cfg.Store
	api.FailNext(10, 529, 0)
	_ = s.Send("a", "first")
	waitDone(t, s, "a", 1)
	api.FailNext(0, 0, 0)
	if err := s.Retry("a"); err != nil {
		t.Fatal(err)
	}
	waitDone(t, s, "a", 1)
	if err := s.EditLast("a", "first, edited"); err != nil {
		t.Fatal(err)
	}
	waitDone(t, s, "a", 1)
	saved, _ := store.Messages("a")
	if len(saved) != 2 || saved[0].Text != "first, edited" || !strings.Contains(saved[1].Text, "first, edited") || saved[1].Status != history.StatusComplete {
		t.Errorf("saved after retry and edit: %+v", saved)
	}
	mem := messages(t, s, "a")
	if len(mem) != len(saved) || mem[1].Text != saved[1].Text {
		t.Errorf("in memory %+v, saved %+v", mem, saved)
	}
}

func TestAMessageThatCannotBeSavedIsNotSent(t *testing.T) {
	s, api, rec := setup(t)
	s.cfg.Store.Close() // the history is gone: every write fails
	if err := s.Send("a", "hello"); err == nil {
		t.Fatal("Send succeeded with no history to save to")
	}
	if n := len(api.Log()); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
	if w := rec.window("a"); w != nil {
		t.Errorf("the window was told %v", w.events)
	}
}

func TestSnapshotAndPageWindowALongConversation(t *testing.T) {
	s, _, _ := setup(t)
	store := s.cfg.Store
	if _, err := store.CreateConversation(history.Conversation{ID: "long", Title: "Long"}); err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		role := []string{"user", "assistant"}[i%2]
		if _, err := store.AddMessage("long", history.Message{Role: role, Text: fmt.Sprintf("m%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Read from the history while the conversation is not in use, then
	// from memory once it is: the same.
	for _, state := range []string{"saved", "in use"} {
		if state == "in use" {
			messages(t, s, "long")
		}
		snap, err := s.Snapshot("long", 50)
		if err != nil || snap.First != 70 || snap.Total != 120 || len(snap.Messages) != 50 || snap.Messages[0].Text != "m70" {
			t.Fatalf("%s: snapshot first %d total %d, %d messages, %v", state, snap.First, snap.Total, len(snap.Messages), err)
		}
		page, err := s.Page("long", 20, 70)
		if err != nil || len(page) != 50 || page[0].Text != "m20" || page[49].Text != "m69" {
			t.Fatalf("%s: page: %d messages, %v", state, len(page), err)
		}
		if page, _ := s.Page("long", -5, 3); len(page) != 3 || page[0].Text != "m0" {
			t.Errorf("%s: page clipped at the start: %+v", state, page)
		}
		if page, _ := s.Page("long", 100, 500); len(page) != 20 || page[0].Text != "m100" {
			t.Errorf("%s: page clipped at the end: %d messages", state, len(page))
		}
		if page, _ := s.Page("nowhere", 0, 10); len(page) != 0 {
			t.Errorf("%s: a page of a conversation that does not exist: %+v", state, page)
		}
	}
}

func TestCloseStopsSavesAndForgetsTheConversation(t *testing.T) {
	s, api, _ := setup(t)
	api.SetDeltaDelay(20 * time.Millisecond)
	for _, conv := range []string{"a", "b"} {
		if err := s.Send(conv, strings.Repeat("word ", 300)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	s.Close("a")
	s.CloseAll() // b, and a again: nothing left to do for it
	for _, conv := range []string{"a", "b"} {
		saved, err := s.cfg.Store.Messages(conv)
		if err != nil || len(saved) != 2 || saved[1].Status != history.StatusStopped || saved[1].Text == "" {
			t.Errorf("%s saved as %+v, %v; want the partial reply, stopped", conv, saved, err)
		}
		s.mu.Lock()
		_, held := s.convs[conv]
		s.mu.Unlock()
		if held {
			t.Errorf("%s is still held in memory after Close", conv)
		}
		// Opened again, it is read back from the history, its events
		// numbered afresh.
		snap, err := s.Snapshot(conv, 0)
		if err != nil || snap.Seq != 0 || len(snap.Messages) != 2 || snap.Messages[1].Status != StatusStopped || snap.Messages[1].Text != saved[1].Text {
			t.Errorf("%s reopened: %+v, %v", conv, snap, err)
		}
	}
}
