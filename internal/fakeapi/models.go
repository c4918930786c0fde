package fakeapi

import (
	"net/http"
	"slices"
	"strconv"
)

// wireModel is the ModelInfo object of the API.
type wireModel struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	CreatedAt   string `json:"created_at"`
}

// catalog is the models the fake lists, most recent first, as the API lists
// them.
var catalog = []wireModel{
	{Type: "model", ID: "claude-opus-4-5", DisplayName: "Claude Opus 4.5", CreatedAt: "2025-11-24T00:00:00Z"},
	{Type: "model", ID: "claude-haiku-4-5", DisplayName: "Claude Haiku 4.5", CreatedAt: "2025-10-15T00:00:00Z"},
	{Type: "model", ID: "claude-sonnet-4-5", DisplayName: "Claude Sonnet 4.5", CreatedAt: "2025-09-29T00:00:00Z"},
}

// modelPage is a page of the model list.
type modelPage struct {
	Data    []wireModel `json:"data"`
	HasMore bool        `json:"has_more"`
	FirstID *string     `json:"first_id"`
	LastID  *string     `json:"last_id"`
}

// listModels answers GET /v1/models, paging by the query parameters limit
// (1 to 1000, default 20) and either after_id or before_id.
func listModels(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "limit: Input should be an integer from 1 to 1000")
			return
		}
		limit = n
	}
	after, before := q.Get("after_id"), q.Get("before_id")
	lo, hi := 0, min(limit, len(catalog))
	switch {
	case after != "" && before != "":
		writeError(w, http.StatusBadRequest, "after_id and before_id cannot be used together")
		return
	case after != "":
		i := modelIndex(after)
		if i < 0 {
			writeError(w, http.StatusBadRequest, "after_id: no model "+after)
			return
		}
		lo, hi = i+1, min(i+1+limit, len(catalog))
	case before != "":
		i := modelIndex(before)
		if i < 0 {
			writeError(w, http.StatusBadRequest, "before_id: no model "+before)
			return
		}
		lo, hi = max(i-limit, 0), i
	}
	page := modelPage{Data: catalog[lo:hi], HasMore: hi < len(catalog)}
	if before != "" {
		page.HasMore = lo > 0
	}
	if n := len(page.Data); n > 0 {
		first, last := page.Data[0].ID, page.Data[n-1].ID
		page.FirstID, page.LastID = &first, &last
	}
	writeJSON(w, http.StatusOK, page)
}

// getModel answers GET /v1/models/{id}.
func getModel(w http.ResponseWriter, id string) {
	i := modelIndex(id)
	if i < 0 {
		writeError(w, http.StatusNotFound, "model: "+id)
		return
	}
	writeJSON(w, http.StatusOK, catalog[i])
}

// modelIndex returns the index of the model with id in catalog, or -1.
func modelIndex(id string) int {
	return slices.IndexFunc(catalog, func(m wireModel) bool { return m.ID == id })
}
