// Package signin is the core's side of the onboarding wizard: it checks
// and stores an API key, runs OAuth sign-ins in the system browser, keeps
// the sign-in where the user chose, and signs out. Secrets stay here: the
// wizard window gets states, labels and messages only.
package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"parley/internal/anthropic"
	"parley/internal/credential"
	"parley/internal/ipc"
	"parley/internal/keyring"
	"parley/internal/oauth"
	"parley/internal/sdkprofile"
	"parley/internal/settings"
)

// Config wires a Service.
type Config struct {
	SettingsPath string
	// Notify tells the wizard windows about progress. It must not block.
	Notify func(ipc.SignInProgress)
	// Logf logs for the credential holder (default log.Printf).
	Logf func(format string, args ...any)
	// Redact is told every secret the credential holder takes; see
	// credential.Options.
	Redact func(secret string)
	// OpenBrowser opens url in the user's browser (default: $PARLEY_BROWSER
	// if set, else xdg-open).
	OpenBrowser func(url string) error
	// Getenv reads the environment (default os.Getenv); only
	// ANTHROPIC_API_KEY is read, and only to offer importing it.
	Getenv func(string) string
	// HTTP sends token and API requests (default http.DefaultClient).
	HTTP *http.Client
	// FlowTimeout bounds an OAuth sign-in (default 5 minutes).
	FlowTimeout time.Duration
}

// Service runs sign-ins. Create it with New.
type Service struct {
	cfg    Config
	holder *credential.Holder

	saveMu   sync.Mutex // serialises UpdateSettings
	mu       sync.Mutex
	settings settings.Settings
	flow     *oauth.Flow
	flowID   int
	pending  *credential.Credential // awaiting a storage choice
	progress ipc.SignInProgress
	sdk      sdkprofile.Refresher // one, so that it remembers the tokens it spent
	sdkBases map[string]string    // SDK profile name -> API base URL
}

// New returns a Service with the settings at cfg.SettingsPath, and the
// credential holder it signs in to: kept where the settings say, renewed
// by the Service's OAuth profiles. Call Holder().Load() to sign in with
// what was kept.
func New(cfg Config) (*Service, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.OpenBrowser == nil {
		cfg.OpenBrowser = openBrowser
	}
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.Notify == nil {
		cfg.Notify = func(ipc.SignInProgress) {}
	}
	st, err := settings.Load(cfg.SettingsPath)
	svc := &Service{cfg: cfg, settings: st, progress: ipc.SignInProgress{State: ipc.SignInIdle}}
	svc.holder = credential.New(credential.Options{Store: Store(st), Refresher: svc, Logf: cfg.Logf, Redact: cfg.Redact})
	return svc, err
}

// Holder is the credential holder the Service signs in to.
func (s *Service) Holder() *credential.Holder { return s.holder }

// Settings returns the current settings.
func (s *Service) Settings() settings.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// Store returns where the settings say the sign-in is kept (nil: session).
func Store(st settings.Settings) credential.Store {
	switch st.Storage {
	case settings.StorageSession:
		return nil
	case settings.StorageFile:
		return keyring.File{Path: st.CredentialsFile}
	}
	return keyring.New("Parley", "sign-in")
}

// Progress returns the sign-in progress, for a wizard that just opened.
func (s *Service) Progress() ipc.SignInProgress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress
}

func (s *Service) report(p ipc.SignInProgress) {
	s.mu.Lock()
	s.progress = p
	s.mu.Unlock()
	s.cfg.Notify(p)
}

// EnvKeyHint returns the masked hint of ANTHROPIC_API_KEY if it is set and
// looks like a key, for the wizard to offer importing it; "" otherwise.
func (s *Service) EnvKeyHint() string {
	c, err := credential.NewAPIKey(strings.TrimSpace(s.cfg.Getenv("ANTHROPIC_API_KEY")))
	if err != nil {
		return ""
	}
	return c.Label()
}

// SignInWithKey trims what the user pasted, checks its shape, checks it
// live with Anthropic (listing models), and makes it the sign-in.
func (s *Service) SignInWithKey(ctx context.Context, pasted string) error {
	id := s.Cancel()
	c, err := credential.NewAPIKey(strings.TrimSpace(pasted))
	if err != nil {
		return err
	}
	s.report(ipc.SignInProgress{State: ipc.SignInChecking, Method: "api-key", Message: "Checking the key with Anthropic…"})
	if err := s.check(ctx, c); err != nil {
		s.report(ipc.SignInProgress{State: ipc.SignInFailed, Method: "api-key", Message: err.Error()})
		return err
	}
	if !s.still(id) {
		return errSuperseded // signed out, or another sign-in started, meanwhile
	}
	return s.keep(c, "api-key")
}

// errSuperseded: a sign-in that something newer (sign-out, another
// sign-in) replaced while it ran; it keeps nothing.
var errSuperseded = errors.New("that sign-in was cancelled")

// still reports whether no Cancel came since the one that returned id.
func (s *Service) still(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flowID == id
}

