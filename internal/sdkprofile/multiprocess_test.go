package sdkprofile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/config"

	"parley/internal/credential"
)

// holderEnv, when set in a re-run of the test binary, makes
// TestHoldersInSeparateProcesses run one holder process with the JSON
// holderSpec it holds.
const holderEnv = "PARLEY_SDKPROFILE_HOLDER"

// resultPrefix starts the line on which a holder process reports.
const resultPrefix = "holder-result: "

// Timing: access tokens live 5 seconds; a holder renews 2 to 2.6 seconds
// into that, treats a token as expired after 4, and adopts another
// program's token only while it has more than 2 seconds left.
const (
	accessTTL    = 5 * time.Second
	refreshAhead = 3 * time.Second
	expirySkew   = time.Second
	minValidity  = 2 * time.Second
	holdersRun   = 6 * time.Second
)

type holderSpec struct {
	Dir     string
	APIURL  string
	RunTime time.Duration
}

type holderResult struct {
	Resolves    int // credentials resolved
	Errors      int // Resolve calls that failed
	Rejected    int // resolved credentials the API refused
	Generations int // credentials the holder published
}

// TestHoldersInSeparateProcesses runs two Parley processes, each with its
// own holder and Refresher on the same SDK profile, while a third program
// keeps rotating the profile's tokens under the same lock. No holder may
// fail and no refresh token may be sent twice.
func TestHoldersInSeparateProcesses(t *testing.T) {
	if spec := os.Getenv(holderEnv); spec != "" {
		runHolder(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("runs for several seconds")
	}
	auth, api := servers(t)
	auth.SetAccessTTL(accessTTL)
	dir := t.TempDir()
	writeProfile(t, dir, testProfile, auth.URL, testClientID, credsOf(auth.Issue(testAccount)))
	spec, _ := json.Marshal(holderSpec{Dir: dir, APIURL: api.URL, RunTime: holdersRun})

	type proc struct {
		cmd            *exec.Cmd
		stdout, stderr bytes.Buffer
	}
	var procs []*proc
	for range 2 {
		p := &proc{cmd: exec.Command(os.Args[0], "-test.run=^TestHoldersInSeparateProcesses$", "-test.count=1", "-test.v")}
		p.cmd.Env = append(os.Environ(), holderEnv+"="+string(spec))
		p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}

	// Another SDK client rotates the tokens now and then, under the lock,
	// once the holders have renewed with their own token: they then adopt
	// its tokens or renew with them.
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var attempts, rotationErrors int
	wg.Go(func() {
		for auth.RefreshCalls() == 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(300+rand.IntN(2700)) * time.Millisecond):
			}
			attempts++
			if err := rotateAsOtherClient(ctx, dir, testProfile, auth.TokenURL); err != nil && ctx.Err() == nil {
				t.Errorf("the other client's rotation failed: %v", err)
				rotationErrors++
			}
		}
	})

	for i, p := range procs {
		err := p.cmd.Wait()
		res, ok := parseResult(p.stdout.String())
		if err != nil || !ok {
			t.Errorf("holder process %d: %v\nstdout:\n%s\nstderr:\n%s", i, err, p.stdout.String(), p.stderr.String())
			continue
		}
		t.Logf("holder process %d: %+v", i, res)
		if res.Errors != 0 || res.Rejected != 0 {
			t.Errorf("holder process %d: %d of %d resolves failed and the API refused %d credentials, want none\n%s", i, res.Errors, res.Resolves, res.Rejected, p.stdout.String())
		}
		if res.Resolves < 100 || res.Generations < 2 {
			t.Errorf("holder process %d resolved %d times over %d credentials: the test did not exercise renewal", i, res.Resolves, res.Generations)
		}
	}
	stop()
	wg.Wait()

	own := auth.RefreshCalls() - attempts
	t.Logf("holders renewed %d times themselves; the other client rotated %d times", own, attempts)
	if n := auth.ReusedRefreshTokens(); n != 0 {
		t.Errorf("the server saw %d spent refresh tokens again, want 0", n)
	}
	if own == 0 || attempts == 0 || rotationErrors != 0 {
		t.Errorf("holders renewed %d times themselves, the other client rotated %d times with %d errors: want renewals by both and no errors", own, attempts, rotationErrors)
	}
	// The profile's sign-in still works for everyone.
	held, err := Load(dir, testProfile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Refresher{Dir: dir}).Refresh(t.Context(), testProfile, held.RefreshToken); err != nil {
		t.Errorf("renewing the profile after the run: %v", err)
	}
}

// runHolder is one holder process: it signs in with the profile and
// resolves a credential in a loop, using each on the fake API.
func runHolder(t *testing.T, raw string) {
	var spec holderSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatal(err)
	}
	tok, err := Load(spec.Dir, testProfile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := credential.NewOAuth(tok, testProfile)
	if err != nil {
		t.Fatal(err)
	}
	h := credential.New(credential.Options{
		Refresher:    &Refresher{Dir: spec.Dir, MinValidity: minValidity, Logf: t.Logf},
		RefreshAhead: refreshAhead,
		ExpirySkew:   expirySkew,
		Logf:         t.Logf,
	})
	if err := h.Set(c); err != nil {
		t.Fatal(err)
	}

	var res holderResult
	var last uint64
	end := time.Now().Add(spec.RunTime)
	for time.Now().Before(end) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := h.Resolve(ctx)
		cancel()
		if err != nil {
			res.Errors++
			t.Logf("Resolve: %v", err)
			continue
		}
		res.Resolves++
		if c.Generation() != last {
			res.Generations++
			last = c.Generation()
		}
		if status := callAPI(spec.APIURL, c); status != http.StatusOK {
			res.Rejected++
			t.Logf("the API answered %d to %s", status, c)
		}
		time.Sleep(time.Duration(5+rand.IntN(10)) * time.Millisecond)
	}
	out, _ := json.Marshal(res)
	fmt.Println(resultPrefix + string(out))
}

// callAPI lists models on the fake API with c and returns the status.
func callAPI(baseURL string, c *credential.Credential) int {
	req, err := http.NewRequest(http.MethodGet, baseURL+"/v1/models", nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+c.Secret())
	req.Header.Set("anthropic-beta", config.OAuthAPIBetaHeader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func parseResult(out string) (holderResult, bool) {
	var res holderResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), resultPrefix); ok {
			return res, json.Unmarshal([]byte(line), &res) == nil
		}
	}
	return res, false
}
