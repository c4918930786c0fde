package history

import (
	"database/sql"
	"strings"
	"unicode"
)

// Hit is a message that matches a search.
type Hit struct {
	ConversationID string `json:"conversationId"`
	Title          string `json:"title"`
	MessageID      int64  `json:"messageId"`
	Position       int    `json:"position"`
	Role           string `json:"role"`
	// Snippet is the text around the match, with each matching word
	// between MarkStart and MarkEnd. It is plain text: a window shows it
	// as text, never as HTML.
	Snippet string `json:"snippet"`
}

// Markers around the matching words in a [Hit]'s Snippet: control
// characters, which do not occur in text people type.
const (
	MarkStart = "\x02"
	MarkEnd   = "\x03"
)

// Search finds messages containing every word of query, in conversations
// not in the bin, and returns up to limit of them, newest message first
// (recency, not relevance: a chat history is searched for something said
// lately, and newest-first stays fast on a large history). The last word
// also matches as a prefix, so results can follow the user's typing.
//
// query is what the user typed: its punctuation, quotes and words like AND
// or NEAR are searched for as text, never read as search syntax. A query
// without letters or digits finds nothing. A damaged search index is
// rebuilt from the messages, once, before Search gives up.
func (s *Store) Search(query string, limit int) ([]Hit, error) {
	match := matchExpr(query)
	if match == "" || limit <= 0 {
		return nil, nil
	}
	hits, err := s.search(match, limit)
	if damaged(err) {
		// The index is derived from the messages: rebuild it, then try again.
		err = s.write("repair the search index", func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')`)
			return err
		})
		if err == nil {
			hits, err = s.search(match, limit)
		}
	}
	if err != nil {
		return nil, fail("search your history", err)
	}
	return hits, nil
}

func (s *Store) search(match string, limit int) ([]Hit, error) {
	rows, err := s.db.Query(`SELECT m.conversation_id, c.title, m.id, m.position, m.role,
			snippet(messages_fts, 0, ?, ?, '…', 12)
		FROM messages_fts
		JOIN messages m ON m.id = messages_fts.rowid
		JOIN conversations c ON c.id = m.conversation_id
		WHERE messages_fts MATCH ? AND c.deleted IS NULL
		ORDER BY messages_fts.rowid DESC
		LIMIT ?`, MarkStart, MarkEnd, match, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		if err := rows.Scan(&h.ConversationID, &h.Title, &h.MessageID, &h.Position, &h.Role, &h.Snippet); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// matchExpr turns what the user typed into an FTS5 query that means "all
// these words": each space-separated word becomes a quoted FTS5 string
// (quotes inside doubled), so no character in it is FTS5 syntax, and the
// last one is a prefix query. Words with no letter or digit are left out:
// the index holds no tokens for them. Control characters, NUL among them,
// separate words.
func matchExpr(query string) string {
	// FTS5 reads a query only up to a NUL: control characters separate words.
	query = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, query)
	var terms []string
	for _, word := range strings.Fields(query) {
		if strings.IndexFunc(word, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
	}
	if len(terms) == 0 {
		return ""
	}
	return strings.Join(terms, " ") + "*"
}
