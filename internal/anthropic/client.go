// Package anthropic is Parley's client for the Anthropic API: the official
// Go SDK, with authentication taken from the credential holder on every
// attempt, and nothing from the environment.
package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/anthropics/anthropic-sdk-go/v2/packages/ssestream"

	"parley/internal/credential"
)

// Options configure a Client.
type Options struct {
	// BaseURL of the API (default https://api.anthropic.com).
	BaseURL string
	// HTTPClient sends the requests (default: the SDK's).
	HTTPClient *http.Client
	// MaxRetries for 408/409/429/5xx and connection errors (default 2).
	MaxRetries *int
	// ProfileBaseURL, if set, returns the API base URL for requests made
	// with an OAuth profile's credential ("" for BaseURL): a gateway or an
	// SDK profile may front Claude elsewhere. It is asked for every attempt,
	// so the address changes with the credential, atomically.
	ProfileBaseURL func(profile string) string
}

// Client calls the Anthropic API as the holder's current account.
type Client struct {
	sdk         sdk.Client
	holder      *credential.Holder
	profileBase func(string) string
	// beforeSend, if set, runs just before each attempt is sent, with the
	// credential it carries. Tests use it to hold a request in flight.
	beforeSend func(*http.Request, *credential.Credential)
}

// New returns a client that authenticates every attempt from h.
func New(h *credential.Holder, o Options) *Client {
	c := &Client{holder: h, profileBase: o.ProfileBaseURL}
	opts := []option.RequestOption{
		option.WithoutEnvironmentDefaults(),
		option.WithMiddleware(c.authenticate),
	}
	if o.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(o.BaseURL))
	}
	if o.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(o.HTTPClient))
	}
	if o.MaxRetries != nil {
		opts = append(opts, option.WithMaxRetries(*o.MaxRetries))
	}
	c.sdk = sdk.NewClient(opts...)
	return c
}

// Model is one model the account may use.
type Model struct {
	ID, DisplayName string
}

// Models lists the models the account may use. It is also the cheap
// authenticated call that checks a new API key.
func (c *Client) Models(ctx context.Context) ([]Model, error) {
	var out []Model
	err := c.call(ctx, func(ctx context.Context) error {
		pager := c.sdk.Models.ListAutoPaging(ctx, sdk.ModelListParams{})
		for pager.Next() {
			m := pager.Current()
			out = append(out, Model{ID: m.ID, DisplayName: m.DisplayName})
		}
		return pager.Err()
	})
	return out, err
}

// Message sends one request and returns the whole reply.
func (c *Client) Message(ctx context.Context, params sdk.MessageNewParams, opts ...option.RequestOption) (*sdk.Message, error) {
	var msg *sdk.Message
	err := c.call(ctx, func(ctx context.Context) error {
		var err error
		msg, err = c.sdk.Messages.New(ctx, params, opts...)
		return err
	})
	return msg, err
}

// call runs fn with a context that the authentication middleware cancels,
// with the reason as cause, when a request cannot be authenticated: the
// SDK then stops at once instead of retrying, and the caller gets the
// reason (signed out, needs sign-in) rather than a raw 401.
func (c *Client) call(ctx context.Context, fn func(context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	err := fn(context.WithValue(ctx, abortKey{}, cancel))
	if err != nil && ctx.Err() != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
			return cause
		}
	}
	return err
}

type abortKey struct{}

// abort ends the whole call with err as its cause, if it runs under call.
func abort(ctx context.Context, err error) error {
	if cancel, ok := ctx.Value(abortKey{}).(context.CancelCauseFunc); ok {
		cancel(err)
	}
	return err
}

// Reply is what a streamed reply ended with, besides its text.
type Reply struct {
	Text         string
	StopReason   string
	InputTokens  int64
	OutputTokens int64
}

// Stream sends a streaming request and calls onText with each piece of
// text as it arrives. It returns the whole reply (with usage) or the error
// that ended it; the text onText got before an error is the partial reply.
//
// The SDK sends the request (authentication, retries); the events are read
// here, decoding only the fields Parley uses: the SDK's typed decoding and
// accumulation of every event cost several times the network's own pace.
func (c *Client) Stream(ctx context.Context, params sdk.MessageNewParams, onText func(string)) (*Reply, error) {
	var reply Reply
	err := c.call(ctx, func(ctx context.Context) error {
		var res *http.Response
		if err := c.sdk.Post(ctx, "v1/messages", params, &res, option.WithJSONSet("stream", true)); err != nil {
			return err
		}
		events := ssestream.NewDecoder(res)
		defer events.Close()
		var text strings.Builder
		for events.Next() {
			ev := events.Event()
			done, err := reply.apply(ev.Type, ev.Data, func(t string) {
				text.WriteString(t)
				onText(t)
			})
			if err != nil || done {
				reply.Text = text.String()
				return err
			}
		}
		reply.Text = text.String()
		if err := events.Err(); err != nil {
			return err
		}
		return io.ErrUnexpectedEOF // the stream ended without message_stop
	})
	if err != nil {
		return nil, err
	}
	return &reply, nil
}

// streamEvent holds the fields of a stream event that Parley reads.
type streamEvent struct {
	Message struct {
		Usage struct {
			InputTokens  int64 `json:"input_tokens"`
			OutputTokens int64 `json:"output_tokens"`
		} `json:"usage"`
	} `json:"message"`
	Delta struct {
		Type       string `json:"type"`
		Text       string `json:"text"`
		StopReason string `json:"stop_reason"`
	} `json:"delta"`
	Usage struct {
		OutputTokens int64 `json:"output_tokens"`
	} `json:"usage"`
	Error StreamError `json:"error"`
}

// apply takes one event into r, passing text to onText, and says whether
// the reply is complete.
func (r *Reply) apply(typ string, data []byte, onText func(string)) (done bool, err error) {
	switch typ {
	case "message_start", "content_block_delta", "message_delta", "error":
	case "message_stop":
		return true, nil
	default:
		return false, nil // ping, content_block_start/stop, and events Parley does not use
	}
	var ev streamEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return false, fmt.Errorf("reading the reply: %w", err)
	}
	switch typ {
	case "message_start":
		r.InputTokens, r.OutputTokens = ev.Message.Usage.InputTokens, ev.Message.Usage.OutputTokens
	case "content_block_delta":
		if ev.Delta.Type == "text_delta" && ev.Delta.Text != "" {
			onText(ev.Delta.Text)
		}
	case "message_delta":
		r.StopReason, r.OutputTokens = ev.Delta.StopReason, ev.Usage.OutputTokens
	case "error":
		return false, &ev.Error
	}
	return false, nil
}

type retryKey struct{}

// OnRetry returns a context whose calls report each retry the SDK makes
// (after 429, 529, 5xx or a dropped connection) to fn, with the attempt
// number, so the user can see that Parley is trying again.
func OnRetry(ctx context.Context, fn func(attempt int)) context.Context {
	return context.WithValue(ctx, retryKey{}, fn)
}
