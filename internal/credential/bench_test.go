package credential_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"parley/internal/credential"
)

// Resolve under load: 8 readers per CPU while a writer rotates the
// credential every millisecond. Run with -cpu 1,2 (see docs/benchmarks.md),
// beside two common alternatives: a holder behind a sync.RWMutex, and
// x/oauth2's ReuseTokenSource with tokens that expire every millisecond.

// rotating runs rotate every millisecond until the benchmark ends.
func rotating(b *testing.B, rotate func(i int)) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
				rotate(i)
			}
		}
	}()
	b.Cleanup(func() { close(stop); wg.Wait() })
}

func keys(b *testing.B) []*credential.Credential {
	ks := make([]*credential.Credential, 64)
	for i := range ks {
		c, err := credential.NewAPIKey(fmt.Sprintf("sk-ant-api03-bench%034d", i))
		if err != nil {
			b.Fatal(err)
		}
		ks[i] = c
	}
	return ks
}

func BenchmarkResolve(b *testing.B) {
	b.Run("holder", func(b *testing.B) { benchHolder(b, keys(b)) })

	b.Run("holder-oauth", func(b *testing.B) {
		ts := make([]*credential.Credential, 64)
		for i := range ts {
			c, err := credential.NewOAuth(credential.Token{AccessToken: fmt.Sprintf("sk-ant-oat01-bench%034d", i), RefreshToken: fmt.Sprintf("sk-ant-ort01-bench%034d", i), Expiry: time.Now().Add(time.Hour)}, "anthropic")
			if err != nil {
				b.Fatal(err)
			}
			ts[i] = c
		}
		benchHolder(b, ts)
	})

	b.Run("rwmutex", func(b *testing.B) {
		ks := keys(b)
		h := &rwHolder{cred: ks[0]}
		rotating(b, func(i int) { h.set(ks[i%len(ks)]) })
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if h.resolve() == nil {
					b.Error("nil")
					return
				}
			}
		})
	})

	b.Run("oauth2-reuse", func(b *testing.B) {
		src := oauth2.ReuseTokenSourceWithExpiry(nil, &mintingSource{}, 0)
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := src.Token(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// benchHolder measures Resolve while the holder rotates through cs.
func benchHolder(b *testing.B, cs []*credential.Credential) {
	h := credential.New(credential.Options{})
	_ = h.Set(cs[0])
	rotating(b, func(i int) { _ = h.Set(cs[i%len(cs)]) })
	ctx := context.Background()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Resolve(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// rwHolder is the obvious alternative: readers share a read lock.
type rwHolder struct {
	mu   sync.RWMutex
	cred *credential.Credential
}

func (h *rwHolder) resolve() *credential.Credential {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.cred
}

func (h *rwHolder) set(c *credential.Credential) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cred = c
}

// mintingSource hands out a new token that lives one millisecond, so
// ReuseTokenSource rotates as often as the other two.
type mintingSource struct{ n int }

func (m *mintingSource) Token() (*oauth2.Token, error) {
	m.n++ // ReuseTokenSource calls it under its own mutex
	return &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", m.n), Expiry: time.Now().Add(time.Millisecond)}, nil
}
