// Package cli reads Parley's command line.
package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"parley/internal/ipc"
)

// Options is what the command line asked for.
type Options struct {
	// Window is set in window processes, which the core starts itself.
	Window  string
	Help    bool
	Version bool
	// Demo runs Parley offline against a simulated API.
	Demo bool
}

// UsageError is a command line Parley does not understand; the caller
// prints it with Usage and exits with status 2.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usageErr(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

// Parse reads args (without the program name).
func Parse(args []string) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("parley", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Window, "window", "", "")
	fs.BoolVar(&o.Help, "help", false, "")
	fs.BoolVar(&o.Help, "h", false, "")
	fs.BoolVar(&o.Version, "version", false, "")
	fs.BoolVar(&o.Demo, "demo", false, "")
	if err := fs.Parse(args); err != nil {
		return Options{}, usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return Options{}, usageErr("unexpected argument %q", fs.Arg(0))
	}
	if o.Window != "" && !slices.Contains(ipc.Roles, o.Window) {
		return Options{}, usageErr("unknown window role %q (roles: %s)", o.Window, strings.Join(ipc.Roles, ", "))
	}
	return o, nil
}

// Usage writes the help text.
func Usage(w io.Writer) {
	fmt.Fprintf(w, `Usage: parley [--demo] [--help] [--version]

Parley is a desktop chat app for Claude. Run without arguments, it opens a
chat window in the Parley already running for this user, or starts Parley:
with the sign-in wizard if you have not signed in yet, else a chat window.

Options:
  --demo            try Parley offline: replies are simulated, nothing leaves
                    this computer, and every window says "Demo"
  -h, --help        show this help and exit
  --version         print the version and exit
  --window=ROLE     (internal) run one window process; Parley starts these
                    itself. ROLE is one of: %s
`, strings.Join(ipc.Roles, ", "))
}
