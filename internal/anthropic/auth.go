package anthropic

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"parley/internal/credential"
)

// oauthBeta is the anthropic-beta value that API calls made with an OAuth
// access token carry.
const oauthBeta = "oauth-2025-04-20"

// maxAuthRetries is a safety net for the retries after 401s. Each retry
// needs a credential newer than the one rejected, so no credential is ever
// retried twice; the net is reached only if the sign-in changed this many
// times while one request was in flight.
const maxAuthRetries = 50

// errKeptChanging is returned when maxAuthRetries is reached.
var errKeptChanging = errors.New("your sign-in changed while sending; send again")

// authenticate is the SDK middleware. The SDK runs it for every attempt,
// retries included: it resolves the credential at that moment and sets the
// headers by its kind. On a 401 it asks the holder to Recover and retries
// with what that gives, once per newer credential.
func (c *Client) authenticate(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	ctx := req.Context()
	if fn, ok := ctx.Value(retryKey{}).(func(int)); ok {
		if n, _ := strconv.Atoi(req.Header.Get("X-Stainless-Retry-Count")); n > 0 {
			fn(n)
		}
	}
	cred, err := c.holder.Resolve(ctx)
	if err != nil {
		return nil, abort(ctx, err)
	}
	mayRefresh := true
	for attempt := 0; ; attempt++ {
		r, err := rewind(req, attempt)
		if err != nil {
			return nil, err
		}
		setAuth(r, cred)
		if err := c.route(r, cred); err != nil {
			return nil, err
		}
		if c.beforeSend != nil {
			c.beforeSend(r, cred)
		}
		resp, err := next(r)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			return resp, err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if attempt == maxAuthRetries {
			return nil, abort(ctx, errKeptChanging)
		}
		newer, refreshed, err := c.holder.Recover(ctx, cred, mayRefresh)
		if err != nil {
			return nil, abort(ctx, err)
		}
		mayRefresh = mayRefresh && !refreshed // one forced refresh per request
		cred = newer
	}
}

// rewind returns the request for attempt n: a copy with its own headers
// and, after the first, a fresh body.
func rewind(req *http.Request, n int) (*http.Request, error) {
	r := req.Clone(req.Context())
	if n > 0 && req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, errors.New("cannot resend this request")
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// setAuth sets the auth headers for cred, and only those.
func setAuth(r *http.Request, cred *credential.Credential) {
	r.Header.Del("X-Api-Key")
	r.Header.Del("Authorization")
	betas := withoutValue(r.Header.Values("Anthropic-Beta"), oauthBeta)
	switch cred.Kind() {
	case credential.APIKey:
		r.Header.Set("X-Api-Key", cred.Secret())
	case credential.OAuth:
		r.Header.Set("Authorization", "Bearer "+cred.Secret())
		betas = append(betas, oauthBeta)
	}
	r.Header.Del("Anthropic-Beta")
	if len(betas) > 0 {
		r.Header.Set("Anthropic-Beta", strings.Join(betas, ","))
	}
}

// withoutValue returns the comma-separated header values vs without v.
func withoutValue(vs []string, v string) []string {
	var out []string
	for _, line := range vs {
		for _, b := range strings.Split(line, ",") {
			if b = strings.TrimSpace(b); b != "" && b != v {
				out = append(out, b)
			}
		}
	}
	return out
}

// route sends r to the API base URL of cred's profile, if it has its own.
func (c *Client) route(r *http.Request, cred *credential.Credential) error {
	if c.profileBase == nil || cred.Profile() == "" {
		return nil
	}
	base := c.profileBase(cred.Profile())
	if base == "" {
		return nil
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return fmt.Errorf("the API address %q of this sign-in is not a URL; fix it in Parley's settings", base)
	}
	r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	r.URL.Path = strings.TrimSuffix(u.Path, "/") + r.URL.Path
	r.URL.RawPath = ""
	return nil
}
