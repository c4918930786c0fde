package core

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sourcegraph/jsonrpc2"

	"parley/internal/atomicfile"
	"parley/internal/history"
	"parley/internal/ipc"
)

// listLimit bounds the conversations a list shows: the newest ones.
const listLimit = 500

// handleHistory serves chat window w's methods on the history; ok is false
// for other methods.
func (c *Core) handleHistory(w *window, req *jsonrpc2.Request) (result any, ok bool, err error) {
	store := c.cfg.History
	switch req.Method {
	case ipc.MethodConversations:
		list, err := c.conversations()
		return list, true, err
	case ipc.MethodNewConversation:
		c.show(w, c.newConversation(), -1)
		return nil, true, nil
	case ipc.MethodOpenConversation:
		var p ipc.OpenConversationParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, c.openConversation(w, p)
	case ipc.MethodRenameConversation:
		var p ipc.RenameParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		if strings.TrimSpace(p.Title) == "" {
			return nil, true, errors.New("Type a name for the conversation.")
		}
		return nil, true, c.changed(store.Rename(p.ID, p.Title))
	case ipc.MethodDeleteConversation:
		var p ipc.IDParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		if err := store.Delete(p.ID); err != nil {
			return nil, true, err
		}
		// Windows showing it start afresh; Undo brings it back to the list.
		for _, other := range c.showing(p.ID) {
			c.show(other, c.newConversation(), -1)
		}
		return nil, true, c.changed(nil)
	case ipc.MethodRestoreConversation:
		var p ipc.IDParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, c.changed(store.Restore(p.ID))
	case ipc.MethodSearch:
		var p ipc.TextParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		hits, err := store.Search(p.Text, 50)
		if err != nil {
			return nil, true, err
		}
		out := make([]ipc.SearchHit, len(hits))
		for i, h := range hits {
			out[i] = ipc.SearchHit{ConversationID: h.ConversationID, Title: h.Title, Position: h.Position, Role: h.Role, Snippet: h.Snippet}
		}
		return out, true, nil
	case ipc.MethodChatPage:
		var p ipc.PageParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		msgs, err := c.cfg.Chat.Page(c.conversationOf(w), p.From, p.To)
		return msgs, true, err
	case ipc.MethodChatExport:
		var p ipc.ExportParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
		return nil, true, c.export(c.conversationOf(w), p)
	}
	return nil, false, nil
}

// conversationOf is the conversation window w shows.
func (c *Core) conversationOf(w *window) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return w.conversation
}

// shown returns the conversations that windows show.
func (c *Core) shown() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, w := range c.windows {
		if w.conversation != "" {
			out = append(out, w.conversation)
		}
	}
	return out
}

// showing returns the windows that show conversation id.
func (c *Core) showing(id string) []*window {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*window
	for _, w := range c.windows {
		if w.conversation == id {
			out = append(out, w)
		}
	}
	return out
}

// show makes window w show conversation id, at message position (-1: the
// end). The conversation it showed is closed: a reply still being written
// stops, and is saved as stopped.
func (c *Core) show(w *window, id string, position int) {
	// The old conversation is closed while this window still shows it, so
	// that nobody opens it half closed.
	if old := c.conversationOf(w); old != id && old != "" && c.cfg.Chat != nil {
		c.cfg.Chat.Close(old)
	}
	c.mu.Lock()
	w.conversation, w.position = id, position
	if w.ready {
		w.out.pushEvent(ipc.EventConversation, ipc.ConversationShown{ConversationID: id, Position: position})
	}
	c.mu.Unlock()
	_ = c.changed(nil)
}

