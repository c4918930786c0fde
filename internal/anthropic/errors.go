package anthropic

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"

	"parley/internal/credential"
)

// Explain says, for the user, what went wrong with a call and what to do.
// Use it for every API error that reaches a window.
func Explain(err error) string {
	var apiErr *sdk.Error
	var streamErr *StreamError
	var urlErr *url.Error
	var netErr net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, credential.ErrSignedOut):
		return "You are signed out. Sign in to continue."
	case errors.Is(err, credential.ErrNeedsSignIn):
		return "Your sign-in is no longer accepted. Sign in again from Account…."
	case errors.Is(err, errKeptChanging):
		return "Your sign-in changed while sending. Send again."
	case errors.Is(err, context.Canceled):
		return "Stopped."
	case errors.Is(err, context.DeadlineExceeded):
		return "Anthropic took too long to answer. Check your connection and try again."
	case errors.As(err, &apiErr):
		return explainStatus(apiErr.StatusCode, apiErr.Message)
	case errors.As(err, &streamErr):
		return explainStatus(streamErr.status(), streamErr.Message)
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		host := ""
		if urlErr != nil {
			if u, perr := url.Parse(urlErr.URL); perr == nil {
				host = " (" + u.Host + ")"
			}
		}
		return fmt.Sprintf("Could not reach Anthropic%s. Check your network connection and try again.", host)
	}
	return "Something went wrong: " + err.Error()
}

func explainStatus(status int, detail string) string {
	switch {
	case status == 401:
		return "Anthropic did not accept the sign-in. Sign in again from Account…."
	case status == 403:
		return "This account is not allowed to do that. Check its permissions in the Anthropic Console."
	case status == 404:
		return "Anthropic does not know this model or address. Pick another model."
	case status == 413:
		return "The conversation is too large to send. Start a new one or remove long messages."
	case status == 429:
		return "Rate limited: this account sent too many requests. Wait a minute, then try again."
	case status == 529:
		return "Anthropic's API is overloaded right now. Try again in a little while."
	case status >= 500:
		return fmt.Sprintf("Anthropic's API had an error (%d). Try again.", status)
	case status == 400 && detail != "":
		return "Anthropic refused the request: " + detail + "."
	case status == 400:
		return "Anthropic refused the request."
	}
	return fmt.Sprintf("Anthropic answered with an error (%d). Try again.", status)
}

// StreamError is an error the API reported in the middle of a streamed
// reply (an "error" event), after answering 200: typically overloaded_error.
type StreamError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

func (e *StreamError) Error() string {
	return "the API ended the reply with " + e.Type + ": " + e.Message
}

// status is the HTTP status the API answers with for errors of e's type,
// so that Explain says the same for both.
func (e *StreamError) status() int {
	switch e.Type {
	case "invalid_request_error":
		return 400
	case "authentication_error":
		return 401
	case "permission_error":
		return 403
	case "not_found_error":
		return 404
	case "request_too_large":
		return 413
	case "rate_limit_error":
		return 429
	case "timeout_error":
		return 504
	case "overloaded_error":
		return 529
	}
	return 500
}
