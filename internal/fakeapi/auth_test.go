package fakeapi

import (
	"net/http"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

func TestAuthentication(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(s *Server)
		client   func(s *Server) anthropic.Client
		wantOK   bool
		wantKind string
		wantCred string
	}{
		{
			name:     "allowed api key",
			client:   func(s *Server) anthropic.Client { return keyClient(s, "key-1") },
			wantOK:   true,
			wantKind: KindAPIKey, wantCred: "key-1",
		},
		{
			name:     "unknown api key",
			client:   func(s *Server) anthropic.Client { return keyClient(s, "key-2") },
			wantKind: KindAPIKey, wantCred: "key-2",
		},
		{
			name:     "revoked api key",
			setup:    func(s *Server) { s.Revoke("key-1") },
			client:   func(s *Server) anthropic.Client { return keyClient(s, "key-1") },
			wantKind: KindAPIKey, wantCred: "key-1",
		},
		{
			name:     "api key allowed again after revoke",
			setup:    func(s *Server) { s.Revoke("key-1"); s.AllowAPIKey("key-1") },
			client:   func(s *Server) anthropic.Client { return keyClient(s, "key-1") },
			wantOK:   true,
			wantKind: KindAPIKey, wantCred: "key-1",
		},
		{
			name:     "access token with oauth beta",
			client:   func(s *Server) anthropic.Client { return tokenClient(s, "token-1") },
			wantOK:   true,
			wantKind: KindOAuth, wantCred: "token-1",
		},
		{
			name: "access token with oauth beta among others",
			client: func(s *Server) anthropic.Client {
				return client(s, option.WithAuthToken("token-1"),
					option.WithHeader("anthropic-beta", "prompt-caching-2024-07-31, oauth-2025-04-20"))
			},
			wantOK:   true,
			wantKind: KindOAuth, wantCred: "token-1",
		},
		{
			name:     "access token without oauth beta",
			client:   func(s *Server) anthropic.Client { return client(s, option.WithAuthToken("token-1")) },
			wantKind: KindOAuth, wantCred: "token-1",
		},
		{
			name:     "unknown access token",
			client:   func(s *Server) anthropic.Client { return tokenClient(s, "token-2") },
			wantKind: KindOAuth, wantCred: "token-2",
		},
		{
			name:     "revoked access token",
			setup:    func(s *Server) { s.Revoke("token-1") },
			client:   func(s *Server) anthropic.Client { return tokenClient(s, "token-1") },
			wantKind: KindOAuth, wantCred: "token-1",
		},
		{
			name:     "api key sent as access token",
			client:   func(s *Server) anthropic.Client { return tokenClient(s, "key-1") },
			wantKind: KindOAuth, wantCred: "key-1",
		},
		{
			// The SDK's WithAPIKey sends "Authorization: Bearer <key>", which
			// the API takes for an access token.
			name:     "api key through option.WithAPIKey",
			client:   func(s *Server) anthropic.Client { return client(s, option.WithAPIKey("key-1")) },
			wantKind: KindOAuth, wantCred: "key-1",
		},
		{
			name: "both api key and access token",
			client: func(s *Server) anthropic.Client {
				return tokenClient(s, "token-1", option.WithHeader("x-api-key", "key-1"))
			},
			wantKind: KindAPIKey, wantCred: "key-1",
		},
		{
			name:     "no credential",
			client:   func(s *Server) anthropic.Client { return client(s) },
			wantKind: KindNone,
		},
		{
			name: "basic authorization",
			client: func(s *Server) anthropic.Client {
				return client(s, option.WithHeader("Authorization", "Basic a2V5LTE6"))
			},
			wantKind: KindNone,
		},
		{
			name:     "any key in demo mode",
			setup:    func(s *Server) { s.AllowAny(true) },
			client:   func(s *Server) anthropic.Client { return keyClient(s, "whatever") },
			wantOK:   true,
			wantKind: KindAPIKey, wantCred: "whatever",
		},
		{
			name:     "any token in demo mode",
			setup:    func(s *Server) { s.AllowAny(true) },
			client:   func(s *Server) anthropic.Client { return tokenClient(s, "whatever") },
			wantOK:   true,
			wantKind: KindOAuth, wantCred: "whatever",
		},
		{
			name:     "revoked key in demo mode",
			setup:    func(s *Server) { s.AllowAny(true); s.Revoke("whatever") },
			client:   func(s *Server) anthropic.Client { return keyClient(s, "whatever") },
			wantKind: KindAPIKey, wantCred: "whatever",
		},
		{
			name:     "token without oauth beta in demo mode",
			setup:    func(s *Server) { s.AllowAny(true) },
			client:   func(s *Server) anthropic.Client { return client(s, option.WithAuthToken("whatever")) },
			wantKind: KindOAuth, wantCred: "whatever",
		},
		{
			name:     "demo mode turned off",
			setup:    func(s *Server) { s.AllowAny(true); s.AllowAny(false) },
			client:   func(s *Server) anthropic.Client { return keyClient(s, "whatever") },
			wantKind: KindAPIKey, wantCred: "whatever",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			if tt.setup != nil {
				tt.setup(s)
			}
			c := tt.client(s)
			_, err := c.Messages.New(testContext(t), params("hi"))
			switch aerr := apiError(err); {
			case tt.wantOK && err != nil:
				t.Errorf("Messages.New: %v, want success", err)
			case !tt.wantOK && aerr == nil:
				t.Errorf("Messages.New: error %v, want *anthropic.Error", err)
			case !tt.wantOK:
				if aerr.StatusCode != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", aerr.StatusCode)
				}
				if aerr.Type() != "authentication_error" {
					t.Errorf("error type %q, want authentication_error", aerr.Type())
				}
				if aerr.RequestID == "" || aerr.RequestID != requestIDInBody(t, aerr) {
					t.Errorf("request-id header %q does not match the body %s", aerr.RequestID, aerr.RawJSON())
				}
			}
			log := s.Log()
			if len(log) != 1 {
				t.Fatalf("log has %d entries, want 1: %+v", len(log), log)
			}
			if log[0].Kind != tt.wantKind || log[0].Credential != tt.wantCred {
				t.Errorf("logged kind %q credential %q, want %q %q", log[0].Kind, log[0].Credential, tt.wantKind, tt.wantCred)
			}
		})
	}
}