// ImportEnvKey signs in with ANTHROPIC_API_KEY, read from the environment
// now and never written anywhere but where the user keeps the sign-in.
func (s *Service) ImportEnvKey(ctx context.Context) error {
	key := s.cfg.Getenv("ANTHROPIC_API_KEY")
	if key == "" {
		return errors.New("ANTHROPIC_API_KEY is not set in Parley's environment")
	}
	return s.SignInWithKey(ctx, key)
}

// check lists models with c alone, through a holder of its own, and says
// what is wrong if that fails.
func (s *Service) check(ctx context.Context, c *credential.Credential) error {
	probe := credential.New(credential.Options{Logf: func(string, ...any) {}})
	if err := probe.Set(c); err != nil {
		return err
	}
	retries := 1
	client := anthropic.New(probe, anthropic.Options{BaseURL: s.Settings().API(), HTTPClient: s.cfg.HTTP, MaxRetries: &retries})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := client.Models(ctx)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, credential.ErrNeedsSignIn):
		return errors.New("Anthropic did not accept this API key. Check that you copied all of it and that it has not been revoked (Anthropic Console → API keys).")
	}
	return errors.New(anthropic.Explain(err))
}

// keep makes c the sign-in, or, if it cannot be saved, holds it until the
// user chooses where to keep it (ChooseStorage).
func (s *Service) keep(c *credential.Credential, method string) error {
	err := s.holder.Set(c)
	if errors.Is(err, credential.ErrNotSaved) {
		s.mu.Lock()
		s.pending = c
		s.mu.Unlock()
		cause := strings.TrimPrefix(err.Error(), credential.ErrNotSaved.Error()+": ")
		msg := fmt.Sprintf("Parley could not save your sign-in (%s). Keep it for this session only, or save it in a file?", cause)
		s.report(ipc.SignInProgress{State: ipc.SignInNoStorage, Method: method, Message: msg})
		return nil
	}
	if err != nil {
		s.report(ipc.SignInProgress{State: ipc.SignInFailed, Method: method, Message: err.Error()})
		return err
	}
	s.report(ipc.SignInProgress{State: ipc.SignInDone, Method: method, Message: "Signed in as " + c.Label() + "."})
	return nil
}

// ChooseStorage is the user's answer when the sign-in could not be saved:
// settings.StorageSession, or settings.StorageFile (a 0600 file at path,
// default credentials.json beside the settings). It remembers the choice.
func (s *Service) ChooseStorage(choice, path string) error {
	s.mu.Lock()
	c := s.pending
	s.mu.Unlock()
	if c == nil {
		return errors.New("there is no sign-in waiting to be kept; sign in again")
	}
	st, err := s.UpdateSettings(func(st *settings.Settings) error {
		switch choice {
		case settings.StorageSession:
			st.Storage, st.CredentialsFile = settings.StorageSession, ""
		case settings.StorageFile:
			if path == "" {
				path = defaultCredentialsFile(s.cfg.SettingsPath)
			}
			st.Storage, st.CredentialsFile = settings.StorageFile, path
		default:
			return fmt.Errorf("unknown storage %q", choice)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.holder.UseStore(Store(st))
	s.mu.Lock()
	s.pending = nil
	s.mu.Unlock()
	return s.keep(c, s.Progress().Method)
}

func defaultCredentialsFile(settingsPath string) string {
	return strings.TrimSuffix(settingsPath, "settings.json") + "credentials.json"
}

// UpdateSettings lets change edit a copy of the settings, then saves and
// keeps the result; if change returns an error, or saving fails, nothing
// changes. Changes apply one at a time, so none is lost: make every change
// to the settings file through it while Parley runs.
func (s *Service) UpdateSettings(change func(*settings.Settings) error) (settings.Settings, error) {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	st := s.Settings()
	st.Gateway.Scopes = slices.Clone(st.Gateway.Scopes) // change may edit it in place
	if err := change(&st); err != nil {
		return s.Settings(), err
	}
	if err := settings.Save(s.cfg.SettingsPath, st); err != nil {
		return s.Settings(), err
	}
	s.mu.Lock()
	s.settings = st
	s.mu.Unlock()
	return st, nil
}

// SignOut forgets the sign-in everywhere at once.
func (s *Service) SignOut() error {
	s.Cancel()
	err := s.holder.Clear()
	s.report(ipc.SignInProgress{State: ipc.SignInIdle, Message: "Signed out."})
	return err
}

// Cancel stops an OAuth sign-in under way, closing its listener, and drops
// a sign-in that was waiting for a storage choice. Anything started before
// it keeps nothing; it returns the id a sign-in starting now runs under.
func (s *Service) Cancel() int {
	s.mu.Lock()
	f := s.flow
	s.flow = nil
	s.flowID++
	id := s.flowID
	s.pending = nil
	s.mu.Unlock()
	if f != nil {
		f.Cancel()
	}
	return id
}

// openBrowser opens url with $PARLEY_BROWSER (a command, for tests and
// unusual desktops) or xdg-open.
func openBrowser(url string) error {
	cmd := os.Getenv("PARLEY_BROWSER")
	if cmd == "" {
		cmd = "xdg-open"
	}
	c := exec.Command(cmd, url)
	c.Env = credential.Environ()
	if err := c.Start(); err != nil {
		return fmt.Errorf("could not open the browser (%s): %w", cmd, err)
	}
	go c.Wait()
	return nil
}
