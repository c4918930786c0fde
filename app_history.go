package main

import (
	"fmt"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"parley/internal/chat"
	"parley/internal/ipc"
)

// Conversations lists the saved conversations, newest first.
func (a *App) Conversations() ([]ipc.ConversationInfo, error) {
	var list []ipc.ConversationInfo
	err := a.call(ipc.MethodConversations, nil, &list)
	return list, err
}

// OpenConversation shows a saved conversation at message position (-1: the
// end): in this window, or in a new one if newWindow is set. If another
// window shows it already, that window comes forward instead.
func (a *App) OpenConversation(id string, newWindow bool, position int) error {
	return a.call(ipc.MethodOpenConversation, ipc.OpenConversationParams{ID: id, NewWindow: newWindow, Position: position}, nil)
}

// NewConversation starts a new, empty conversation in this window.
func (a *App) NewConversation() error { return a.call(ipc.MethodNewConversation, nil, nil) }

// RenameConversation gives a conversation the title the user typed.
func (a *App) RenameConversation(id, title string) error {
	return a.call(ipc.MethodRenameConversation, ipc.RenameParams{ID: id, Title: title}, nil)
}

// DeleteConversation moves a conversation to the bin; RestoreConversation
// brings it back (Undo).
func (a *App) DeleteConversation(id string) error {
	return a.call(ipc.MethodDeleteConversation, ipc.IDParams{ID: id}, nil)
}

// RestoreConversation undoes DeleteConversation.
func (a *App) RestoreConversation(id string) error {
	return a.call(ipc.MethodRestoreConversation, ipc.IDParams{ID: id}, nil)
}

// Search finds the messages that contain what the user typed.
func (a *App) Search(query string) ([]ipc.SearchHit, error) {
	var hits []ipc.SearchHit
	err := a.call(ipc.MethodSearch, ipc.TextParams{Text: query}, &hits)
	return hits, err
}

// ChatPage returns this window's conversation's messages from index from up
// to (not including) to.
func (a *App) ChatPage(from, to int) ([]chat.Message, error) {
	var msgs []chat.Message
	err := a.call(ipc.MethodChatPage, ipc.PageParams{From: from, To: to}, &msgs)
	return msgs, err
}

// exportFormats are the formats ExportConversation offers.
var exportFormats = map[string]struct{ ext, name string }{
	"markdown": {"md", "Markdown"},
	"json":     {"json", "JSON"},
}

// ExportConversation asks the user where to save this window's
// conversation as format ("markdown" or "json"), and has the core write it
// there. It returns the path written, or "" if the user cancelled.
func (a *App) ExportConversation(format, title string) (string, error) {
	f, ok := exportFormats[format]
	if !ok {
		return "", fmt.Errorf("Parley cannot export as %q: choose Markdown or JSON.", format)
	}
	path, err := runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{
		Title:           "Export conversation as " + f.name,
		DefaultFilename: fileName(title) + "." + f.ext,
		Filters:         []runtime.FileFilter{{DisplayName: f.name + " (*." + f.ext + ")", Pattern: "*." + f.ext}},
	})
	if err != nil || path == "" {
		return "", err
	}
	return path, a.call(ipc.MethodChatExport, ipc.ExportParams{Format: format, Path: path}, nil)
}

// fileName makes a conversation's title a safe file name.
func fileName(title string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '-'
		}
		return r
	}, strings.TrimSpace(title))
	if name == "" {
		return "Conversation"
	}
	return name
}
