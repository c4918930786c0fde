package oauth

// Verifier exposes a flow's PKCE verifier to the tests, which check its
// strength; nothing else may read it.
func Verifier(f *Flow) string { return f.verifier }
