// Package demo runs Parley offline: the fake Anthropic API in the core
// process on 127.0.0.1, answering with canned replies, so that anyone can
// try Parley without an account. Every window labels it "Demo".
package demo

import (
	"fmt"
	"strings"

	"parley/internal/credential"
	"parley/internal/fakeapi"
)

// Label is the account label every window shows in demo mode.
const Label = "Parley demo"

// Start runs the demo API and returns it with a credential for it. Close
// the server when Parley exits.
func Start() (*fakeapi.Server, *credential.Credential, error) {
	api := fakeapi.New()
	api.SetReply(Reply)
	key, err := credential.NewAPIKey("sk-ant-api03-parley-demo-0000000000000000000000000000")
	if err != nil {
		api.Close()
		return nil, nil, err
	}
	api.AllowAPIKey(key.Secret())
	return api, key.WithLabel(Label), nil
}

// Reply is the demo's answer: Markdown that shows what Parley renders,
// quoting the question.
func Reply(r fakeapi.MessagesRequest) string {
	var last string
	for _, m := range r.Messages {
		if m.Role == "user" {
			last = m.Text
		}
	}
	first := strings.SplitN(strings.TrimSpace(last), "\n", 2)[0]
	if len(first) > 80 {
		first = first[:80] + "…"
	}
	return fmt.Sprintf(`This is **Parley's demo mode**: no request leaves your computer, and this reply is simulated.

You asked: *%s*

Here is what a real conversation can hold:

- lists, **bold** and *italic* text, and [links](https://www.anthropic.com)
- code, highlighted, with a copy button:

`+"```go"+`
package main

import "fmt"

func main() {
	fmt.Println("Hello from Parley")
}
`+"```"+`

| Feature | In the demo |
|---|---|
| Streaming replies | yes |
| Several windows | yes |
| Your account | sign in from Account… |

Sign in with an API key or your Anthropic account to talk to Claude.`, first)
}
