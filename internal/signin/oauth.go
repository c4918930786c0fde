package signin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"parley/internal/credential"
	"parley/internal/ipc"
	"parley/internal/oauth"
	"parley/internal/sdkprofile"
	"parley/internal/settings"
)

// OAuth profile ids, as stored in credentials.
const (
	ProfileAnthropic = "anthropic"
	ProfileGateway   = "gateway"
)

// oauthBeta is the anthropic-beta value Anthropic's OAuth protocol needs.
const oauthBeta = "oauth-2025-04-20"

// Methods lists the ways to sign in, with what each still needs.
func (s *Service) Methods() []ipc.SignInMethod {
	st := s.Settings()
	ms := []ipc.SignInMethod{
		{ID: "api-key", Name: "API key", Description: "Paste a key from the Anthropic Console."},
		{ID: ProfileAnthropic, Name: "Anthropic account", Description: "Sign in with your Anthropic Console account in your browser."},
		{ID: ProfileGateway, Name: "Your organisation's sign-in", Description: "For organisations that reach Claude through their own gateway."},
	}
	if st.Anthropic.ClientID == "" {
		ms[1].Problem = "Needs an OAuth client ID from your Anthropic organisation: add it in Settings."
	}
	if st.Gateway.Issuer == "" || st.Gateway.ClientID == "" || st.Gateway.APIBaseURL == "" {
		ms[2].Problem = "Needs your organisation's sign-in address, client ID and API address: add them in Settings."
	}
	sdk := ipc.SignInMethod{ID: "sdk-profile", Name: "Anthropic SDK profile", Description: "Use the sign-in of Anthropic's own tools (ant auth login) on this computer."}
	if len(s.SDKProfiles()) == 0 {
		sdk.Problem = "No profile found: sign in with ant auth login first."
	}
	return append(ms, sdk)
}

// sdkPrefix marks credentials that come from an Anthropic SDK profile.
const sdkPrefix = "sdk:"

// SDKProfiles lists the Anthropic SDK profiles on this computer.
func (s *Service) SDKProfiles() []ipc.SDKProfile {
	ps, _ := sdkprofile.List("")
	out := make([]ipc.SDKProfile, 0, len(ps))
	for _, p := range ps {
		out = append(out, ipc.SDKProfile{Name: p.Name, Label: p.Label, Usable: p.Usable, Problem: p.Problem})
	}
	return out
}

// sdkBaseURL returns SDK profile name's API base URL, read from disk once.
func (s *Service) sdkBaseURL(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if base, ok := s.sdkBases[name]; ok {
		return base
	}
	ps, _ := sdkprofile.List("")
	if s.sdkBases == nil {
		s.sdkBases = map[string]string{}
	}
	for _, p := range ps {
		s.sdkBases[p.Name] = p.APIBaseURL
	}
	return s.sdkBases[name]
}

// UseSDKProfile signs in with Anthropic SDK profile name. Its tokens stay
// shared with Anthropic's tools, which Parley refreshes with cooperatively.
func (s *Service) UseSDKProfile(name string) error {
	s.Cancel()
	tok, err := sdkprofile.Load("", name)
	if err != nil {
		s.report(ipc.SignInProgress{State: ipc.SignInFailed, Method: "sdk-profile", Message: err.Error()})
		return err
	}
	c, err := credential.NewOAuth(tok, sdkPrefix+name)
	if err != nil {
		return err
	}
	return s.keep(c, "sdk-profile")
}

// profiles returns the OAuth profiles the settings describe, endpoints of
// the gateway discovered if ctx allows (nil ctx: not discovered).
func (s *Service) profile(ctx context.Context, id string) (oauth.Profile, error) {
	st := s.Settings()
	switch id {
	case ProfileAnthropic:
		if st.Anthropic.ClientID == "" {
			return oauth.Profile{}, errors.New("Anthropic account sign-in needs an OAuth client ID in Parley's settings")
		}
		p := oauth.Profile{Name: id, ClientID: st.Anthropic.ClientID, Format: oauth.JSON, Beta: oauthBeta,
			AuthorizeURL: st.Anthropic.AuthorizeURL, TokenURL: st.Anthropic.TokenURL}
		if p.AuthorizeURL == "" {
			p.AuthorizeURL = "https://console.anthropic.com/oauth/authorize"
		}
		if p.TokenURL == "" {
			p.TokenURL = strings.TrimSuffix(st.API(), "/") + "/v1/oauth/token"
		}
		return p, nil
	case ProfileGateway:
		g := st.Gateway
		if g.Issuer == "" || g.ClientID == "" {
			return oauth.Profile{}, errors.New("your organisation's sign-in needs its address and client ID in Parley's settings")
		}
		p := oauth.Profile{Name: id, ClientID: g.ClientID, Format: oauth.Form, Scopes: g.Scopes}
		if ctx == nil {
			return p, nil
		}
		authz, token, err := oauth.Discover(ctx, s.cfg.HTTP, g.Issuer)
		if err != nil {
			return oauth.Profile{}, fmt.Errorf("could not read your organisation's sign-in settings from %s: %w", g.Issuer, err)
		}
		p.AuthorizeURL, p.TokenURL = authz, token
		return p, nil
	}
	return oauth.Profile{}, fmt.Errorf("unknown sign-in method %q", id)
}

