package history_test

import (
	"fmt"
	"os"
	"path/filepath"

	"parley/internal/history"
)

// How the core uses the history: open it at startup, save the user's
// message before sending it, then save the reply as it streams.
func Example() {
	dir, _ := os.MkdirTemp("", "parley-example-")
	defer os.RemoveAll(dir)

	// At startup (the app passes history.DefaultPath()).
	store, recovered, err := history.Open(filepath.Join(dir, "history.db"))
	if err != nil {
		fmt.Println(err) // says what to do, e.g. about permissions
		return
	}
	defer store.Close()
	if recovered != nil {
		fmt.Println(recovered.Message()) // show it to the user once
	}

	conv, _ := store.CreateConversation(history.Conversation{Title: "Rain", Model: "claude-sonnet-4-5"})
	store.AddMessage(conv.ID, history.Message{Role: history.RoleUser, Text: "A haiku about rain?"})
	reply, _ := store.AddMessage(conv.ID, history.Message{Role: history.RoleAssistant, Status: history.StatusStreaming})

	w := store.NewReplyWriter(reply.ID, 0) // saves at most every 250 ms
	for _, delta := range []string{"Rain on maple leaves", " / ", "the gutter hums"} {
		w.Append(delta)
	}
	if err := w.Finish(history.StatusComplete, "", history.Usage{Input: 12, Output: 9}); err != nil {
		fmt.Println(err) // e.g. "Parley could not save the reply: the disk is full. …"
	}

	msgs, _ := store.Latest(conv.ID, 50)
	for _, m := range msgs {
		fmt.Printf("%s (%s): %s\n", m.Role, m.Status, m.Text)
	}
	hits, _ := store.Search("gutter", 10)
	fmt.Println(len(hits), "hit in", hits[0].Title)
	// Output:
	// user (complete): A haiku about rain?
	// assistant (complete): Rain on maple leaves / the gutter hums
	// 1 hit in Rain
}
