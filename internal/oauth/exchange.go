package oauth

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/oauth2"

	"parley/internal/credential"
)

// errExchangeTimeout is the cause of an exchange that ran out of time.
var errExchangeTimeout = errors.New("the token request took too long")

// exchange trades code for tokens at the token endpoint (RFC 6749 section
// 4.1.3), proving with the PKCE verifier (RFC 7636 section 4.5) that this
// flow asked for it. It gives up after ExchangeTimeout, or when the flow
// ends.
func (f *Flow) exchange(code string) (credential.Token, error) {
	ctx, cancel := context.WithTimeoutCause(f.ctx, f.opts.ExchangeTimeout, errExchangeTimeout)
	defer cancel()
	var tok credential.Token
	var err error
	if f.profile.Format == JSON {
		tok, err = postJSON(ctx, f.opts.HTTP, f.profile, map[string]string{
			"grant_type":    codeGrant,
			"code":          code,
			"redirect_uri":  f.cfg.RedirectURL,
			"client_id":     f.profile.ClientID,
			"code_verifier": f.verifier,
			"state":         f.state,
		})
	} else {
		t, e := f.cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, f.opts.HTTP), code, oauth2.VerifierOption(f.verifier))
		tok, err = fromOAuth2(t, e, codeGrant)
	}
	if err != nil && errors.Is(context.Cause(ctx), errExchangeTimeout) {
		return credential.Token{}, fmt.Errorf("the sign-in server did not answer within %s; try again", f.opts.ExchangeTimeout)
	}
	return tok, err
}
