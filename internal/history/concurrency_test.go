package history

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestConcurrentWindowsLoseNoUpdate runs what two windows' worth of
// goroutines do at once: create, rename, delete and restore conversations,
// add messages to one shared conversation, stream replies, and read. Every
// change is in the final state.
func TestConcurrentWindowsLoseNoUpdate(t *testing.T) {
	s := openTest(t)
	shared := create(t, s, "shared")
	const windows, perWindow, each = 2, 6, 6
	type outcome struct {
		id, title string
		deleted   bool
		reply     string
	}
	outcomes := make([][]outcome, windows*perWindow)
	var wg sync.WaitGroup
	for g := range windows * perWindow {
		window := g % windows
		wg.Go(func() {
			for i := range each {
				name := fmt.Sprintf("g%d-%d", g, i)
				c, err := s.CreateConversation(Conversation{Title: "untitled"})
				if err != nil {
					t.Error(err)
					return
				}
				o := outcome{id: c.ID, title: "title " + name, reply: "reply to " + name}
				steps := []func() error{
					func() error { return s.Rename(c.ID, o.title) },
					func() error { return s.SetModel(c.ID, "model "+name) },
					func() error {
						_, err := s.AddMessage(shared.ID, Message{Role: RoleUser, Text: name})
						return err
					},
					// Window 0 renames the shared conversation while window 1
					// sets its system prompt: neither change may undo the other.
					func() error {
						if window == 0 {
							return s.Rename(shared.ID, "shared "+name)
						}
						return s.SetSystem(shared.ID, "system "+name)
					},
					func() error {
						r, err := s.AddMessage(c.ID, Message{Role: RoleAssistant, Status: StatusStreaming})
						if err != nil {
							return err
						}
						w := s.NewReplyWriter(r.ID, time.Millisecond)
						for _, word := range []string{"reply ", "to ", name} {
							w.Append(word)
							time.Sleep(time.Millisecond)
						}
						return w.Finish(StatusComplete, "", Usage{})
					},
					func() error {
						if i%3 != 0 {
							return nil
						}
						o.deleted = true
						return s.Delete(c.ID)
					},
					func() error {
						if i%6 != 0 {
							return nil
						}
						o.deleted = false
						return s.Restore(c.ID)
					},
					func() error {
						if _, err := s.List(); err != nil {
							return err
						}
						if _, err := s.Search(name, 5); err != nil {
							return err
						}
						_, err := s.Latest(shared.ID, 10)
						return err
					},
				}
				for _, step := range steps {
					if err := step(); err != nil {
						t.Errorf("%s: %v", name, err)
						return
					}
				}
				outcomes[g] = append(outcomes[g], o)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range list {
		listed[c.ID] = true
	}
	var sharedTexts []string
	titles, systems := map[string]bool{}, map[string]bool{}
	for g, rounds := range outcomes {
		if len(rounds) != each {
			t.Fatalf("goroutine %d finished %d of %d rounds", g, len(rounds), each)
		}
		for i, o := range rounds {
			name := fmt.Sprintf("g%d-%d", g, i)
			sharedTexts = append(sharedTexts, name)
			titles["shared "+name], systems["system "+name] = g%windows == 0, g%windows == 1
			c, err := s.Conversation(o.id)
			if err != nil || c.Title != o.title || c.Model != "model "+name || c.MessageCount != 1 || c.Deleted.IsZero() != !o.deleted {
				t.Errorf("%s: %+v, %v; want title %q, deleted %v", name, c, err, o.title, o.deleted)
			}
			if listed[o.id] == o.deleted {
				t.Errorf("%s: listed %v, deleted %v", name, listed[o.id], o.deleted)
			}
			if ms, err := s.Messages(o.id); err != nil || len(ms) != 1 || ms[0].Text != o.reply || ms[0].Status != StatusComplete {
				t.Errorf("%s: reply %+v, %v", name, ms, err)
			}
		}
	}

	ms, err := s.Messages(shared.ID)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for i, m := range ms {
		if m.Position != i {
			t.Errorf("shared message %d has position %d", i, m.Position)
		}
		texts = append(texts, m.Text)
	}
	slices.Sort(texts)
	slices.Sort(sharedTexts)
	if !slices.Equal(texts, sharedTexts) {
		t.Errorf("shared conversation holds %d messages, want %d", len(texts), len(sharedTexts))
	}
	c, err := s.Conversation(shared.ID)
	if err != nil || !titles[c.Title] || !systems[c.System] {
		t.Errorf("shared conversation lost a change: title %q, system %q, %v", c.Title, c.System, err)
	}
	checkIntegrity(t, s)
}
