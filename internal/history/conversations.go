package history

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Conversation is one conversation's details, without its messages.
type Conversation struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Model  string `json:"model"`
	System string `json:"system"` // the system prompt
	// Created and Updated are when it began and last changed; List orders
	// by Updated, newest first.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Deleted is when it went to the bin, zero for a live conversation.
	Deleted      time.Time `json:"deleted,omitzero"`
	MessageCount int       `json:"messageCount"`
}

// NewID returns a new random conversation ID: 16 bytes from crypto/rand,
// in hex. Use it to name a conversation before it is saved.
func NewID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// millis converts t for storage; fromMillis converts it back.
func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms) }

// CreateConversation starts a conversation with c's ID (a new one if
// empty; see NewID), Title, Model and System (other fields are ignored) and
// returns it. Use it when the first message of a new chat is to be saved.
func (s *Store) CreateConversation(c Conversation) (Conversation, error) {
	now := timeNow()
	if c.ID == "" {
		c.ID = NewID()
	}
	c = Conversation{
		ID: c.ID, Title: strings.TrimSpace(c.Title), Model: c.Model, System: c.System,
		Created: fromMillis(millis(now)), Updated: fromMillis(millis(now)),
	}
	err := s.write("start a conversation", func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO conversations (id, title, model, system, created, updated) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, c.Title, c.Model, c.System, millis(now), millis(now))
		return err
	})
	if err != nil {
		return Conversation{}, err
	}
	return c, nil
}

const conversationColumns = `c.id, c.title, c.model, c.system, c.created, c.updated, c.deleted,
	(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)`

func scanConversation(row interface{ Scan(...any) error }) (Conversation, error) {
	var c Conversation
	var created, updated int64
	var deleted sql.NullInt64
	if err := row.Scan(&c.ID, &c.Title, &c.Model, &c.System, &created, &updated, &deleted, &c.MessageCount); err != nil {
		return Conversation{}, err
	}
	c.Created, c.Updated = fromMillis(created), fromMillis(updated)
	if deleted.Valid {
		c.Deleted = fromMillis(deleted.Int64)
	}
	return c, nil
}

// Conversation returns conversation id's details, also when it is in the
// bin (see Deleted). Use it when a window opens a conversation.
func (s *Store) Conversation(id string) (Conversation, error) {
	c, err := scanConversation(s.db.QueryRow(`SELECT `+conversationColumns+` FROM conversations c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Conversation{}, fail("read the conversation", err)
	}
	return c, nil
}

// List returns the conversations not in the bin, most recently updated
// first: the conversation list a window shows.
func (s *Store) List() ([]Conversation, error) {
	rows, err := s.db.Query(`SELECT ` + conversationColumns + ` FROM conversations c
		WHERE c.deleted IS NULL ORDER BY c.updated DESC, c.rowid DESC`)
	if err != nil {
		return nil, fail("list your conversations", err)
	}
	defer rows.Close()
	var list []Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fail("list your conversations", err)
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list your conversations", err)
	}
	return list, nil
}

// Rename sets conversation id's title. It does not change Updated: renaming
// does not move a conversation to the top of the list.
func (s *Store) Rename(id, title string) error {
	return s.setColumn("rename the conversation", id, "title", strings.TrimSpace(title))
}

// SetModel records the model chosen for conversation id's next replies.
func (s *Store) SetModel(id, model string) error {
	return s.setColumn("save the model", id, "model", model)
}

// SetSystem records conversation id's system prompt.
func (s *Store) SetSystem(id, system string) error {
	return s.setColumn("save the system prompt", id, "system", system)
}

// setColumn sets one column of one conversation. column is a constant from
// this file, never user input.
func (s *Store) setColumn(doing, id, column string, value any) error {
	return s.write(doing, func(tx *sql.Tx) error {
		return mustChange(tx.Exec(`UPDATE conversations SET `+column+` = ? WHERE id = ?`, value, id))
	})
}

// mustChange turns an update of no rows into ErrNotFound.
func mustChange(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Delete moves conversation id to the bin: it leaves List and Search but
// keeps its messages, so [Store.Restore] can undo it. [Store.Purge] removes
// it for good later. Deleting a conversation already in the bin keeps its
// first deletion time.
func (s *Store) Delete(id string) error {
	return s.write("delete the conversation", func(tx *sql.Tx) error {
		return mustChange(tx.Exec(`UPDATE conversations SET deleted = coalesce(deleted, ?) WHERE id = ?`, millis(timeNow()), id))
	})
}

// Restore takes conversation id out of the bin: the "Undo" of Delete.
func (s *Store) Restore(id string) error {
	return s.write("restore the conversation", func(tx *sql.Tx) error {
		return mustChange(tx.Exec(`UPDATE conversations SET deleted = NULL WHERE id = ?`, id))
	})
}

// Purge removes for good, with their messages, the conversations that went
// to the bin more than olderThan ago, and returns how many. Call it now and
// then (say at startup, with 30 days); Purge(0) empties the bin.
func (s *Store) Purge(olderThan time.Duration) (int, error) {
	var n int64
	err := s.write("empty the bin", func(tx *sql.Tx) error {
		res, err := tx.Exec(`DELETE FROM conversations WHERE deleted IS NOT NULL AND deleted <= ?`, millis(timeNow().Add(-olderThan)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
