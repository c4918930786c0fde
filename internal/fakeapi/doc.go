// Package fakeapi is a fake of the Anthropic Messages and Models API, served
// over real HTTP on 127.0.0.1.
//
// Use it wherever Parley would talk to the real service but must not: tests
// of credential handling, retries and streaming, and the offline demo mode.
// It speaks the wire format of the real API closely enough that the Anthropic
// Go SDK works against it unmodified; point a client at it with
// option.WithBaseURL(srv.URL).
//
// The fake follows the API's credential rules: an API key travels in the
// x-api-key header, an OAuth access token as "Authorization: Bearer <token>"
// together with the oauth-2025-04-20 beta in the anthropic-beta header.
//
// All methods of Server are safe for concurrent use.
package fakeapi
