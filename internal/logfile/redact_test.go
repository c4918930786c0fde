package logfile

import (
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestRulesHideSecretsByTheirForm(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"API key", "using key sk-ant-api03-Zx8kq2LwYb_Tn-0 now", "using key sk-ant-api03-[redacted] now"},
		{"OAuth access token", "token sk-ant-oat01-AbC_dEf-123", "token sk-ant-oat01-[redacted]"},
		{"OAuth refresh token", "refresh=sk-ant-ort01-QwErTy", "refresh=sk-ant-ort01-[redacted]"},
		{"key of an unknown kind", "sk-ant-Xy99zz", "sk-ant-[redacted]"},
		{"bearer token in prose", "sent Bearer eyJhbGc.eyJzdWI.c2ln== to the gateway", "sent Bearer [redacted] to the gateway"},
		{"authorization header", "Authorization: Bearer abc.def", "Authorization: Bearer [redacted]"},
		{"basic authorization", "Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic [redacted]"},
		{"authorization in key=value", `authorization="Bearer abc def" status=401`, `authorization="[redacted]" status=401`},
		{"x-api-key header", "X-Api-Key: gw-key-7d1e0c5b9a", "X-Api-Key: [redacted]"},
		{"x-api-key, key=value", "x-api-key=gw-key-7d1e0c5b9a status=200", "x-api-key=[redacted] status=200"},
		{"header as fmt prints it", "map[Authorization:[Bearer abc] Content-Type:[application/json] X-Api-Key:[k-123456789]]",
			"map[Authorization:[redacted] Content-Type:[application/json] X-Api-Key:[redacted]]"},
		{"header in JSON", `{"X-Api-Key":["k-123456789"],"Accept":["*/*"]}`, `{"X-Api-Key":[redacted],"Accept":["*/*"]}`},
		{"authorization code in a callback URL", "GET /callback?code=abc123xyz&state=s1", "GET /callback?code=[redacted]&state=s1"},
		{"token request form", "grant_type=authorization_code&code=c0de&code_verifier=v3r1f13r&client_id=parley",
			"grant_type=authorization_code&code=[redacted]&code_verifier=[redacted]&client_id=parley"},
		{"refresh form", "grant_type=refresh_token&refresh_token=r3fr3sh&client_secret=s3cr3t",
			"grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]"},
		{"access token in a query", "https://gw.example/v1?access_token=a.b.c#x", "https://gw.example/v1?access_token=[redacted]#x"},
		{"url.Values as fmt prints it", "map[code:[c0de] code_verifier:[v3r] state:[s1]]", "map[code:[redacted] code_verifier:[redacted] state:[s1]]"},
		{"status_code stays", "status_code=200 code=401", "status_code=200 code=[redacted]"},
		{"token response", `{"access_token":"a.b.c","token_type":"bearer","refresh_token":"r-1","id_token":"i.d.t","expires_in":3600}`,
			`{"access_token":"[redacted]","token_type":"bearer","refresh_token":"[redacted]","id_token":"[redacted]","expires_in":3600}`},
		{"token request in JSON", `{"grant_type":"authorization_code","code": "c0de","code_verifier":"v3r","client_id":"parley"}`,
			`{"grant_type":"authorization_code","code": "[redacted]","code_verifier":"[redacted]","client_id":"parley"}`},
		{"JSON inside a quoted value", `body="{\"access_token\":\"a.b.c\",\"expires_in\":3600}"`,
			`body="{\"access_token\":\"[redacted]\",\"expires_in\":3600}"`},
		{"password in a URL", "proxy http://bob:hunter2@proxy.corp:3128/", "proxy http://bob:[redacted]@proxy.corp:3128/"},
		{"password with @ in a URL", "socks5://bob:p@ss@proxy.corp:1080", "socks5://bob:[redacted]@proxy.corp:1080"},
		{"nothing secret", "GET https://api.anthropic.com/v1/models status=200 in 120ms", "GET https://api.anthropic.com/v1/models status=200 in 120ms"},
		{"already redacted", "Authorization: Bearer [redacted] x-api-key: [redacted] code=[redacted]", "Authorization: Bearer [redacted] x-api-key: [redacted] code=[redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r redactor
			if got := string(r.line([]byte(tt.in))); got != tt.want {
				t.Errorf("redacting %q:\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRegisteredSecretsAreHiddenInAnyForm(t *testing.T) {
	const secret = `corp/gw+3f9a "1c77" <e2b5>&4d0e`
	var r redactor
	r.add(secret)
	jsonHTML, _ := json.Marshal(secret)
	forms := map[string]string{
		"as is":          "token " + secret + " expired",
		"query escaped":  "url ?t=" + url.QueryEscape(secret) + "&x=1",
		"path escaped":   "/v1/" + url.PathEscape(secret) + "/x",
		"quoted":         fmt.Sprintf("value=%q", secret),
		"quoted ASCII":   fmt.Sprintf("value=%+q", secret),
		"JSON":           `{"t":` + string(jsonHTML) + `}`,
		"inside a word":  "abc" + secret + secret + "xyz",
		"around markers": "[redacte" + secret + "d]",
	}
	for name, in := range forms {
		out := string(r.line([]byte(in)))
		for _, f := range r.secrets {
			if strings.Contains(out, string(f)) {
				t.Errorf("%s: %q still holds %q after redaction: %q", name, in, f, out)
			}
		}
		if !strings.Contains(out, Marker) {
			t.Errorf("%s: %q has no marker after redaction: %q", name, in, out)
		}
	}
}

func TestShortSecretsAreIgnored(t *testing.T) {
	var r redactor
	r.add("abc")
	r.add("")
	r.add("redacted") // part of the marker itself
	if got := string(r.line([]byte("abc is fine; redacted is a word"))); got != "abc is fine; redacted is a word" {
		t.Errorf("short secrets changed ordinary text: %q", got)
	}
}

func TestSecretWithLineBreaksIsHiddenLineByLine(t *testing.T) {
	var r redactor
	r.add("first-line-of-a-key\nsecond-line-of-a-key\r\n")
	for _, in := range []string{"x first-line-of-a-key", "second-line-of-a-key y"} {
		if got := string(r.line([]byte(in))); strings.Contains(got, "line-of-a-key") {
			t.Errorf("line %q of a multi-line secret survives: %q", in, got)
		}
	}
}

// Every kind of secret Parley handles, written as Parley's code would log
// it, in small files that rotate: none of them may reach the disk.
func TestNoSecretReachesTheDisk(t *testing.T) {
	secrets := map[string]string{
		"API key":                 "sk-ant-api03-Zx8kq2LwYb_Tn0-m4RvKp7sQ1uJ3eX9hD6fC2gA5bN8yW0iO-AA",
		"OAuth access token":      "sk-ant-oat01-Qm3vT8pL2xR7nK4wJ9sF1dH6gB0cY5zA-Ee",
		"OAuth refresh token":     "sk-ant-ort01-Hn6tR1mW8qK3vL9pX2sJ7dF4gC0bZ5yA-Rr",
		"gateway JWT":             "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
		"gateway refresh token":   "gw-refresh-8c1f0e2d9b7a6354",
		"gateway API key":         "gw-key-7d1e0c5b9a3f2e81",
		"basic credentials":       "Ym9iOmh1bnRlcjItcHJveHk=",
		"authorization code":      "auth-code-55f1c9e0d2b4",
		"PKCE verifier":           "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		"client secret":           "client-secret-0a9b8c7d6e",
		"ID token":                "id.token.f00dfacecafe",
		"unknown format":          "corp:GW/3f9a+1c77=e2b5",
		"proxy password":          "hunter2-proxy-pass",
		"split across two writes": "sk-ant-api03-SplitSplitSplitSplit-XYZ",
	}
	dir := filepath.Join(t.TempDir(), "parley")
	l, err := open(dir, 700, 10)
	if err != nil {
		t.Fatal(err)
	}
	l.Redact(secrets["unknown format"])
	l.Redact(secrets["proxy password"])

	lg := log.New(l, "parley: ", 0)
	text := slog.New(slog.NewTextHandler(l, nil))
	jsonLog := slog.New(slog.NewJSONHandler(l, nil))
	h := http.Header{}
	h.Set("Authorization", "Bearer "+secrets["gateway JWT"])
	h.Set("X-Api-Key", secrets["API key"])
	h.Set("Anthropic-Version", "2023-06-01")

	lg.Printf("GET https://api.anthropic.com/v1/models header %v", h)
	text.Info("request", "header", h, "status", 200)
	jsonLog.Info("request", "header", h, "status", 200)
	lg.Printf("x-api-key: %s", secrets["gateway API key"])
	lg.Printf("Authorization: Bearer %s", secrets["OAuth access token"])
	lg.Printf("Proxy-Authorization: Basic %s", secrets["basic credentials"])
	lg.Printf("callback GET /callback?code=%s&state=st4te", secrets["authorization code"])
	text.Info("token request", "body", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {secrets["OAuth refresh token"]},
		"client_id": {"parley-desktop"}, "client_secret": {secrets["client secret"]},
	}.Encode())
	text.Info("token request", "form", url.Values{"code": {secrets["authorization code"]}, "code_verifier": {secrets["PKCE verifier"]}})
	resp, _ := json.Marshal(map[string]any{
		"access_token": secrets["gateway JWT"], "refresh_token": secrets["gateway refresh token"],
		"id_token": secrets["ID token"], "expires_in": 3600,
	})
	jsonLog.Info("token response", "body", string(resp))
	lg.Printf("token response %s", resp)
	lg.Printf("exchange %s", `{"code":"`+secrets["authorization code"]+`","code_verifier":"`+secrets["PKCE verifier"]+`"}`)
	lg.Printf("gateway said: unexpected credential %s", secrets["unknown format"])
	text.Info("gateway", "credential", secrets["unknown format"])
	jsonLog.Info("gateway", "credential", secrets["unknown format"])
	lg.Printf("using proxy http://bob:%s@proxy.corp:3128", secrets["proxy password"])
	lg.Printf("proxy refused password %q", secrets["proxy password"])
	split := secrets["split across two writes"]
	fmt.Fprintf(l, "key is %s", split[:20])
	fmt.Fprintf(l, "%s; done\n", split[20:])
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	all := readAll(t, dir)
	if n := len(files(t, dir)); n < 3 {
		t.Errorf("the log rotated into %d files, want several: the test should cover rotated files", n)
	}
	for kind, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("the %s %q is on disk", kind, s)
		}
		if e := url.QueryEscape(s); strings.Contains(all, e) {
			t.Errorf("the %s is on disk, query-escaped: %q", kind, e)
		}
	}
	for _, keep := range []string{
		"GET https://api.anthropic.com/v1/models", "Anthropic-Version:[2023-06-01]", "status=200",
		`"status":200`, "grant_type=refresh_token", "client_id=parley-desktop", "state=st4te",
		"expires_in", "gateway said: unexpected credential", "proxy.corp:3128", "key is sk-ant-api03-", "; done",
		"Authorization: Bearer [redacted]",
	} {
		if !strings.Contains(all, keep) {
			t.Errorf("the log lost %q, which is not secret", keep)
		}
	}
	if t.Failed() {
		t.Logf("the log:\n%s", all)
	}
}

