// Command fakes runs Parley's fake Anthropic API and fake OAuth server on
// 127.0.0.1 for the end-to-end tests, with a small admin API the tests use
// to steer them. It prints one JSON line with the addresses, then serves
// until stdin closes.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"parley/internal/fakeapi"
	"parley/internal/fakeauth"
)

func main() {
	api := fakeapi.New()
	auth := fakeauth.New(api)
	mux := http.NewServeMux()
	handle := func(path string, fn func(r *http.Request, body map[string]string) (any, error)) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			body := map[string]string{}
			if r.Method == http.MethodPost {
				if err := json.NewDecoder(r.Body).Decode(&body); err != nil && err != io.EOF {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
			}
			out, err := fn(r, body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(out)
		})
	}
	handle("POST /allow-key", func(_ *http.Request, b map[string]string) (any, error) { api.AllowAPIKey(b["key"]); return "ok", nil })
	handle("POST /revoke", func(_ *http.Request, b map[string]string) (any, error) { api.Revoke(b["secret"]); return "ok", nil })
	handle("POST /revoke-account", func(_ *http.Request, b map[string]string) (any, error) { auth.RevokeAll(b["email"]); return "ok", nil })
	handle("POST /account", func(_ *http.Request, b map[string]string) (any, error) { auth.SetAccount(b["email"]); return "ok", nil })
	handle("POST /authorize-mode", func(_ *http.Request, b map[string]string) (any, error) {
		modes := map[string]fakeauth.AuthorizeMode{"approve": fakeauth.Approve, "deny": fakeauth.Deny, "show-code": fakeauth.ShowCode}
		m, ok := modes[b["mode"]]
		if !ok {
			return nil, fmt.Errorf("unknown mode %q", b["mode"])
		}
		auth.SetAuthorizeMode(m)
		return "ok", nil
	})
	handle("POST /delta-delay", func(_ *http.Request, b map[string]string) (any, error) {
		d, err := time.ParseDuration(b["delay"])
		api.SetDeltaDelay(d)
		return "ok", err
	})
	handle("POST /fail-next", func(_ *http.Request, b map[string]string) (any, error) {
		n, err := strconv.Atoi(b["n"])
		if err != nil {
			return nil, err
		}
		status, err := strconv.Atoi(b["status"])
		api.FailNext(n, status, 0)
		return "ok", err
	})
	handle("POST /cut-stream", func(_ *http.Request, b map[string]string) (any, error) {
		n, err := strconv.Atoi(b["after"])
		api.CutStreamAfter(n)
		return "ok", err
	})
	handle("POST /reply", func(_ *http.Request, b map[string]string) (any, error) {
		text, echo := b["text"], b["text"] == ""
		api.SetReply(func(r fakeapi.MessagesRequest) string {
			if echo {
				return "You said: " + r.Messages[len(r.Messages)-1].Text
			}
			return text
		})
		return "ok", nil
	})
	handle("GET /log", func(*http.Request, map[string]string) (any, error) { return api.Log(), nil })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(ln, mux)
	json.NewEncoder(os.Stdout).Encode(map[string]string{
		"api": api.URL, "authorize": auth.AuthorizeURL, "token": auth.TokenURL, "admin": "http://" + ln.Addr().String(),
	})
	io.Copy(io.Discard, os.Stdin) // until the test ends
}
