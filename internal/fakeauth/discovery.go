package fakeauth

import (
	"encoding/json"
	"io"
	"net/http"
)

// DiscoveryFault is what is wrong with the OpenID Connect Discovery
// document the server publishes.
type DiscoveryFault int

const (
	// DiscoveryOK publishes a correct document. The default.
	DiscoveryOK DiscoveryFault = iota
	// DiscoveryNotJSON publishes an HTML page instead.
	DiscoveryNotJSON
	// DiscoveryWrongIssuer names another issuer.
	DiscoveryWrongIssuer
	// DiscoveryMissingToken leaves out token_endpoint.
	DiscoveryMissingToken
	// DiscoveryNoS256 lists only the plain PKCE method.
	DiscoveryNoS256
)

// SetDiscoveryFault sets what is wrong with the discovery document, until
// set again.
func (s *Server) SetDiscoveryFault(f DiscoveryFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.discovery = f
}

// openIDConfiguration is the discovery document (OpenID Connect Discovery
// 1.0 section 4, with RFC 8414's PKCE methods), with URL as the issuer.
func (s *Server) openIDConfiguration(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.discovery
	s.mu.Unlock()
	if f == DiscoveryNotJSON {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html>\n<title>Welcome</title>\n<p>Nothing to see here.</p>\n")
		return
	}
	doc := map[string]any{
		"issuer":                                s.URL,
		"authorization_endpoint":                s.AuthorizeURL,
		"token_endpoint":                        s.TokenURL,
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"none"},
	}
	switch f {
	case DiscoveryWrongIssuer:
		doc["issuer"] = "https://issuer.example.invalid"
	case DiscoveryMissingToken:
		delete(doc, "token_endpoint")
	case DiscoveryNoS256:
		doc["code_challenge_methods_supported"] = []string{"plain"}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(doc)
}
