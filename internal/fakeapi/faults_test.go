package fakeapi

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

func TestFailNextThenRetrySucceeds(t *testing.T) {
	s := start(t)
	s.FailNext(1, 529, 0)
	c := keyClient(s, "key-1")
	if _, err := c.Messages.New(testContext(t), params("hi")); err != nil {
		t.Fatalf("Messages.New: %v, want the SDK's retry to succeed", err)
	}
	var statuses []int
	for _, e := range s.Log() {
		statuses = append(statuses, e.Status)
	}
	if want := []int{529, http.StatusOK}; !slices.Equal(statuses, want) {
		t.Errorf("logged statuses %v, want %v", statuses, want)
	}
	if s.Requests() != 1 {
		t.Errorf("Requests() = %d, want 1", s.Requests())
	}
}

func TestFailNextErrors(t *testing.T) {
	tests := []struct {
		status         int
		retryAfter     time.Duration
		wantType       string
		wantRetryAfter string
	}{
		{429, 2 * time.Second, "rate_limit_error", "2"},
		{429, 1500 * time.Millisecond, "rate_limit_error", "2"},
		{529, 0, "overloaded_error", ""},
		{500, 0, "api_error", ""},
		{503, time.Second, "api_error", "1"},
		{504, 0, "timeout_error", ""},
		{403, 0, "permission_error", ""},
		{402, 0, "billing_error", ""},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			s := start(t)
			s.FailNext(2, tt.status, tt.retryAfter)
			c := keyClient(s, "key-1", option.WithMaxRetries(0))
			ctx := testContext(t)
			for _, call := range []string{"messages", "models"} {
				var err error
				if call == "messages" {
					_, err = c.Messages.New(ctx, params("hi"))
				} else {
					_, err = c.Models.List(ctx, anthropic.ModelListParams{})
				}
				aerr := apiError(err)
				if aerr == nil {
					t.Fatalf("%s: error %v, want *anthropic.Error", call, err)
				}
				if aerr.StatusCode != tt.status || string(aerr.Type()) != tt.wantType {
					t.Errorf("%s: status %d type %q, want %d %q", call, aerr.StatusCode, aerr.Type(), tt.status, tt.wantType)
				}
				if got := aerr.Response.Header.Get("retry-after"); got != tt.wantRetryAfter {
					t.Errorf("%s: retry-after %q, want %q", call, got, tt.wantRetryAfter)
				}
			}
			if _, err := c.Messages.New(ctx, params("hi")); err != nil {
				t.Errorf("third call: %v, want success once the failures are used up", err)
			}
		})
	}
}

func TestFailNextSkipsUnauthenticated(t *testing.T) {
	s := start(t)
	s.FailNext(1, 429, 0)
	ctx := testContext(t)
	tests := []struct {
		key        string
		wantStatus int
	}{
		{"key-2", http.StatusUnauthorized},
		{"key-1", http.StatusTooManyRequests},
		{"key-1", http.StatusOK},
	}
	for _, tt := range tests {
		c := keyClient(s, tt.key, option.WithMaxRetries(0))
		_, err := c.Messages.New(ctx, params("hi"))
		status := http.StatusOK
		if aerr := apiError(err); aerr != nil {
			status = aerr.StatusCode
		} else if err != nil {
			t.Fatalf("key %s: %v", tt.key, err)
		}
		if status != tt.wantStatus {
			t.Errorf("key %s: status %d, want %d", tt.key, status, tt.wantStatus)
		}
	}
}

func TestFailNextCancel(t *testing.T) {
	s := start(t)
	s.FailNext(3, 500, 0)
	s.FailNext(0, 500, 0)
	c := keyClient(s, "key-1", option.WithMaxRetries(0))
	if _, err := c.Messages.New(testContext(t), params("hi")); err != nil {
		t.Errorf("Messages.New: %v, want success after FailNext(0, …)", err)
	}
}
