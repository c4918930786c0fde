package logfile

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Marker replaces every secret in the log.
const Marker = "[redacted]"

// minSecret is the length of the shortest string [Log.Redact] hides: no
// credential is shorter, and hiding shorter strings would mangle ordinary
// text.
const minSecret = 8

// maxRounds bounds the rounds of [redactor.hide] on one line.
const maxRounds = 8

// Values that follow a key: a quoted string (also inside an escaped JSON
// document, \"...\"), a bracketed list as fmt prints http.Header and
// url.Values, or a bare word. Only the capture groups are replaced.
const (
	quoted = `\\?"((?:[^"\\]|\\[^"])*)|'([^']*)|(\[[^\]]*\])`
	bare   = `[^\s"',;&}\]]+`
)

// A rule finds secrets by their form. Each capture group of re that
// matches is replaced by [Marker]; the rest of the match stays readable.
// re runs only on lines holding one of hints (in lower case), which makes
// a line without secrets cheap.
type rule struct {
	hints []string
	re    *regexp.Regexp
}

// rules run in this order, before the registered secrets.
var rules = []rule{
	// Authorization: Bearer x, authorization="Basic x", "Authorization":["..."]:
	// the scheme stays, the credential goes.
	{[]string{"authorization"}, regexp.MustCompile(`(?i)\b(?:proxy-)?authorization\\?["']?\s*[:=]\s*(?:` + quoted + `|(?:[a-z]+ +)?(\[[^\]]*\]|` + bare + `))`)},
	// x-api-key: ..., X-Api-Key:[...], "x-api-key": "...".
	{[]string{"x-api-key"}, regexp.MustCompile(`(?i)\bx-api-key\\?["']?\s*[:=]\s*(?:` + quoted + `|(` + bare + `))`)},
	// Anthropic API keys and OAuth tokens: sk-ant-api03-..., sk-ant-oat01-...,
	// sk-ant-ort01-...; the kind stays, the key goes.
	{[]string{"sk-ant-"}, regexp.MustCompile(`sk-ant-(?:(?:api|oat|ort|admin)\d{2}-)?([A-Za-z0-9_\-]+)`)},
	// Bearer tokens anywhere (RFC 6750 section 2.1).
	{[]string{"bearer"}, regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9\-._~+/]+=*)`)},
	// OAuth parameters in queries, form bodies and key=value logs, and as
	// fmt prints url.Values (code:[...]). "code" must start a word, so
	// that status_code=200 stays.
	{paramHints, regexp.MustCompile(`(?i)(?:\b(?:code|code_verifier|password|api_key)|access_token|refresh_token|id_token|client_secret)(?:=(?:` + quoted + `|([^\s&"'#]+))|:(\[[^\]]*\]))`)},
	// The same in JSON, also JSON inside a quoted string.
	{paramHints, regexp.MustCompile(`(?i)\\?"(?:code|code_verifier|refresh_token|access_token|id_token|client_secret|password|api_key)\\?"\s*:\s*\\?"((?:[^"\\]|\\[^"])*)`)},
	// The password in a URL: http://user:password@host.
	{[]string{"@"}, regexp.MustCompile(`://[^/\s:@]*:([^/\s]*)@`)},
}

var paramHints = []string{"code", "_token", "client_secret", "password", "api_key"}

// redactor removes secrets from lines: those matching rules, and the
// registered ones, which it keeps in memory only.
type redactor struct {
	secrets [][]byte
	known   map[string]bool
}

// Redact makes the log hide secret from now on, wherever it appears, in
// whatever format: use it for every credential Parley holds (a key, an
// access or refresh token, a proxy password) as soon as it has it. secret
// is kept in memory only. Strings shorter than 8 bytes are ignored, and a
// secret with line breaks is hidden line by line.
func (l *Log) Redact(secret string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.red.add(secret)
}

// add registers secret and the forms it takes when quoted or escaped.
func (r *redactor) add(secret string) {
	for _, part := range strings.FieldsFunc(secret, func(c rune) bool { return c == '\n' || c == '\r' }) {
		forms := []string{
			part,
			url.QueryEscape(part),
			url.PathEscape(part),
			unquote(strconv.Quote(part)),        // fmt %q, slog's text handler
			unquote(strconv.QuoteToASCII(part)), // fmt %+q
			unquote(jsonString(part, true)),     // encoding/json
			unquote(jsonString(part, false)),    // slog's JSON handler
		}
		for _, f := range forms {
			// A string inside the marker cannot be told apart from it.
			if len(f) < minSecret || strings.Contains(Marker, f) || r.known[f] {
				continue
			}
			if r.known == nil {
				r.known = make(map[string]bool)
			}
			r.known[f] = true
			r.secrets = append(r.secrets, []byte(f))
		}
	}
}

func jsonString(s string, escapeHTML bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// unquote drops the quotes around a quoted string, leaving its escapes.
func unquote(q string) string { return q[1 : len(q)-1] }

// line returns b, one line without its newline, with every secret replaced
// by the marker. It may return b itself.
func (r *redactor) line(b []byte) []byte {
	lower := bytes.ToLower(b)
	for _, rl := range rules {
		if slices.ContainsFunc(rl.hints, func(h string) bool { return bytes.Contains(lower, []byte(h)) }) {
			b = replaceGroups(rl.re, b)
		}
	}
	return r.hide(b)
}

// replaceGroups replaces the text of every capture group of re that
// matches in b, and is not empty, with the marker.
func replaceGroups(re *regexp.Regexp, b []byte) []byte {
	matches := re.FindAllSubmatchIndex(b, -1)
	if matches == nil {
		return b
	}
	var out []byte
	last := 0
	for _, m := range matches {
		for g := 2; g < len(m); g += 2 {
			if m[g] < 0 || m[g] == m[g+1] {
				continue
			}
			out = append(out, b[last:m[g]]...)
			out = append(out, Marker...)
			last = m[g+1]
		}
	}
	return append(out, b[last:]...)
}

// hide replaces the registered secrets in b. Replacing one occurrence can
// make another one out of the marker and its neighbours, so it repeats
// until none is left. Each later round swallows a whole marker and more,
// so b shrinks and the loop would end; a line that still needs more rounds
// than maxRounds is replaced whole, to bound the time spent on it.
func (r *redactor) hide(b []byte) []byte {
	if len(r.secrets) == 0 {
		return b
	}
	for round := 0; ; round++ {
		if round == maxRounds {
			return []byte(Marker)
		}
		var cover []bool
		for _, s := range r.secrets {
			for i := 0; ; i++ {
				j := bytes.Index(b[i:], s)
				if j < 0 {
					break
				}
				i += j
				if cover == nil {
					cover = make([]bool, len(b))
				}
				for k := i; k < i+len(s); k++ {
					cover[k] = true
				}
			}
		}
		if cover == nil {
			return b
		}
		// A marker that a secret overlaps goes with it.
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(Marker))
			if j < 0 {
				break
			}
			i += j
			end := i + len(Marker)
			if slices.Contains(cover[i:end], true) {
				for k := i; k < end; k++ {
					cover[k] = true
				}
			}
			i = end
		}
		out := make([]byte, 0, len(b))
		for i := 0; i < len(b); {
			if !cover[i] {
				out = append(out, b[i])
				i++
				continue
			}
			for i < len(b) && cover[i] {
				i++
			}
			out = append(out, Marker...)
		}
		b = out
	}
}
