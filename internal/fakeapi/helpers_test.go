package fakeapi

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// start starts a fake that accepts the API key "key-1" and the access token
// "token-1", and closes it when the test ends.
func start(t *testing.T) *Server {
	t.Helper()
	s := New()
	t.Cleanup(s.Close)
	s.AllowAPIKey("key-1")
	s.AllowAccessToken("token-1")
	return s
}

// keyClient returns an SDK client for s that sends key in x-api-key, the way
// the API wants API keys.
func keyClient(s *Server, key string, opts ...option.RequestOption) anthropic.Client {
	return client(s, append([]option.RequestOption{option.WithHeader("x-api-key", key)}, opts...)...)
}

// tokenClient returns an SDK client for s that sends token as an OAuth access
// token with the oauth beta.
func tokenClient(s *Server, token string, opts ...option.RequestOption) anthropic.Client {
	return client(s, append([]option.RequestOption{
		option.WithAuthToken(token),
		option.WithHeader("anthropic-beta", "oauth-2025-04-20"),
	}, opts...)...)
}

// client returns an SDK client for s that takes nothing from the environment.
func client(s *Server, opts ...option.RequestOption) anthropic.Client {
	return anthropic.NewClient(append([]option.RequestOption{
		option.WithoutEnvironmentDefaults(),
		option.WithBaseURL(s.URL),
	}, opts...)...)
}

// params returns the parameters of a one-message conversation.
func params(text string) anthropic.MessageNewParams {
	return anthropic.MessageNewParams{
		Model:     "claude-sonnet-4-5",
		MaxTokens: 1024,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(text))},
	}
}

// apiError returns err as an *anthropic.Error, or nil.
func apiError(err error) *anthropic.Error {
	var aerr *anthropic.Error
	if errors.As(err, &aerr) {
		return aerr
	}
	return nil
}

// testContext returns a context that ends with the test, or after a generous
// bound so a hung request fails the test instead of stalling it.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// handlersRunning returns how many handlers of s have not returned yet.
func handlersRunning(s *Server) int {
	s.running.mu.Lock()
	defer s.running.mu.Unlock()
	return s.running.n
}

// requestIDInBody returns the request_id of the error body of aerr.
func requestIDInBody(t *testing.T, aerr *anthropic.Error) string {
	t.Helper()
	var body struct {
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(aerr.RawJSON()), &body); err != nil {
		t.Errorf("error body %q: %v", aerr.RawJSON(), err)
	}
	return body.RequestID
}
