package history

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// JSONFormat and JSONVersion identify the file [Store.ExportJSON] writes.
// The version changes only when a field changes meaning or goes away; new
// fields may appear without a new version, so readers ignore fields they do
// not know.
const (
	JSONFormat  = "parley.conversation"
	JSONVersion = 1
)

// JSONDocument is the shape of an exported conversation:
//
//	{
//	  "format": "parley.conversation",
//	  "version": 1,
//	  "exported": "2026-01-02T15:04:05Z",
//	  "conversation": {"id": "…", "title": "…", "model": "…",
//	                   "system": "…", "created": "…", "updated": "…"},
//	  "messages": [{"role": "user", "text": "…", "status": "complete",
//	                "created": "…"}, …]
//	}
//
// Times are RFC 3339 in UTC. A message's "error" and "usage" appear only
// when set.
type JSONDocument struct {
	Format       string           `json:"format"`
	Version      int              `json:"version"`
	Exported     time.Time        `json:"exported"`
	Conversation JSONConversation `json:"conversation"`
	Messages     []JSONMessage    `json:"messages"`
}

// JSONConversation is a conversation's details in a [JSONDocument].
type JSONConversation struct {
	ID      string    `json:"id,omitempty"`
	Title   string    `json:"title"`
	Model   string    `json:"model"`
	System  string    `json:"system"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// JSONMessage is one message in a [JSONDocument], in order.
type JSONMessage struct {
	Role    string     `json:"role"`
	Text    string     `json:"text"`
	Status  string     `json:"status"`
	Error   string     `json:"error,omitempty"`
	Usage   *JSONUsage `json:"usage,omitempty"`
	Created time.Time  `json:"created"`
}

// JSONUsage is a reply's token count in a [JSONDocument].
type JSONUsage struct {
	Input  int64 `json:"input"`
	Output int64 `json:"output"`
}

// snapshot reads a conversation and its messages as of one moment.
func (s *Store) snapshot(convID string) (Conversation, []Message, error) {
	tx, err := s.db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true}) // a deferred, read-only transaction
	if err != nil {
		return Conversation{}, nil, fail("export the conversation", err)
	}
	defer tx.Rollback()
	c, err := scanConversation(tx.QueryRow(`SELECT `+conversationColumns+` FROM conversations c WHERE c.id = ?`, convID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Conversation{}, nil, fail("export the conversation", err)
	}
	rows, err := tx.Query(`SELECT `+messageColumns+` FROM messages WHERE conversation_id = ? ORDER BY position`, convID)
	if err != nil {
		return Conversation{}, nil, fail("export the conversation", err)
	}
	ms, err := scanMessages(rows)
	if err != nil {
		return Conversation{}, nil, fail("export the conversation", err)
	}
	return c, ms, nil
}

// ExportJSON returns conversation convID as a [JSONDocument], indented:
// for "Export as JSON" and backups. [Store.ImportJSON] reads it back.
func (s *Store) ExportJSON(convID string) ([]byte, error) {
	c, ms, err := s.snapshot(convID)
	if err != nil {
		return nil, err
	}
	doc := JSONDocument{
		Format: JSONFormat, Version: JSONVersion, Exported: timeNow().UTC().Truncate(time.Second),
		Conversation: JSONConversation{
			ID: c.ID, Title: c.Title, Model: c.Model, System: c.System,
			Created: c.Created.UTC(), Updated: c.Updated.UTC(),
		},
		Messages: make([]JSONMessage, len(ms)),
	}
	for i, m := range ms {
		jm := JSONMessage{Role: m.Role, Text: m.Text, Status: m.Status, Error: m.Error, Created: m.Created.UTC()}
		if m.InputTokens != 0 || m.OutputTokens != 0 {
			jm.Usage = &JSONUsage{Input: m.InputTokens, Output: m.OutputTokens}
		}
		doc.Messages[i] = jm
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ImportJSON adds the conversation in data, a [JSONDocument], as a new
// conversation with a new ID, all of it or (on any error) nothing, and
// returns it: for restoring an export. It keeps the conversation's and
// messages' creation times; its Updated is now, so it tops the list. A
// reply that was streaming when exported comes in as interrupted.
func (s *Store) ImportJSON(data []byte) (Conversation, error) {
	var doc JSONDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return Conversation{}, fmt.Errorf("Parley could not import the conversation: the file is not valid JSON (%v)", err)
	}
	if doc.Format != JSONFormat || doc.Version < 1 || doc.Version > JSONVersion {
		return Conversation{}, fmt.Errorf("Parley could not import the conversation: it is not a Parley conversation export it can read (format %q, version %d)", doc.Format, doc.Version)
	}
	for i, m := range doc.Messages {
		if m.Status == "" || m.Status == StatusStreaming {
			doc.Messages[i].Status = StatusInterrupted
		}
		if !validRole(m.Role) || !validStatus(doc.Messages[i].Status) {
			return Conversation{}, fmt.Errorf("Parley could not import the conversation: message %d has role %q and status %q, which Parley does not know", i+1, m.Role, m.Status)
		}
	}
	now := timeNow()
	jc := doc.Conversation
	c := Conversation{
		ID: NewID(), Title: jc.Title, Model: jc.Model, System: jc.System,
		Created: orNow(jc.Created, now), Updated: fromMillis(millis(now)), MessageCount: len(doc.Messages),
	}
	c.Created = fromMillis(millis(c.Created))
	err := s.write("import the conversation", func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO conversations (id, title, model, system, created, updated) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, c.Title, c.Model, c.System, millis(c.Created), millis(c.Updated)); err != nil {
			return err
		}
		insert, err := tx.Prepare(`INSERT INTO messages (conversation_id, position, role, text, status, error, input_tokens, output_tokens, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insert.Close()
		for i, m := range doc.Messages {
			var u JSONUsage
			if m.Usage != nil {
				u = *m.Usage
			}
			if _, err := insert.Exec(c.ID, i, m.Role, m.Text, m.Status, m.Error, u.Input, u.Output, millis(orNow(m.Created, now))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Conversation{}, err
	}
	return c, nil
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// ExportMarkdown returns conversation convID as a Markdown document: a
// title, the model and system prompt, then each message under "You" or
// "Claude", with a note when a reply ended early. For "Export as Markdown"
// and sharing.
func (s *Store) ExportMarkdown(convID string) ([]byte, error) {
	c, ms, err := s.snapshot(convID)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	title := c.Title
	if title == "" {
		title = "Conversation"
	}
	fmt.Fprintf(&b, "# %s\n\n", oneLine(title))
	fmt.Fprintf(&b, "Started %s", c.Created.Format("2 January 2006, 15:04"))
	if c.Model != "" {
		fmt.Fprintf(&b, " · Model: %s", c.Model)
	}
	b.WriteString("\n")
	if c.System != "" {
		b.WriteString("\n**System prompt**\n\n")
		for _, line := range strings.Split(c.System, "\n") {
			b.WriteString(strings.TrimRight("> "+line, " ") + "\n")
		}
	}
	for _, m := range ms {
		who := "You"
		if m.Role == RoleAssistant {
			who = "Claude"
		}
		fmt.Fprintf(&b, "\n## %s\n\n", who)
		if m.Text != "" {
			b.WriteString(strings.TrimRight(m.Text, "\n") + "\n")
		}
		if note := statusNote(m); note != "" {
			if m.Text != "" {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "*%s*\n", note)
		}
	}
	return b.Bytes(), nil
}

// statusNote says how a reply ended, when it did not complete.
func statusNote(m Message) string {
	var note string
	switch m.Status {
	case StatusStopped:
		note = "Stopped."
	case StatusInterrupted:
		note = "Interrupted."
	case StatusError:
		note = "Failed."
	case StatusStreaming:
		note = "Still being written."
	}
	if m.Error != "" {
		note = strings.TrimSpace(note + " " + oneLine(m.Error))
	}
	return note
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
