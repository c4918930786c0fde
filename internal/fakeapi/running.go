package fakeapi

import "sync"

// running counts the handlers that have not returned yet, so that Close can
// wait for them.
type running struct {
	mu   sync.Mutex
	n    int
	idle sync.Cond
}

func (r *running) init() { r.idle.L = &r.mu }

func (r *running) begin() {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
}

func (r *running) end() {
	r.mu.Lock()
	r.n--
	if r.n == 0 {
		r.idle.Broadcast()
	}
	r.mu.Unlock()
}

func (r *running) wait() {
	r.mu.Lock()
	for r.n > 0 {
		r.idle.Wait()
	}
	r.mu.Unlock()
}
