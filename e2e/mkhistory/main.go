// Command mkhistory makes a large Parley history for benchmarks: one
// conversation of -long messages, and more conversations of 1,000 messages
// each until the history holds -total messages.
//
//	go run ./e2e/mkhistory -db "$XDG_DATA_HOME/parley/history.db" -long 10000 -total 100000
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"time"

	"parley/internal/history"
)

func main() {
	db := flag.String("db", "", "the history database to fill (created if missing)")
	long := flag.Int("long", 10000, "messages in the long conversation")
	total := flag.Int("total", 100000, "messages in the whole history")
	flag.Parse()
	if *db == "" {
		log.Fatal("mkhistory: -db is required")
	}
	store, _, err := history.Open(*db)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	n := 0
	for i := 0; n < *total; i++ {
		size := min(1000, *total-n)
		title := fmt.Sprintf("Conversation %d", i)
		if i == 0 {
			size, title = *long, "Ten thousand messages"
		}
		if err := add(store, title, size, i); err != nil {
			log.Fatal(err)
		}
		n += size
	}
	fmt.Printf("%d messages in %s\n", n, *db)
}

// add imports a conversation of size messages; words vary with seed, so
// that searches find a few of them or many.
func add(store *history.Store, title string, size, seed int) error {
	doc := history.JSONDocument{
		Format: history.JSONFormat, Version: history.JSONVersion, Exported: time.Now(),
		Conversation: history.JSONConversation{Title: title, Model: "claude-sonnet-4-5", Created: time.Now()},
	}
	for i := range size {
		m := history.JSONMessage{Role: history.RoleUser, Status: history.StatusComplete, Created: time.Now(),
			Text: fmt.Sprintf("Question %d of conversation %d: how do lighthouses%d work?", i, seed, i%97)}
		if i%2 == 1 {
			m.Role = history.RoleAssistant
			m.Text = fmt.Sprintf("Answer %d. A **lighthouse** uses a lamp and a Fresnel lens;\n\n```go\nfmt.Println(%d)\n```\n\nmarker%d", i, i, seed*1000+i)
		}
		doc.Messages = append(doc.Messages, m)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = store.ImportJSON(data)
	return err
}
