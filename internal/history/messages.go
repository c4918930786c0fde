package history

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Roles of a message.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message statuses, as in package chat.
const (
	StatusComplete    = "complete"
	StatusStreaming   = "streaming"   // the reply is still being written
	StatusStopped     = "stopped"     // the user pressed Stop
	StatusInterrupted = "interrupted" // the reply was cut off, or Parley closed mid-reply
	StatusError       = "error"
)

// Message is one turn of a conversation.
type Message struct {
	ID             int64  `json:"id"`
	ConversationID string `json:"conversationId"`
	// Position numbers a conversation's messages from 0, in order.
	Position int    `json:"position"`
	Role     string `json:"role"` // RoleUser or RoleAssistant
	Text     string `json:"text"`
	Status   string `json:"status"`
	// Error says, for the user, why the reply ended early.
	Error        string    `json:"error,omitempty"`
	InputTokens  int64     `json:"inputTokens,omitempty"`
	OutputTokens int64     `json:"outputTokens,omitempty"`
	Created      time.Time `json:"created"`
}

// Usage is a reply's token count.
type Usage struct {
	Input  int64
	Output int64
}

func validRole(role string) bool { return role == RoleUser || role == RoleAssistant }

func validStatus(status string) bool {
	switch status {
	case StatusComplete, StatusStreaming, StatusStopped, StatusInterrupted, StatusError:
		return true
	}
	return false
}

// AddMessage appends m to conversation convID, after its last message, and
// makes the conversation the most recently updated, in one transaction.
// m's Role, Text, Status, Error and tokens are saved (Status defaults to
// complete); the returned message has its ID, Position and Created.
//
// Save the user's message with it before sending the request, then the
// reply with Status streaming, which a [ReplyWriter] then fills in.
func (s *Store) AddMessage(convID string, m Message) (Message, error) {
	if m.Status == "" {
		m.Status = StatusComplete
	}
	if !validRole(m.Role) || !validStatus(m.Status) {
		return Message{}, fmt.Errorf("Parley could not save the message: role %q or status %q is not one Parley knows", m.Role, m.Status)
	}
	now := timeNow()
	m.ConversationID, m.Created = convID, fromMillis(millis(now))
	err := s.write("save the message", func(tx *sql.Tx) error {
		if err := mustChange(tx.Exec(`UPDATE conversations SET updated = ? WHERE id = ?`, millis(now), convID)); err != nil {
			return err
		}
		return tx.QueryRow(`INSERT INTO messages (conversation_id, position, role, text, status, error, input_tokens, output_tokens, created)
			VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM messages WHERE conversation_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)
			RETURNING id, position`,
			convID, m.Role, m.Text, m.Status, m.Error, m.InputTokens, m.OutputTokens, millis(now)).Scan(&m.ID, &m.Position)
	})
	if err != nil {
		return Message{}, err
	}
	return m, nil
}

// UpdateReply sets message id's text, status, error and token usage, and
// the conversation's Updated time, in one transaction. Use it to finish a
// reply (or through a [ReplyWriter] while it streams), and to change the
// text of a message the user edits.
func (s *Store) UpdateReply(id int64, text, status, errText string, usage Usage) error {
	if !validStatus(status) {
		return fmt.Errorf("Parley could not save the reply: status %q is not one Parley knows", status)
	}
	return s.write("save the reply", func(tx *sql.Tx) error {
		var convID string
		err := tx.QueryRow(`UPDATE messages SET text = ?, status = ?, error = ?, input_tokens = ?, output_tokens = ?
			WHERE id = ? RETURNING conversation_id`,
			text, status, errText, usage.Input, usage.Output, id).Scan(&convID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE conversations SET updated = ? WHERE id = ?`, millis(timeNow()), convID)
		return err
	})
}

// Truncate removes conversation convID's messages from position on. Use it
// when the user retries a reply (remove the reply) or edits their last
// message (remove what followed it).
func (s *Store) Truncate(convID string, position int) error {
	return s.write("remove the messages", func(tx *sql.Tx) error {
		if err := mustChange(tx.Exec(`UPDATE conversations SET updated = ? WHERE id = ?`, millis(timeNow()), convID)); err != nil {
			return err
		}
		_, err := tx.Exec(`DELETE FROM messages WHERE conversation_id = ? AND position >= ?`, convID, position)
		return err
	})
}

const messageColumns = `id, conversation_id, position, role, text, status, error, input_tokens, output_tokens, created`

// Messages returns all of conversation convID's messages in order. For a
// long conversation a window should load [Store.Latest] and then
// [Store.Before] as the user scrolls up.
func (s *Store) Messages(convID string) ([]Message, error) {
	return s.messages(`SELECT `+messageColumns+` FROM messages WHERE conversation_id = ? ORDER BY position`, convID)
}

// Latest returns conversation convID's last n messages, in order: what a
// window shows first.
func (s *Store) Latest(convID string, n int) ([]Message, error) {
	ms, err := s.messages(`SELECT `+messageColumns+` FROM messages WHERE conversation_id = ?
		ORDER BY position DESC LIMIT ?`, convID, n)
	slices.Reverse(ms)
	return ms, err
}

// Before returns up to n messages of conversation convID that come just
// before position, in order: the next page as the user scrolls up. It
// returns none when position is the start.
func (s *Store) Before(convID string, position, n int) ([]Message, error) {
	ms, err := s.messages(`SELECT `+messageColumns+` FROM messages WHERE conversation_id = ? AND position < ?
		ORDER BY position DESC LIMIT ?`, convID, position, n)
	slices.Reverse(ms)
	return ms, err
}

// Message returns message id.
func (s *Store) Message(id int64) (Message, error) {
	ms, err := s.messages(`SELECT `+messageColumns+` FROM messages WHERE id = ?`, id)
	if err == nil && len(ms) == 0 {
		err = fail("read the message", ErrNotFound)
	}
	if err != nil {
		return Message{}, err
	}
	return ms[0], nil
}

func (s *Store) messages(query string, args ...any) ([]Message, error) {
	rows, err := s.db.Query(query, args...)
	if err != nil {
		return nil, fail("read the messages", err)
	}
	ms, err := scanMessages(rows)
	if err != nil {
		return nil, fail("read the messages", err)
	}
	return ms, nil
}

// scanMessages reads rows of messageColumns, and closes rows.
func scanMessages(rows *sql.Rows) ([]Message, error) {
	defer rows.Close()
	var ms []Message
	for rows.Next() {
		var m Message
		var created int64
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Position, &m.Role, &m.Text, &m.Status, &m.Error,
			&m.InputTokens, &m.OutputTokens, &created); err != nil {
			return nil, err
		}
		m.Created = fromMillis(created)
		ms = append(ms, m)
	}
	return ms, rows.Err()
}
