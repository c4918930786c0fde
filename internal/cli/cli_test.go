package cli

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string // substring of the usage error; empty for success
	}{
		{name: "no arguments starts or reaches the core", args: nil, want: Options{}},
		{name: "chat window role", args: []string{"--window=chat"}, want: Options{Window: "chat"}},
		{name: "onboarding window role", args: []string{"--window", "onboarding"}, want: Options{Window: "onboarding"}},
		{name: "help", args: []string{"--help"}, want: Options{Help: true}},
		{name: "short help", args: []string{"-h"}, want: Options{Help: true}},
		{name: "version", args: []string{"--version"}, want: Options{Version: true}},
		{name: "demo", args: []string{"--demo"}, want: Options{Demo: true}},
		{name: "unknown flag", args: []string{"--bogus"}, wantErr: "flag provided but not defined: -bogus"},
		{name: "unknown role", args: []string{"--window=settings"}, wantErr: `unknown window role "settings" (roles: chat, onboarding)`},
		{name: "empty role value", args: []string{"--window"}, wantErr: "flag needs an argument"},
		{name: "stray argument", args: []string{"hello"}, wantErr: `unexpected argument "hello"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.args)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse(%q): %v", tt.args, err)
				}
				if got != tt.want {
					t.Errorf("Parse(%q) = %+v, want %+v", tt.args, got, tt.want)
				}
				return
			}
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse(%q) error = %v, want a *UsageError", tt.args, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.args, err, tt.wantErr)
			}
		})
	}
}

func TestUsageNamesEveryFlagAndRole(t *testing.T) {
	var b strings.Builder
	Usage(&b)
	for _, want := range []string{"--demo", "--help", "--version", "--window=ROLE", "chat, onboarding"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
}