// readAll returns the text of every log file in dir, oldest first.
func readAll(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range files(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// files lists the log files in dir, oldest first: Name.N ... Name.1, Name.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Name() != Name && !strings.HasPrefix(e.Name(), Name+".") {
			t.Errorf("unexpected file %s in the log directory", e.Name())
		}
		n++
	}
	var out []string
	for i := n; i >= 1; i-- {
		if _, err := os.Stat(filepath.Join(dir, Name+"."+strconv.Itoa(i))); err == nil {
			out = append(out, Name+"."+strconv.Itoa(i))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, Name)); err == nil {
		out = append(out, Name)
	}
	return out
}

// FuzzRegisteredSecretNeverSurvives checks that a registered secret, and
// every escaped form of it, is gone from any text around it, whatever the
// rules did first. Run it with go test -fuzz=FuzzRegisteredSecret.
func FuzzRegisteredSecretNeverSurvives(f *testing.F) {
	f.Add("corp-gw-3f9a1c77e2b54d0e", "token ", " expired")
	f.Add("d]xxxxxxxx", "[redacte", "[redacted]")
	f.Add("xx[redact", "Authorization: Bearer ", "ed]")
	f.Add("ted]ted]ted]", "[redac", "[redacted][redacted]")
	f.Add("Bearer [redacted]", "Authorization: Bearer abc ", "")
	f.Add(`a"b\c<d>&e/f+g h`, `{"x":"`, `"}`)
	f.Add("code=[redacted]", "GET /cb?code=", "&state=1")
	f.Add("sk-ant-api03-", "sk-ant-api03-", "sk-ant-api03-abc")
	f.Add("aaaaaaaa", "aaaa", "aaaa")
	f.Fuzz(func(t *testing.T, secret, before, after string) {
		if len(secret) < minSecret || strings.ContainsAny(secret, "\r\n") || strings.Contains(Marker, secret) {
			t.Skip("not a secret Redact accepts")
		}
		var r redactor
		r.add(secret)
		in := before + secret + after + secret
		var out []string
		for _, line := range strings.Split(in, "\n") {
			out = append(out, string(r.line([]byte(line))))
		}
		got := strings.Join(out, "\n")
		for _, form := range r.secrets {
			if strings.Contains(got, string(form)) {
				t.Fatalf("secret form %q survives in %q (from %q)", form, got, in)
			}
		}
	})
}

func BenchmarkRedactLine(b *testing.B) {
	var r redactor
	for i := range 20 {
		r.add(fmt.Sprintf("sk-ant-oat01-registered-secret-%04d", i))
	}
	in := []byte(`time=2026-01-02T03:04:05Z level=INFO msg=request method=POST url=https://api.anthropic.com/v1/messages status=200 ms=812 model=claude-x`)
	for b.Loop() {
		r.line(in)
	}
}
