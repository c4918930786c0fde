package keyring

import (
	"errors"
	"strings"
	"testing"
)

// store is what Keyring and File have in common.
type store interface {
	Get() (string, error)
	Set(item string) error
	Delete() error
}

// testLifecycle checks that s starts empty, stores, replaces and deletes an
// item, and keeps one of MaxItem bytes whole.
func testLifecycle(t *testing.T, s store) {
	t.Helper()
	get := func() (string, error) { return s.Get() }
	set := func(item string) func() (string, error) {
		return func() (string, error) { return "", s.Set(item) }
	}
	del := func() (string, error) { return "", s.Delete() }
	largest := `{"token":"` + strings.Repeat("é", (MaxItem-12)/2) + `"}`
	steps := []struct {
		name    string
		run     func() (string, error)
		want    string
		wantErr error
	}{
		{"get before any set is not found", get, "", ErrNotFound},
		{"delete when nothing is stored is not an error", del, "", nil},
		{"set", set(`{"v":1}`), "", nil},
		{"get returns what was set", get, `{"v":1}`, nil},
		{"set again", set(`{"v":2}`), "", nil},
		{"get returns the replacement", get, `{"v":2}`, nil},
		{"set an item of MaxItem bytes", set(largest), "", nil},
		{"get returns the MaxItem item whole", get, largest, nil},
		{"set an item over MaxItem is refused", set(largest + " "), "", ErrTooBig},
		{"get still returns the MaxItem item", get, largest, nil},
		{"delete", del, "", nil},
		{"get after delete is not found", get, "", ErrNotFound},
		{"delete again is not an error", del, "", nil},
	}
	if len(largest) != MaxItem {
		t.Fatalf("test item is %d bytes, want %d", len(largest), MaxItem)
	}
	for _, step := range steps {
		got, err := step.run()
		if !errors.Is(err, step.wantErr) {
			t.Fatalf("%s: error = %v, want %v", step.name, err, step.wantErr)
		}
		if got != step.want {
			t.Errorf("%s: got %.40q (%d bytes), want %.40q (%d bytes)", step.name, got, len(got), step.want, len(step.want))
		}
	}
}
