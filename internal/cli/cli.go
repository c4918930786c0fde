// Package cli reads Parley's command line.
package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"parley/internal/geometry"
	"parley/internal/ipc"
	"parley/internal/settings"
)

// Options is what the command line asked for.
type Options struct {
	// Window is set in window processes, which the core starts itself.
	Window string
	// Geometry and Theme come with Window: where the core wants the window
	// (zero: where the window system puts it) and its colours.
	Geometry geometry.Rect
	Theme    string
	Help     bool
	Version  bool
	// Demo runs Parley offline against a simulated API.
	Demo bool
	// NewWindow opens a chat window even when Parley starts (instead of
	// the sign-in wizard, for a user not signed in yet).
	NewWindow bool
}

// UsageError is a command line Parley does not understand; the caller
// prints it with Usage and exits with status 2.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usageErr(format string, args ...any) error { return &UsageError{fmt.Sprintf(format, args...)} }

// Parse reads args (without the program name).
func Parse(args []string) (Options, error) {
	var o Options
	fs := flags(&o)
	if err := fs.Parse(args); err != nil {
		return Options{}, usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return Options{}, usageErr("unexpected argument %q", fs.Arg(0))
	}
	if o.Window != "" && !slices.Contains(ipc.Roles, o.Window) {
		return Options{}, usageErr("unknown window role %q (roles: %s)", o.Window, strings.Join(ipc.Roles, ", "))
	}
	if o.Theme != "" && !slices.Contains(themes, o.Theme) {
		return Options{}, usageErr("unknown theme %q (themes: %s)", o.Theme, strings.Join(themes, ", "))
	}
	if o.Window == "" && (!o.Geometry.IsZero() || o.Theme != "") {
		return Options{}, usageErr("--geometry and --theme are for window processes (with --window)")
	}
	if o.Window != "" && o.NewWindow {
		return Options{}, usageErr("--new-window asks Parley for a window; it cannot be one")
	}
	return o, nil
}

// WindowArgs is the command line of a window process: what Parse reads
// back as Options{Window: role, Geometry: g, Theme: theme}. The core
// starts its windows with it.
func WindowArgs(role string, g geometry.Rect, theme string) []string {
	args := []string{"--window=" + role}
	if !g.IsZero() {
		args = append(args, "--geometry="+g.String())
	}
	if theme != "" {
		args = append(args, "--theme="+theme)
	}
	return args
}

// flags is Parley's flag set, filling o.
func flags(o *Options) *flag.FlagSet {
	fs := flag.NewFlagSet("parley", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Window, "window", "", "")
	fs.BoolVar(&o.Help, "help", false, "")
	fs.BoolVar(&o.Help, "h", false, "")
	fs.BoolVar(&o.Version, "version", false, "")
	fs.BoolVar(&o.Demo, "demo", false, "")
	fs.BoolVar(&o.NewWindow, "new-window", false, "")
	fs.Func("geometry", "", func(s string) (err error) {
		o.Geometry, err = geometry.Parse(s)
		return err
	})
	fs.StringVar(&o.Theme, "theme", "", "")
	return fs
}

var themes = []string{settings.ThemeSystem, settings.ThemeLight, settings.ThemeDark}

// Usage writes the help text.
func Usage(w io.Writer) {
	fmt.Fprintf(w, `Usage: parley [--new-window] [--demo] [--help] [--version]

Parley is a desktop chat app for Claude. Run without arguments, it opens a
chat window in the Parley already running for this user, or starts Parley:
with the sign-in wizard if you have not signed in yet, else a chat window.

Options:
  --new-window      open a new chat window in the running Parley, or start
                    Parley with a chat window (even before you have signed in)
  --demo            try Parley offline: replies are simulated, nothing leaves
                    this computer, and every window says "Demo"
  -h, --help        show this help and exit
  --version         print the version and exit

Internal (Parley passes these to the window processes it starts):
  --window=ROLE     run one window process. ROLE is one of: %s
  --geometry=WxH+X+Y
                    the window's size and position, in pixels
  --theme=THEME     the window's colours: %s
`, strings.Join(ipc.Roles, ", "), strings.Join(themes, ", "))
}