// StartOAuth begins an OAuth sign-in with profile id in the system
// browser and returns at once; progress goes to Notify. A sign-in already
// under way is cancelled first.
func (s *Service) StartOAuth(ctx context.Context, id string) error {
	myID := s.Cancel()
	p, err := s.profile(ctx, id)
	if err != nil {
		s.report(ipc.SignInProgress{State: ipc.SignInFailed, Method: id, Message: err.Error()})
		return err
	}
	f, err := oauth.Start(p, oauth.FlowOptions{Timeout: s.cfg.FlowTimeout, HTTP: s.cfg.HTTP})
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.flowID != myID {
		// Cancelled, or replaced by a newer start, while discovering.
		s.mu.Unlock()
		f.Cancel()
		return errSuperseded
	}
	s.flow = f
	s.mu.Unlock()
	msg := "Finish signing in in your browser. If it did not open, open the link below."
	if err := s.cfg.OpenBrowser(f.AuthURL()); err != nil {
		msg = err.Error() + ". Open the link below yourself."
	}
	s.report(ipc.SignInProgress{State: ipc.SignInBrowser, Method: id, Message: msg, AuthURL: f.AuthURL()})
	go func() {
		tok, err := f.Wait(context.Background())
		s.finishOAuth(myID, id, tok, err)
	}()
	return nil
}

// PasteCode completes the OAuth sign-in under way with a code the user
// copied from the browser, for when the redirect cannot reach Parley.
func (s *Service) PasteCode(ctx context.Context, pasted string) error {
	s.mu.Lock()
	f, myID := s.flow, s.flowID
	method := s.progress.Method
	s.mu.Unlock()
	if f == nil {
		return errors.New("no sign-in is waiting for a code; start again")
	}
	tok, err := f.PasteCode(ctx, pasted)
	if err != nil && errors.Is(err, oauth.ErrMalformedCode) {
		return err // the flow goes on: the user can paste again
	}
	return s.finishOAuth(myID, method, tok, err)
}

// finishOAuth keeps the result of flow myID, unless it was cancelled or
// replaced meanwhile.
func (s *Service) finishOAuth(myID int, method string, tok credential.Token, err error) error {
	s.mu.Lock()
	current := s.flowID == myID && s.flow != nil
	if current {
		s.flow = nil
	}
	s.mu.Unlock()
	if !current || errors.Is(err, oauth.ErrCancelled) {
		return err
	}
	if err != nil {
		s.report(ipc.SignInProgress{State: ipc.SignInFailed, Method: method, Message: err.Error()})
		return err
	}
	c, err := credential.NewOAuth(tok, method)
	if err != nil {
		s.report(ipc.SignInProgress{State: ipc.SignInFailed, Method: method, Message: err.Error()})
		return err
	}
	return s.keep(c, method)
}

// APIBaseURL returns where requests made with an OAuth profile go ("" for
// the default API). The Anthropic client asks it for every request.
func (s *Service) APIBaseURL(profile string) string {
	if name, ok := strings.CutPrefix(profile, sdkPrefix); ok {
		return s.sdkBaseURL(name)
	}
	if profile == ProfileGateway {
		return s.Settings().Gateway.APIBaseURL
	}
	return ""
}

// Refresh renews tokens for every OAuth profile, from the current
// settings, and for SDK profiles cooperatively with Anthropic's tools; it
// satisfies credential.Refresher.
func (s *Service) Refresh(ctx context.Context, profile, refreshToken string) (credential.Token, error) {
	if name, ok := strings.CutPrefix(profile, sdkPrefix); ok {
		return s.sdk.Refresh(ctx, name, refreshToken)
	}
	p, err := s.profile(ctx, profile)
	if err != nil {
		return credential.Token{}, err
	}
	r := oauth.Refresher{Profiles: map[string]oauth.Profile{profile: p}, HTTP: s.cfg.HTTP}
	return r.Refresh(ctx, profile, refreshToken)
}

var _ credential.Refresher = (*Service)(nil)

// StorageName says where a sign-in will be kept, for the wizard.
func (s *Service) StorageName() string {
	switch st := s.Settings(); st.Storage {
	case settings.StorageSession:
		return "for this session only"
	case settings.StorageFile:
		return "in " + st.CredentialsFile
	}
	return "in the system keyring"
}
