package oauth

import (
	"crypto/subtle"
	"net/http"
	"net/url"

	"parley/internal/credential"
)

// reply is the authorization server's answer (RFC 6749 sections 4.1.2 and
// 4.1.2.1), from the redirect or pasted by the user.
type reply struct {
	code, state, errCode string
}

func replyFrom(q url.Values) reply {
	return reply{code: q.Get("code"), state: q.Get("state"), errCode: q.Get("error")}
}

// serveHTTP is the loopback listener (RFC 8252 section 7.3). The browser's
// first visit, on /callback or anywhere else but /favicon.ico, is the
// flow's answer; every visit gets a page with the flow's result.
func (f *Flow) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/favicon.ico":
		http.NotFound(w, r)
		return
	case r.Host != f.ln.Addr().String():
		// Not the redirect URI: a page that rebound its own name to
		// 127.0.0.1 (DNS rebinding) may not end the flow.
		http.Error(w, "misdirected request", http.StatusMisdirectedRequest)
		return
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if f.claim() {
		if r.URL.Path == callbackPath {
			f.finish(f.answer(replyFrom(r.URL.Query()), true))
		} else {
			f.finish(credential.Token{}, ErrWrongCallback)
		}
	}
	<-f.done
	writePage(w, f.err)
}

// answer checks an answer against this flow and exchanges its code.
// needState is false for pasted text, which need not carry the state.
func (f *Flow) answer(r reply, needState bool) (credential.Token, error) {
	if (needState || r.state != "") && subtle.ConstantTimeCompare([]byte(r.state), []byte(f.state)) != 1 {
		return credential.Token{}, ErrStateMismatch
	}
	if r.errCode != "" {
		return credential.Token{}, denied(r.errCode)
	}
	if r.code == "" {
		return credential.Token{}, ErrMissingCode
	}
	return f.exchange(r.code)
}
