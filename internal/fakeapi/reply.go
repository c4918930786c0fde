package fakeapi

import (
	"strings"
	"unicode"
)

// echoReply is the default reply: it echoes the last user message.
// Validation guarantees that there is one: the first message.
func echoReply(r MessagesRequest) string {
	var last string
	for _, m := range r.Messages {
		if m.Role == "user" {
			last = m.Text
		}
	}
	return "You said: " + last
}

// splitWords splits text into words, each with the white space after it.
// White space at the start of text is a piece of its own.
func splitWords(text string) []string {
	var pieces []string
	start, inSpace := 0, false
	for i, r := range text {
		space := unicode.IsSpace(r)
		if inSpace && !space {
			pieces = append(pieces, text[start:i])
			start = i
		}
		inSpace = space
	}
	if start < len(text) {
		pieces = append(pieces, text[start:])
	}
	return pieces
}

// countTokens estimates the tokens of text: one per word, at least one for
// any non-empty text.
func countTokens(text string) int {
	n := len(strings.Fields(text))
	if n == 0 && text != "" {
		return 1
	}
	return n
}

// inputTokens estimates the input tokens of req.
func inputTokens(req MessagesRequest) int {
	n := countTokens(req.System)
	for _, m := range req.Messages {
		n += countTokens(m.Text)
	}
	return max(n, 1)
}
