package history

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations upgrade the schema one version at a time: migrations[i] takes
// a database from version i to version i+1, recorded in PRAGMA
// user_version. Each runs in its own transaction, so a database is always
// at one version or the next, never in between.
//
// A shipped step never changes (testdata/v1.db was made with version 1);
// a change to the schema is a new step at the end.
var migrations = []string{
	// 1: conversations and their messages. Times are Unix milliseconds.
	`CREATE TABLE conversations (
		id      TEXT PRIMARY KEY,
		title   TEXT NOT NULL DEFAULT '',
		model   TEXT NOT NULL DEFAULT '',
		system  TEXT NOT NULL DEFAULT '',
		created INTEGER NOT NULL,
		updated INTEGER NOT NULL,
		deleted INTEGER -- when it went to the bin; NULL for a live conversation
	);
	CREATE INDEX conversations_by_recency ON conversations (updated DESC) WHERE deleted IS NULL;
	CREATE TABLE messages (
		id              INTEGER PRIMARY KEY,
		conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
		position        INTEGER NOT NULL,
		role            TEXT NOT NULL,
		text            TEXT NOT NULL DEFAULT '',
		status          TEXT NOT NULL,
		error           TEXT NOT NULL DEFAULT '',
		input_tokens    INTEGER NOT NULL DEFAULT 0,
		output_tokens   INTEGER NOT NULL DEFAULT 0,
		created         INTEGER NOT NULL,
		UNIQUE (conversation_id, position)
	);
	CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';`,

	// 2: full-text search over message text. messages_fts indexes
	// messages.text without a copy of it (an external-content table);
	// triggers keep it in step, and the rebuild indexes existing rows.
	`CREATE VIRTUAL TABLE messages_fts USING fts5 (
		text, content = 'messages', content_rowid = 'id',
		tokenize = 'unicode61 remove_diacritics 2'
	);
	CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
		INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
	END;
	CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
		INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
	END;
	CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
		INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
		INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
	END;
	INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');`,
}

// migrate brings db to schema version target, one step per transaction.
func migrate(db *sql.DB, target int) error {
	ctx := context.Background()
	for {
		done, err := migrateStep(ctx, db, target)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration, if any; done reports that db is
// at target. It reads the version inside the write transaction, so two
// processes opening one file never apply a step twice.
func migrateStep(ctx context.Context, db *sql.DB, target int) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see the DSN in open
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return false, err
	}
	switch {
	case version > len(migrations):
		return false, fmt.Errorf("this history was written by a newer version of Parley (schema %d; this one knows %d): update Parley", version, len(migrations))
	case version >= target:
		return true, nil
	}
	if _, err := tx.Exec(migrations[version]); err != nil {
		return false, fmt.Errorf("schema version %d: %w", version+1, err)
	}
	// PRAGMA takes no parameters; version is an int.
	if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
		return false, err
	}
	return false, tx.Commit()
}
