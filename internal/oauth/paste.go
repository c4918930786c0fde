package oauth

import (
	"context"
	"net/url"
	"strings"

	"parley/internal/credential"
)

// maxPasted bounds pasted text; real codes are far shorter.
const maxPasted = 2048

// PasteCode completes the flow with what the user pasted, for machines
// where the browser cannot reach the loopback listener. It accepts the
// code alone, "CODE#STATE" as Anthropic's console shows it, or the whole
// redirect URL; if the text carries a state it must be this flow's
// (RFC 6749 section 10.12), else the flow ends with ErrStateMismatch.
//
// Text that is not a code gives ErrMalformedCode and leaves the flow
// running, so the user can paste again. Otherwise PasteCode returns the
// flow's one result, exactly as Wait does (a concurrent Wait returns the
// same token or error); if a redirect or another paste came first, the
// pasted code is not used and PasteCode returns that answer's result. If
// ctx ends first, the flow ends as it does for Wait.
func (f *Flow) PasteCode(ctx context.Context, pasted string) (credential.Token, error) {
	r, err := parsePasted(pasted)
	if err != nil {
		return credential.Token{}, err
	}
	if f.claim() {
		stop := context.AfterFunc(ctx, func() { f.finish(credential.Token{}, cancelled(ctx)) })
		f.finish(f.answer(r, false))
		stop()
	}
	return f.Wait(ctx)
}

// parsePasted reads a pasted code, code#state or redirect URL.
func parsePasted(s string) (reply, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return reply{}, malformed("nothing was pasted")
	case len(s) > maxPasted:
		return reply{}, malformed("it is longer than any sign-in code")
	}
	for _, c := range s {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return reply{}, malformed("it has spaces or line breaks inside")
		case c < 0x21 || c > 0x7e:
			return reply{}, malformed("it has characters that no sign-in code has")
		}
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		u, err := url.Parse(s)
		if err != nil {
			return reply{}, malformed("it is not a whole web address")
		}
		r := replyFrom(u.Query())
		if r.code == "" && r.errCode == "" {
			return reply{}, malformed("it is a web address without a sign-in code")
		}
		return r, nil
	}
	code, state, hasState := strings.Cut(s, "#")
	if code == "" || hasState && state == "" {
		return reply{}, malformed("part of it is missing")
	}
	return reply{code: code, state: state}, nil
}
