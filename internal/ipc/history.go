package ipc

// A chat window's methods on the history of conversations.
const (
	// MethodChatPage returns the messages of the window's conversation in a
	// range ([PageParams]), as the user scrolls back through a long one.
	MethodChatPage = "chatPage"
	// MethodChatExport writes the window's conversation to a file the user
	// chose ([ExportParams]).
	MethodChatExport = "chatExport"
	// MethodConversations lists the saved conversations, newest first;
	// result []ConversationInfo. The core also sends [EventConversations]
	// whenever the list changes.
	MethodConversations = "conversations"
	// MethodOpenConversation shows a conversation ([OpenConversationParams]):
	// in this window, in a new one, or by raising the window that has it.
	MethodOpenConversation = "openConversation"
	// MethodNewConversation starts a new, empty conversation in this window.
	MethodNewConversation    = "newConversation"
	MethodRenameConversation = "renameConversation" // params [RenameParams]
	// MethodDeleteConversation moves a conversation to the bin
	// ([IDParams]); MethodRestoreConversation undoes it.
	MethodDeleteConversation  = "deleteConversation"
	MethodRestoreConversation = "restoreConversation"
	// MethodSearch searches every message ([TextParams]); result []SearchHit.
	MethodSearch = "search"
)

// Events about the history.
const (
	// EventConversations: data []ConversationInfo, every saved conversation
	// newest first, sent to chat windows whenever the list changes.
	EventConversations = "conversations"
	// EventConversation: data [ConversationShown], sent to a window when it
	// is to show another conversation.
	EventConversation = "conversation"
)

// ConversationInfo is one saved conversation, as lists show it.
type ConversationInfo struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Updated  int64  `json:"updated"` // Unix milliseconds
	Messages int    `json:"messages"`
	// WindowID is the window showing it, if one does.
	WindowID int `json:"windowId,omitempty"`
}

// ConversationShown tells a window which conversation to show, and, for a
// search result, the index of the message to bring into view (-1: the end).
type ConversationShown struct {
	ConversationID string `json:"conversationId"`
	Position       int    `json:"position"`
}

// PageParams asks for the messages from index From up to (not including) To.
type PageParams struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// ExportParams are the params of [MethodChatExport].
type ExportParams struct {
	Format string `json:"format"` // "markdown" or "json"
	Path   string `json:"path"`
}

// OpenConversationParams are the params of [MethodOpenConversation].
type OpenConversationParams struct {
	ID        string `json:"id"`
	NewWindow bool   `json:"newWindow,omitempty"`
	// Position is the message to bring into view, -1 for the end.
	Position int `json:"position"`
}

// RenameParams are the params of [MethodRenameConversation].
type RenameParams struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// IDParams name a conversation.
type IDParams struct {
	ID string `json:"id"`
}

// SearchHit is one message that matches a search.
type SearchHit struct {
	ConversationID string `json:"conversationId"`
	Title          string `json:"title"`
	Position       int    `json:"position"`
	Role           string `json:"role"`
	// Snippet is plain text around the match; the matching words are
	// between the characters \x02 and \x03.
	Snippet string `json:"snippet"`
}
