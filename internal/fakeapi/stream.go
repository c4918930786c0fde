package fakeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Stream events, in the order the API sends them. The message in
// message_start has no content yet and no stop reason.
type (
	messageStart struct {
		Type    string      `json:"type"`
		Message wireMessage `json:"message"`
	}
	blockStart struct {
		Type         string   `json:"type"`
		Index        int      `json:"index"`
		ContentBlock wireText `json:"content_block"`
	}
	ping struct {
		Type string `json:"type"`
	}
	blockDelta struct {
		Type  string    `json:"type"`
		Index int       `json:"index"`
		Delta textDelta `json:"delta"`
	}
	textDelta struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	blockStop struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
	}
	messageDelta struct {
		Type  string      `json:"type"`
		Delta stopDelta   `json:"delta"`
		Usage outputUsage `json:"usage"`
	}
	stopDelta struct {
		StopReason   string  `json:"stop_reason"`
		StopSequence *string `json:"stop_sequence"`
	}
	outputUsage struct {
		OutputTokens int `json:"output_tokens"`
	}
	messageStop struct {
		Type string `json:"type"`
	}
)

// streamMessage answers POST /v1/messages with server-sent events, following
// p. It stops as soon as the client goes away.
func (s *Server) streamMessage(w http.ResponseWriter, r *http.Request, req MessagesRequest, p plan) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	s.answered.Add(1)
	w.WriteHeader(http.StatusOK)
	out := events{w: w, rc: http.NewResponseController(w)}
	ctx := r.Context()

	out.send("message_start", messageStart{Type: "message_start", Message: wireMessage{
		ID:      newID("msg_"),
		Type:    "message",
		Role:    "assistant",
		Content: []wireText{},
		Model:   req.Model,
		Usage:   usage(req, 1),
	}})
	out.send("content_block_start", blockStart{Type: "content_block_start", ContentBlock: wireText{Type: "text"}})
	out.send("ping", ping{Type: "ping"})
	for i := 0; out.err == nil; i++ {
		if i == p.cut {
			if p.cutStatus == 0 {
				out.cut()
			} else {
				out.send("error", errorBody{Type: "error", Error: errorDetail{Type: errorType(p.cutStatus), Message: faultMessage(p.cutStatus)}})
			}
			return
		}
		if i == len(p.deltas) {
			break
		}
		if i > 0 && pause(ctx, p.delay) != nil {
			return
		}
		out.send("content_block_delta", blockDelta{Type: "content_block_delta", Delta: textDelta{Type: "text_delta", Text: p.deltas[i]}})
	}
	out.send("content_block_stop", blockStop{Type: "content_block_stop"})
	out.send("message_delta", messageDelta{
		Type:  "message_delta",
		Delta: stopDelta{StopReason: "end_turn"},
		Usage: outputUsage{OutputTokens: countTokens(p.text)},
	})
	out.send("message_stop", messageStop{Type: "message_stop"})
}

// events writes server-sent events, flushing each. After the first failed
// write, which means the client went away, it writes nothing more.
type events struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	err error
}

func (e *events) send(name string, data any) {
	if e.err != nil {
		return
	}
	body, err := json.Marshal(data)
	if err != nil {
		// Only the fake's own event types are written, and they always marshal.
		panic("fakeapi: " + err.Error())
	}
	if _, e.err = fmt.Fprintf(e.w, "event: %s\ndata: %s\n\n", name, body); e.err == nil {
		e.err = e.rc.Flush()
	}
}

// cut closes the connection under the stream without ending the response, as
// a dropped connection would.
func (e *events) cut() {
	if conn, _, err := e.rc.Hijack(); err == nil {
		conn.Close()
	}
}

// pause waits for d, or less if ctx ends first, and returns ctx's error then.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
