package fakeapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// MessagesRequest is the part of a POST /v1/messages request a reply
// function needs to decide what the assistant says.
type MessagesRequest struct {
	Model string
	// System is the system prompt, its text blocks joined by newlines.
	System    string
	Messages  []Message
	MaxTokens int
	Stream    bool
}

// Message is one turn of the conversation in a MessagesRequest.
type Message struct {
	// Role is "user" or "assistant".
	Role string
	// Text is the text of the message's text blocks joined by newlines;
	// other blocks, such as images, are left out.
	Text string
}

// wireRequest is the JSON body of POST /v1/messages, as far as the fake reads
// it.
type wireRequest struct {
	Model     *string           `json:"model"`
	MaxTokens *int              `json:"max_tokens"`
	Messages  []wireMessageTurn `json:"messages"`
	System    json.RawMessage   `json:"system"`
	Stream    bool              `json:"stream"`
}

type wireMessageTurn struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type wireBlock struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// parseMessagesRequest decodes and validates the body of POST /v1/messages.
// Its errors are the messages of the invalid_request_error to answer with.
func parseMessagesRequest(body []byte) (MessagesRequest, error) {
	var w wireRequest
	if err := json.Unmarshal(body, &w); err != nil {
		return MessagesRequest{}, fmt.Errorf("invalid request body: %v", err)
	}
	switch {
	case w.Model == nil || *w.Model == "":
		return MessagesRequest{}, errors.New("model: Field required")
	case w.MaxTokens == nil:
		return MessagesRequest{}, errors.New("max_tokens: Field required")
	case *w.MaxTokens < 1:
		return MessagesRequest{}, errors.New("max_tokens: Input should be greater than or equal to 1")
	case len(w.Messages) == 0:
		return MessagesRequest{}, errors.New("messages: at least one message is required")
	}
	system, err := joinText(w.System)
	if err != nil {
		return MessagesRequest{}, fmt.Errorf("system: %v", err)
	}
	req := MessagesRequest{Model: *w.Model, System: system, MaxTokens: *w.MaxTokens, Stream: w.Stream}
	for i, m := range w.Messages {
		want := "user"
		if i%2 == 1 {
			want = "assistant"
		}
		switch {
		case m.Role != "user" && m.Role != "assistant":
			return MessagesRequest{}, fmt.Errorf("messages.%d.role: Input should be 'user' or 'assistant'", i)
		case m.Role != want && i == 0:
			return MessagesRequest{}, errors.New("messages: first message must use the \"user\" role")
		case m.Role != want:
			return MessagesRequest{}, errors.New("messages: roles must alternate between \"user\" and \"assistant\"")
		case len(m.Content) == 0:
			return MessagesRequest{}, fmt.Errorf("messages.%d.content: Field required", i)
		}
		text, err := joinText(m.Content)
		if err != nil {
			return MessagesRequest{}, fmt.Errorf("messages.%d.content: %v", i, err)
		}
		req.Messages = append(req.Messages, Message{Role: m.Role, Text: text})
	}
	return req, nil
}

// joinText returns the text of content, which is either a string or an array
// of content blocks, joining the text blocks by newlines. Absent or null
// content has no text.
func joinText(content json.RawMessage) (string, error) {
	if len(content) == 0 || bytes.Equal(content, []byte("null")) {
		return "", nil
	}
	var s string
	if json.Unmarshal(content, &s) == nil {
		return s, nil
	}
	var blocks []wireBlock
	if err := json.Unmarshal(content, &blocks); err != nil {
		return "", errors.New("input should be a valid string or a list of content blocks")
	}
	var texts []string
	for i, b := range blocks {
		switch b.Type {
		case "":
			return "", fmt.Errorf("%d.type: Field required", i)
		case "text":
			texts = append(texts, b.Text)
		}
	}
	return strings.Join(texts, "\n"), nil
}
