package core

import (
	"errors"

	"github.com/sourcegraph/jsonrpc2"

	"parley/internal/credential"
	"parley/internal/ipc"
)

// handleChat serves a chat window's methods on its conversation conv; ok
// is false for other methods.
func (c *Core) handleChat(conv string, req *jsonrpc2.Request) (result any, ok bool, err error) {
	s := c.cfg.Chat
	switch req.Method {
	case ipc.MethodChatMessages:
		return s.Snapshot(conv), true, nil
	case ipc.MethodChatSend:
		var p ipc.TextParams
		if err := unmarshalParams(req, &p); err != nil {
			return nil, true, err
		}
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
