package fakeapi

import "net/http"

// recorder reports the status of a response the moment it is decided, before
// any of it reaches the client.
type recorder struct {
	http.ResponseWriter
	onStatus func(status int)
	wrote    bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.wrote = true
		r.onStatus(status)
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController flush and hijack the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
