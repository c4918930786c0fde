package chat

import (
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/anthropic"
	"parley/internal/credential"
	"parley/internal/fakeapi"
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
	return New(anthropic.New(h, anthropic.Options{BaseURL: api.URL}), rec.emit, 0), api, rec
}

// waitDone waits until message index of conv has a final status.
func waitDone(t *testing.T, s *Service, conv string, index int) Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms := s.Messages(conv)
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
	m := s.Messages("a")[1]
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
		t.Fatalf("send after a failed reply: %+v (%+v)", m, s.Messages("a"))
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
	if n := len(s2.Messages("c")); n != 2 {
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
