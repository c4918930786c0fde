package core

import (
	"context"
	"errors"

	"github.com/sourcegraph/jsonrpc2"

	"parley/internal/anthropic"
	"parley/internal/credential"
	"parley/internal/ipc"
)

// fallbackModels are offered when the models list cannot be fetched.
var fallbackModels = []ipc.Model{
	{ID: "claude-sonnet-4-5", Name: "Claude Sonnet 4.5"},
	{ID: "claude-opus-4-5", Name: "Claude Opus 4.5"},
	{ID: "claude-haiku-4-5", Name: "Claude Haiku 4.5"},
}

// snapshotSize is how many of its last messages a window gets when it
// opens a conversation; it loads earlier ones as the user scrolls up.
const snapshotSize = 30

// takesText lists the chat methods whose params are [ipc.TextParams].
var takesText = map[string]bool{
	ipc.MethodChatSend: true, ipc.MethodChatEdit: true, ipc.MethodChatSetModel: true, ipc.MethodChatSystem: true,
}

// handleChat serves window w's methods on its conversation; ok is false
// for other methods.
func (c *Core) handleChat(ctx context.Context, w *window, req *jsonrpc2.Request) (result any, ok bool, err error) {
	s, conv := c.cfg.Chat, c.conversationOf(w)
	var p ipc.TextParams
	if takesText[req.Method] {
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
	}
	switch req.Method {
	case ipc.MethodChatModels:
		return c.models(ctx), true, nil
	case ipc.MethodChatSetModel:
		return nil, true, s.SetModel(conv, p.Text)
	case ipc.MethodChatSystem:
		return nil, true, s.SetSystem(conv, p.Text)
	case ipc.MethodChatEdit:
		return nil, true, s.EditLast(conv, p.Text)
	case ipc.MethodChatMessages:
		snap, err := s.Snapshot(conv, snapshotSize)
		return snap, true, err
	case ipc.MethodChatSend:
		if h := c.cfg.Holder; h != nil && h.Account().State != credential.SignedIn {
			// Refused before anything is added: the window keeps the text.
			return nil, true, errors.New("Sign in to continue: open Account… and sign in. Your message is still here.")
		}
		return nil, true, s.Send(conv, p.Text)
	case ipc.MethodChatStop:
		s.Stop(conv)
		return nil, true, nil
	case ipc.MethodChatRetry:
		return nil, true, s.Retry(conv)
	}
	return nil, false, nil
}

// models lists the account's models, or the fallback list with a note.
func (c *Core) models(ctx context.Context) ipc.ModelList {
	if c.cfg.Models == nil {
		return ipc.ModelList{Models: fallbackModels}
	}
	ms, err := c.cfg.Models(ctx)
	if err != nil || len(ms) == 0 {
		note := "Showing the usual models: the list could not be fetched"
		if err != nil {
			note += " (" + anthropic.Explain(err) + ")"
		}
		return ipc.ModelList{Models: fallbackModels, Note: note}
	}
	out := make([]ipc.Model, 0, len(ms))
	for _, m := range ms {
		out = append(out, ipc.Model{ID: m.ID, Name: m.DisplayName})
	}
	return ipc.ModelList{Models: out}
}
