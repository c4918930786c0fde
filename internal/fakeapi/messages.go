package fakeapi

import (
	"errors"
	"io"
	"net/http"
)

// maxBodyBytes is the largest request body the API takes.
const maxBodyBytes = 32 << 20

// wireMessage is the Message object of the API.
type wireMessage struct {
	ID           string     `json:"id"`
	Type         string     `json:"type"`
	Role         string     `json:"role"`
	Content      []wireText `json:"content"`
	Model        string     `json:"model"`
	StopReason   *string    `json:"stop_reason"`
	StopSequence *string    `json:"stop_sequence"`
	Usage        wireUsage  `json:"usage"`
}

// wireText is a text content block.
type wireText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type wireUsage struct {
	InputTokens              int    `json:"input_tokens"`
	CacheCreationInputTokens int    `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int    `json:"cache_read_input_tokens"`
	OutputTokens             int    `json:"output_tokens"`
	ServiceTier              string `json:"service_tier"`
}

// createMessage answers POST /v1/messages, with a stream when asked for one.
func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "Request exceeds the maximum allowed number of bytes.")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
		return
	}
	req, err := parseMessagesRequest(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	p := s.script.planFor(req)
	if req.Stream {
		s.streamMessage(w, r, req, p)
		return
	}
	stop := "end_turn"
	msg := wireMessage{
		ID:         newID("msg_"),
		Type:       "message",
		Role:       "assistant",
		Content:    []wireText{{Type: "text", Text: p.text}},
		Model:      req.Model,
		StopReason: &stop,
		Usage:      usage(req, countTokens(p.text)),
	}
	s.answered.Add(1)
	writeJSON(w, http.StatusOK, msg)
}

// usage returns the usage of an answer to req with output tokens.
func usage(req MessagesRequest, output int) wireUsage {
	return wireUsage{InputTokens: inputTokens(req), OutputTokens: output, ServiceTier: "standard"}
}

// Requests returns how many POST /v1/messages requests were answered with
// 200, streamed or not, whether or not the stream then completed. Use it to
// check how many calls got through, failures and retries aside.
func (s *Server) Requests() int { return int(s.answered.Load()) }
