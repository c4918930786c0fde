package fakeapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
)

func TestMessagesReply(t *testing.T) {
	tests := []struct {
		name   string
		reply  func(MessagesRequest) string
		params anthropic.MessageNewParams
		want   string
	}{
		{
			name:   "default echoes the user",
			params: params("hello there"),
			want:   "You said: hello there",
		},
		{
			name: "default echoes the last user message",
			params: anthropic.MessageNewParams{
				Model:     "claude-haiku-4-5",
				MaxTokens: 10,
				Messages: []anthropic.MessageParam{
					anthropic.NewUserMessage(anthropic.NewTextBlock("first")),
					anthropic.NewAssistantMessage(anthropic.NewTextBlock("You said: first")),
					anthropic.NewUserMessage(anthropic.NewTextBlock("second"), anthropic.NewTextBlock("part")),
				},
			},
			want: "You said: second\npart",
		},
		{
			name: "custom reply sees the request",
			reply: func(r MessagesRequest) string {
				return r.Model + "|" + r.System + "|" + r.Messages[0].Role + ":" + r.Messages[0].Text
			},
			params: func() anthropic.MessageNewParams {
				p := params("hi")
				p.System = []anthropic.TextBlockParam{{Text: "be brief"}}
				return p
			}(),
			want: "claude-sonnet-4-5|be brief|user:hi",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			s.SetReply(tt.reply)
			c := keyClient(s, "key-1")
			msg, err := c.Messages.New(testContext(t), tt.params)
			if err != nil {
				t.Fatalf("Messages.New: %v", err)
			}
			if len(msg.Content) != 1 || msg.Content[0].Type != "text" || msg.Content[0].Text != tt.want {
				t.Errorf("content %+v, want one text block %q", msg.Content, tt.want)
			}
			if !strings.HasPrefix(msg.ID, "msg_") || msg.Role != "assistant" || msg.Type != "message" {
				t.Errorf("id %q role %q type %q, want msg_…, assistant, message", msg.ID, msg.Role, msg.Type)
			}
			if msg.Model != tt.params.Model || msg.StopReason != anthropic.StopReasonEndTurn {
				t.Errorf("model %q stop reason %q, want %q end_turn", msg.Model, msg.StopReason, tt.params.Model)
			}
			if msg.Usage.InputTokens < 1 || msg.Usage.OutputTokens != int64(len(strings.Fields(tt.want))) {
				t.Errorf("usage %d in, %d out; want ≥ 1 in, one per word out", msg.Usage.InputTokens, msg.Usage.OutputTokens)
			}
			if s.Requests() != 1 {
				t.Errorf("Requests() = %d, want 1", s.Requests())
			}
		})
	}
}

func TestMessagesValidation(t *testing.T) {
	tests := []struct {
		name, body, wantMessage string
	}{
		{"not json", `{"model":`, "invalid request body"},
		{"wrong type", `{"model":5,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, "invalid request body"},
		{"no model", `{"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, "model"},
		{"no max_tokens", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		{"zero max_tokens", `{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		{"no messages", `{"model":"m","max_tokens":5,"messages":[]}`, "messages"},
		{"first from assistant", `{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":"hi"}]}`, "first message"},
		{"roles repeat", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}`, "alternate"},
		{"unknown role", `{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"a"}]}`, "messages.0.role"},
		{"no content", `{"model":"m","max_tokens":5,"messages":[{"role":"user"}]}`, "messages.0.content"},
		{"block without type", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"text":"a"}]}]}`, "type"},
		{"bad system", `{"model":"m","max_tokens":5,"system":5,"messages":[{"role":"user","content":"a"}]}`, "system"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			res := post(t, s, tt.body)
			body := readErrorBody(t, res)
			if res.StatusCode != http.StatusBadRequest || body.Error.Type != "invalid_request_error" {
				t.Errorf("status %d type %q, want 400 invalid_request_error", res.StatusCode, body.Error.Type)
			}
			if !strings.Contains(body.Error.Message, tt.wantMessage) {
				t.Errorf("message %q does not mention %q", body.Error.Message, tt.wantMessage)
			}
			if s.Requests() != 0 {
				t.Errorf("Requests() = %d, want 0", s.Requests())
			}
		})
	}
}

func TestUnknownPath(t *testing.T) {
	tests := []struct{ method, path string }{
		{http.MethodGet, "/v1/complete"},
		{http.MethodGet, "/v1/messages"},
		{http.MethodPost, "/v1/models"},
		{http.MethodGet, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			s := start(t)
			req, err := http.NewRequestWithContext(testContext(t), tt.method, s.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("x-api-key", "key-1")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readErrorBody(t, res)
			if res.StatusCode != http.StatusNotFound || body.Type != "error" || body.Error.Type != "not_found_error" {
				t.Errorf("status %d body %+v, want 404 not_found_error", res.StatusCode, body)
			}
			if id := res.Header.Get("request-id"); !strings.HasPrefix(id, "req_") || body.RequestID != id {
				t.Errorf("request-id header %q, body %q; want the same req_… in both", id, body.RequestID)
			}
		})
	}
}

// post sends body to /v1/messages of s with the API key "key-1".
func post(t *testing.T, s *Server, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t), http.MethodPost, s.URL+"/v1/messages", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", "key-1")
	req.Header.Set("content-type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// readErrorBody decodes the error body of res.
func readErrorBody(t *testing.T, res *http.Response) errorBody {
	t.Helper()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body errorBody
	if err := json.Unmarshal(data, &body); err != nil {
		t.Errorf("error body %q: %v", data, err)
	}
	return body
}