// openConversation shows saved conversation p.ID: by raising the window
// that already shows it, in a new window, or in window w.
func (c *Core) openConversation(w *window, p ipc.OpenConversationParams) error {
	conv, err := c.cfg.History.Conversation(p.ID)
	if err == nil && !conv.Deleted.IsZero() {
		err = history.ErrNotFound
	}
	if errors.Is(err, history.ErrNotFound) {
		return errors.New("That conversation is no longer in the history.")
	}
	if err != nil {
		return err
	}
	if others := c.showing(p.ID); len(others) > 0 {
		other := others[0]
		c.mu.Lock()
		other.position = p.Position
		other.out.pushEvent(ipc.EventConversation, ipc.ConversationShown{ConversationID: p.ID, Position: p.Position})
		if other != w {
			other.out.push(ipc.NotifyFocus, nil)
		}
		c.mu.Unlock()
		return nil
	}
	if p.NewWindow {
		_, err := c.openChat(p.ID, p.Position)
		return err
	}
	c.show(w, p.ID, p.Position)
	return nil
}

// changed tells every chat window the new list of conversations, and each
// window its conversation's title, unless err says nothing changed; it
// returns err. Lists are read and sent one at a time, so the last one sent
// is the newest.
func (c *Core) changed(err error) error {
	if err != nil || c.cfg.History == nil {
		return err
	}
	c.listMu.Lock()
	defer c.listMu.Unlock()
	list, lerr := c.conversations()
	if lerr != nil {
		return nil // the change was made; the lists catch up with the next one
	}
	titles := make(map[string]string, len(list))
	for _, conv := range list {
		titles[conv.ID] = conv.Title
	}
	// A window may show a conversation older than the list goes.
	for _, id := range c.shown() {
		if _, ok := titles[id]; !ok {
			if conv, err := c.cfg.History.Conversation(id); err == nil && conv.Deleted.IsZero() {
				titles[id] = conv.Title
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	retitled := false
	for _, w := range c.windows {
		if w.role != ipc.RoleChat {
			continue
		}
		if title := titles[w.conversation]; title != w.title {
			w.title, retitled = title, true
			w.out.push(ipc.NotifyTitle, ipc.TextParams{Text: windowTitle(title)})
		}
		if w.ready {
			w.out.pushEvent(ipc.EventConversations, list)
		}
	}
	if retitled {
		c.broadcastWindowsLocked()
	}
	return nil
}

// windowTitle is a chat window's title bar for a conversation's title.
func windowTitle(title string) string {
	if title == "" {
		return "Parley"
	}
	return title + " — Parley"
}

// conversations lists the newest saved conversations, each with the window
// showing it, if any.
func (c *Core) conversations() ([]ipc.ConversationInfo, error) {
	list, err := c.cfg.History.List()
	if err != nil {
		return nil, err
	}
	list = list[:min(len(list), listLimit)]
	c.mu.Lock()
	shownIn := map[string]int{}
	for _, w := range c.windows {
		if w.conversation != "" {
			shownIn[w.conversation] = w.id
		}
	}
	c.mu.Unlock()
	out := make([]ipc.ConversationInfo, len(list))
	for i, conv := range list {
		out[i] = ipc.ConversationInfo{ID: conv.ID, Title: conv.Title, Updated: conv.Updated.UnixMilli(), Messages: conv.MessageCount, WindowID: shownIn[conv.ID]}
	}
	return out, nil
}

// export writes conversation id to the file the user chose.
func (c *Core) export(id string, p ipc.ExportParams) error {
	var data []byte
	var err error
	switch p.Format {
	case "markdown":
		data, err = c.cfg.History.ExportMarkdown(id)
	case "json":
		data, err = c.cfg.History.ExportJSON(id)
	default:
		return fmt.Errorf("Parley cannot export as %q: choose Markdown or JSON.", p.Format)
	}
	if errors.Is(err, history.ErrNotFound) {
		return errors.New("Nothing to export yet: this conversation has no messages.")
	}
	if err != nil {
		return err
	}
	if !filepath.IsAbs(p.Path) {
		return errors.New("Choose where to save the file.")
	}
	// Private like the history it comes from (0600), and whole or not at all.
	if err := atomicfile.Write(p.Path, data); err != nil {
		return fmt.Errorf("Parley could not save %s: %w", p.Path, err)
	}
	return nil
}
