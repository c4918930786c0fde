package signin

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"parley/internal/settings"
)

func TestUpdateSettingsSavesAndKeeps(t *testing.T) {
	w := newWizard(t)
	st, err := w.svc.UpdateSettings(func(st *settings.Settings) error {
		st.Theme = settings.ThemeDark
		return nil
	})
	if err != nil || st.Theme != settings.ThemeDark {
		t.Fatalf("UpdateSettings = %+v, %v", st, err)
	}
	onDisk, err := settings.Load(w.path)
	if err != nil || onDisk.Theme != settings.ThemeDark || onDisk.Anthropic.ClientID != "parley-test" {
		t.Errorf("settings file after the change = %+v, %v; want the theme changed and the rest kept", onDisk, err)
	}
	if got := w.svc.Settings().Theme; got != settings.ThemeDark {
		t.Errorf("Settings().Theme = %q after the change", got)
	}
}

func TestRefusedChangeChangesNothing(t *testing.T) {
	w := newWizard(t)
	refused := errors.New("no")
	st, err := w.svc.UpdateSettings(func(st *settings.Settings) error {
		st.Theme = settings.ThemeDark
		st.Gateway.Scopes = append(st.Gateway.Scopes, "openid")
		return refused
	})
	if !errors.Is(err, refused) || st.Theme != "" || len(st.Gateway.Scopes) != 0 {
		t.Errorf("UpdateSettings = %+v, %v; want the old settings and the change's error", st, err)
	}
	if got, _ := settings.Load(w.path); got.Theme != "" {
		t.Errorf("the file changed: theme %q", got.Theme)
	}
	if got := w.svc.Settings(); got.Theme != "" || len(got.Gateway.Scopes) != 0 {
		t.Errorf("Settings() changed: %+v", got)
	}
}

// Concurrent changes to different settings all survive: none writes back
// a copy read before another's change.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	w := newWizard(t)
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.svc.UpdateSettings(func(st *settings.Settings) error {
				st.Gateway.Scopes = append(st.Gateway.Scopes, fmt.Sprint("scope", i))
				return nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	onDisk, err := settings.Load(w.path)
	if err != nil || len(onDisk.Gateway.Scopes) != n {
		t.Errorf("%d scopes on disk (%v), want %d: %v", len(onDisk.Gateway.Scopes), err, n, onDisk.Gateway.Scopes)
	}
}
