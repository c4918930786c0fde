package fakeapi

import (
	"net/http"
	"slices"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
)

var wantModels = []string{"claude-opus-4-5", "claude-haiku-4-5", "claude-sonnet-4-5"}

func TestModelsList(t *testing.T) {
	s := start(t)
	c := tokenClient(s, "token-1")
	page, err := c.Models.List(testContext(t), anthropic.ModelListParams{})
	if err != nil {
		t.Fatalf("Models.List: %v", err)
	}
	var ids []string
	for _, m := range page.Data {
		ids = append(ids, m.ID)
		if m.DisplayName == "" || m.CreatedAt.IsZero() || m.Type != "model" {
			t.Errorf("model %s: display name %q, created %v, type %q; want all set", m.ID, m.DisplayName, m.CreatedAt, m.Type)
		}
	}
	if !slices.Equal(ids, wantModels) {
		t.Errorf("models %q, want %q", ids, wantModels)
	}
	if page.HasMore || page.FirstID != wantModels[0] || page.LastID != wantModels[2] {
		t.Errorf("has_more %v first %q last %q, want false %q %q", page.HasMore, page.FirstID, page.LastID, wantModels[0], wantModels[2])
	}
}

func TestModelsListAutoPaging(t *testing.T) {
	tests := []struct {
		name   string
		params anthropic.ModelListParams
		want   []string
	}{
		{"default limit", anthropic.ModelListParams{}, wantModels},
		{"one per page", anthropic.ModelListParams{Limit: anthropic.Int(1)}, wantModels},
		{"two per page", anthropic.ModelListParams{Limit: anthropic.Int(2)}, wantModels},
		{"after the first", anthropic.ModelListParams{AfterID: anthropic.String("claude-opus-4-5")}, wantModels[1:]},
		{"before the last", anthropic.ModelListParams{BeforeID: anthropic.String("claude-sonnet-4-5"), Limit: anthropic.Int(1)}, []string{"claude-haiku-4-5", "claude-opus-4-5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t)
			c := keyClient(s, "key-1")
			pager := c.Models.ListAutoPaging(testContext(t), tt.params)
			var ids []string
			for pager.Next() {
				ids = append(ids, pager.Current().ID)
			}
			if err := pager.Err(); err != nil {
				t.Fatalf("ListAutoPaging: %v", err)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("models %q, want %q", ids, tt.want)
			}
		})
	}
}

func TestModelsGet(t *testing.T) {
	tests := []struct {
		id         string
		wantStatus int
		wantName   string
	}{
		{"claude-haiku-4-5", http.StatusOK, "Claude Haiku 4.5"},
		{"claude-2", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			s := start(t)
			c := keyClient(s, "key-1")
			m, err := c.Models.Get(testContext(t), tt.id, anthropic.ModelGetParams{})
			switch aerr := apiError(err); {
			case tt.wantStatus == http.StatusOK && err != nil:
				t.Errorf("Models.Get: %v", err)
			case tt.wantStatus == http.StatusOK && m.DisplayName != tt.wantName:
				t.Errorf("display name %q, want %q", m.DisplayName, tt.wantName)
			case tt.wantStatus != http.StatusOK && (aerr == nil || aerr.StatusCode != tt.wantStatus || aerr.Type() != "not_found_error"):
				t.Errorf("Models.Get: error %v, want %d not_found_error", err, tt.wantStatus)
			}
		})
	}
}
