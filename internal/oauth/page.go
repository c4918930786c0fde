package oauth

import (
	"errors"
	"html/template"
	"net/http"

	"parley/internal/credential"
)

// page is what the browser shows when it comes back to Parley: a
// self-contained page with no scripts and nothing fetched, which never
// shows a code, state or token.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley sign-in</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>
`))

// pageReasons say, in the page's words, why a sign-in did not complete.
// Anything else went wrong at the token endpoint.
var pageReasons = []struct {
	err    error
	status int
	text   string
}{
	{ErrDenied, http.StatusForbidden, "the sign-in was refused"},
	{ErrStateMismatch, http.StatusBadRequest, "the answer did not belong to this sign-in attempt"},
	{ErrMissingCode, http.StatusBadRequest, "the sign-in server sent no sign-in code"},
	{ErrWrongCallback, http.StatusNotFound, "the browser came back to an unexpected address"},
	{ErrTimeout, http.StatusBadRequest, "it took too long"},
	{ErrCancelled, http.StatusBadRequest, "it was cancelled in Parley"},
	{credential.ErrInvalidGrant, http.StatusBadGateway, "the sign-in server did not accept the sign-in code"},
}

// writePage answers the browser with the flow's result err.
func writePage(w http.ResponseWriter, err error) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Connection", "close")
	if err == nil {
		w.WriteHeader(http.StatusOK)
		page.Execute(w, map[string]string{"Title": "Signed in", "Text": "You are signed in to Parley. You can close this tab."})
		return
	}
	status, reason := http.StatusBadGateway, "Parley could not get a token from the sign-in server"
	for _, r := range pageReasons {
		if errors.Is(err, r.err) {
			status, reason = r.status, r.text
			break
		}
	}
	w.WriteHeader(status)
	page.Execute(w, map[string]string{"Title": "Sign-in did not complete", "Text": "Sign-in did not complete: " + reason + ". You can close this tab and try again in Parley."})
}
