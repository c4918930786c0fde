//go:build dev

package main

import "net"

// windowEnv gives each window of a dev build its own dev server port, so
// tests can drive every window's page from a browser.
func windowEnv() ([]string, string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := l.Addr().String()
	l.Close()
	return []string{"devserver=" + addr}, addr, nil
}
