//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"parley/internal/control"
)

// These benchmarks start real windows under the display; run them with
// `make bench`, which records the numbers for docs/benchmarks.md.

// BenchmarkStartToFirstWindowReady times `parley` from exec to its first
// window's page having loaded and called Ready.
func BenchmarkStartToFirstWindowReady(b *testing.B) {
	s := newSession(b)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		c := s.launch()
		s.waitWindows(1)
		total += time.Since(start)
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		c.waitExit(b, 10*time.Second)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/ready")
}

// BenchmarkNewWindowToReady times a "new window" request to the running
// core until that window's page has called Ready.
func BenchmarkNewWindowToReady(b *testing.B) {
	s := newSession(b)
	c := s.launch()
	defer func() { _ = c.cmd.Process.Signal(syscall.SIGTERM); c.waitExit(b, 10*time.Second) }()
	s.waitWindows(1)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		resp, err := control.Send(s.dir, control.Request{Command: control.CmdOpenWindow, Role: "chat"})
		if err != nil {
			b.Fatal(err)
		}
		ws := s.waitWindows(2)
		total += time.Since(start)
		for _, w := range ws {
			if w.ID == resp.WindowID {
				_ = syscall.Kill(w.PID, syscall.SIGTERM) // close it again
			}
		}
		s.waitWindows(1)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/ready")
}

// BenchmarkMemory reports the memory of each kind of process with 1 and 3
// windows open, in MB, averaged per process of that kind: RSS, and PSS,
// which splits the shared libraries (GTK, WebKit) among the processes that
// map them and so adds up to what Parley really costs.
func BenchmarkMemory(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("windows=%d", n), func(b *testing.B) {
			s := newSession(b)
			c := s.launch()
			defer func() { _ = c.cmd.Process.Signal(syscall.SIGTERM); c.waitExit(b, 10*time.Second) }()
			s.waitWindows(1)
			for i := 1; i < n; i++ {
				if _, err := control.Send(s.dir, control.Request{Command: control.CmdOpenWindow, Role: "chat"}); err != nil {
					b.Fatal(err)
				}
			}
			s.waitWindows(n)
			time.Sleep(2 * time.Second) // let pages settle after first paint
			for i := 0; i < b.N; i++ {
				byKind := map[string][][2]float64{"core": {memMB(c.cmd.Process.Pid)}}
				for _, p := range descendants(c.cmd.Process.Pid) {
					comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
					kind := map[string]string{"parley": "window", "WebKitNetworkPr": "webkit-network", "WebKitWebProces": "webkit-web"}[strings.TrimSpace(string(comm))]
					if kind != "" {
						byKind[kind] = append(byKind[kind], memMB(p))
					}
				}
				var rss, pss float64
				for kind, vals := range byKind {
					var r, p float64
					for _, v := range vals {
						r += v[0]
						p += v[1]
					}
					rss += r
					pss += p
					b.ReportMetric(r/float64(len(vals)), kind+"-RSS-MB")
					b.ReportMetric(p/float64(len(vals)), kind+"-PSS-MB")
				}
				b.ReportMetric(rss, "total-RSS-MB")
				b.ReportMetric(pss, "total-PSS-MB")
			}
		})
	}
}

// memMB reads a process's RSS and PSS.
func memMB(pid int) [2]float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return [2]float64{}
	}
	var out [2]float64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "Rss:":
			out[0] = float64(kb) / 1024
		case "Pss:":
			out[1] = float64(kb) / 1024
		}
	}
	return out
}
