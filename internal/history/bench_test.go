package history

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Run with: go test -run '^$' -bench . -benchtime 20x ./internal/history/

// vocabulary is 5,000 made-up words; words picks from it with a Zipf
// distribution, as in real text: a few words are everywhere, most are rare.
var vocabulary = func() []string {
	syllables := []string{"ka", "lo", "mi", "ren", "tu", "sa", "vel", "qui", "dor", "an", "ez", "pho", "gri", "ux", "bel"}
	r := rand.New(rand.NewPCG(1, 2))
	words := make([]string, 5000)
	for i := range words {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteString(syllables[r.IntN(len(syllables))])
		}
		words[i] = fmt.Sprint(w.String(), i) // unique
	}
	return words
}()

type words struct {
	r    *rand.Rand
	zipf *rand.Zipf
}

func newWords(seed uint64) *words {
	r := rand.New(rand.NewPCG(seed, 7))
	return &words{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(vocabulary)-1))}
}

// text is a message of about n bytes.
func (w *words) text(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(vocabulary[w.zipf.Uint64()])
		b.WriteByte(' ')
	}
	return b.String()
}

// fill adds convs conversations of perConv messages each, alternating
// short questions and longer replies, in one transaction. One message in
// 5,000 also holds the word "quetzal".
func fill(b *testing.B, s *Store, convs, perConv int) []string {
	b.Helper()
	w := newWords(uint64(convs))
	tx, err := s.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	conv, err := tx.Prepare(`INSERT INTO conversations (id, title, model, created, updated) VALUES (?, ?, 'claude-test', ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	msg, err := tx.Prepare(`INSERT INTO messages (conversation_id, position, role, text, status, created) VALUES (?, ?, ?, ?, 'complete', ?)`)
	if err != nil {
		b.Fatal(err)
	}
	now := millis(timeNow())
	ids := make([]string, convs)
	for c := range convs {
		ids[c] = NewID()
		if _, err := conv.Exec(ids[c], w.text(30), now, now); err != nil {
			b.Fatal(err)
		}
		for p := range perConv {
			role, size := RoleUser, 150
			if p%2 == 1 {
				role, size = RoleAssistant, 1000
			}
			text := w.text(size)
			if (c*perConv+p)%5000 == 4999 {
				text += "quetzal"
			}
			if _, err := msg.Exec(ids[c], p, role, text, now); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkOpenLatest50 opens a history and loads the latest 50 messages
// of a conversation, as the core does when it starts and a window opens
// the conversation: checks, migrations and the interrupted-reply update
// included. Target: 150 ms with a conversation of 10,000 messages.
func BenchmarkOpenLatest50(b *testing.B) {
	for _, tc := range []struct {
		name            string
		convs, messages int
	}{
		{"one conversation of 10k messages", 1, 10_000},
		{"1k conversations of 100 messages", 1_000, 100},
	} {
		b.Run(tc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "history.db")
			s, _, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			ids := fill(b, s, tc.convs, tc.messages)
			s.Close()
			for b.Loop() {
				s, _, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				ms, err := s.Latest(ids[0], 50)
				if err != nil || len(ms) != 50 || ms[49].Position != tc.messages-1 {
					b.Fatalf("Latest = %d messages, %v", len(ms), err)
				}
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			if fi, err := os.Stat(path); err == nil {
				b.ReportMetric(float64(fi.Size())/1e6, "MB")
			}
		})
	}
}

// BenchmarkSearch searches 100,000 messages (1,000 conversations of 100)
// for 50 hits. Target: 50 ms.
func BenchmarkSearch(b *testing.B) {
	s := openTest(b)
	fill(b, s, 1_000, 100)
	for _, tc := range []struct{ name, query string }{
		{"common word", vocabulary[2]}, // in most messages
		{"rare word", "quetzal"},       // in 20 messages
		{"absent word", "nowhere"},     // in none
		{"two words", vocabulary[2] + " " + vocabulary[40]},
		{"prefix", vocabulary[100][:3]}, // as the user types
	} {
		b.Run(tc.name, func(b *testing.B) {
			var hits []Hit
			for b.Loop() {
				var err error
				if hits, err = s.Search(tc.query, 50); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(hits)), "hits")
		})
	}
}
