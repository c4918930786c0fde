// Parley is a desktop chat app for Claude.
//
// One executable plays two parts. Started by the user, it is the core: a
// process without a window that owns all state and starts one window
// process per window (Wails v2 runs one window per process). Started by the
// core with --window=ROLE, it is one of those windows.
package main

import (
	"embed"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"parley/internal/anthropic"
	"parley/internal/chat"
	"parley/internal/cli"
	"parley/internal/control"
	"parley/internal/core"
	"parley/internal/credential"
	"parley/internal/demo"
	"parley/internal/history"
	"parley/internal/ipc"
	"parley/internal/logfile"
	"parley/internal/netproxy"
	"parley/internal/settings"
	"parley/internal/signin"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	log.SetFlags(0)
	log.SetPrefix("parley: ")
	opts, err := cli.Parse(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "parley: %v\n\n", err)
		cli.Usage(os.Stderr)
		os.Exit(2)
	}
	switch {
	case opts.Help:
		cli.Usage(os.Stdout)
	case opts.Version:
		fmt.Println("parley", version)
	case opts.Window != "":
		os.Exit(runWindow(opts))
	default:
		os.Exit(runCore(opts.Demo, opts.NewWindow))
	}
}

// runCore asks a running core for a new chat window, or becomes the core;
// demo runs it offline against a simulated API, and newWindow starts it
// with a chat window even before the user has signed in.
func runCore(demoMode, newWindow bool) int {
	dir, err := control.Dir()
	if err != nil {
		log.Print(err)
		return 1
	}
	exe, err := os.Executable()
	if err != nil {
		log.Print(err)
		return 1
	}
	settingsPath, err := settings.Path()
	if err != nil {
		log.Print(err)
		return 1
	}
	// Only the core goes past claimInstance; the control socket is served
	// once the core exists.
	late := &lateCore{}
	srv, err := claimInstance(dir, late)
	if err != nil {
		log.Print(err)
		return 1
	}
	if srv == nil {
		return 0 // the running core opened the window
	}
	defer srv.Close()
	redact := openLog()
	var c *core.Core // progress reaches the windows once there are any
	var signIn *signin.Service
	// API and token requests go the way the proxy setting says at the time
	// of each request (the demo's API is on this computer: no proxy).
	web := &http.Client{Transport: netproxy.Follow(func() string {
		if demoMode {
			return netproxy.Direct
		}
		return signIn.Settings().Proxy
	})}
	signIn, err = signin.New(signin.Config{
		SettingsPath: settingsPath,
		Notify:       func(p ipc.SignInProgress) { c.SignInProgress(p) },
		HTTP:         web,
		Redact:       redact,
	})
	if err != nil {
		log.Print(err) // defaults are used; the user can fix the file
	}
	holder := signIn.Holder()
	apiBase := signIn.Settings().API()
	if demoMode {
		api, key, err := demo.Start()
		if err != nil {
			log.Print(err)
			return 1
		}
		defer api.Close()
		apiBase = api.URL
		holder.UseStore(nil) // the demo key is for this session only
		if err := holder.Set(key); err != nil {
			log.Print(err)
			return 1
		}
	}
	client := anthropic.New(holder, anthropic.Options{BaseURL: apiBase, ProfileBaseURL: signIn.APIBaseURL, HTTPClient: web})
	store, notice, closeHistory, err := openHistory(demoMode)
	if err != nil {
		log.Print(err)
		return 1
	}
	chats := chat.New(chat.Config{
		Client:  client,
		Store:   store,
		Emit:    func(conv, event string, data any) { c.ChatEvent(conv, event, data) },
		Changed: func(conv string) { c.HistoryChanged(conv) },
	})
	defer closeHistory()
	defer chats.CloseAll() // replies still being written are saved first
	c = core.New(core.Config{
		Holder:    holder,
		SignIn:    signIn,
		Chat:      chats,
		History:   store,
		Notice:    notice,
		Demo:      demoMode,
		Models:    client.Models,
		Exe:       exe,
		Args:      cli.WindowArgs,
		WindowEnv: windowEnv,
		Geometry:  openGeometry(),
		Files:     files(settingsPath),
	})
	late.core = c
	go srv.Serve()
	if !demoMode {
		if err := holder.Load(); err != nil {
			log.Print(err) // the windows show it too
		}
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	first := ipc.RoleChat
	if !newWindow && holder.Account().State != credential.SignedIn {
		first = ipc.RoleOnboarding // first launch: the wizard signs the user in
	}
	if _, err := c.OpenWindow(first); err != nil {
		log.Print(err)
		return 1
	}
	select {
	case <-c.Done():
	case s := <-sigs:
		log.Printf("%v: closing every window", s)
		c.Shutdown()
	}
	if err := c.Err(); err != nil {
		return 1
	}
	return 0
}

// openHistory opens the user's history of conversations, says what the
// user should know about it, and returns how to close it. A damaged file is
// set aside, never deleted; if the history cannot be opened at all, Parley
// keeps this session's conversations in a temporary one and says so. The
// demo keeps its conversations in a temporary history too.
func openHistory(demoMode bool) (*history.Store, string, func(), error) {
	path, err := history.DefaultPath()
	if err == nil && !demoMode {
		var store *history.Store
		var recovered *history.Recovered
		store, recovered, err = history.Open(path)
		if err == nil {
			closeStore := func() { store.Close() }
			if recovered != nil {
				log.Printf("history: %s (%s)", recovered.Message(), recovered.Reason)
				return store, recovered.Message(), closeStore, nil
			}
			return store, "", closeStore, nil
		}
		log.Printf("history: %v", err)
	}
	dir, terr := os.MkdirTemp("", "parley-history-")
	if terr != nil {
		return nil, "", nil, fmt.Errorf("Parley cannot keep conversations anywhere: %w", terr)
	}
	closeTemp := func() { os.RemoveAll(dir) }
	store, _, terr := history.Open(filepath.Join(dir, "history.db"))
	if terr != nil {
		closeTemp()
		return nil, "", nil, fmt.Errorf("Parley cannot keep conversations anywhere: %w", terr)
	}
	closeStore := func() { store.Close(); closeTemp() }
	if demoMode {
		return store, "", closeStore, nil
	}
	return store, fmt.Sprintf("%s. Until then, this session's conversations will not be kept after Parley closes.", strings.TrimSuffix(err.Error(), ".")), closeStore, nil
}

// openLog sends the core's log to a rotating file in the state directory
// as well as to standard error, with secrets hidden, and returns the
// function that tells it a secret to hide. Without the file, the log goes
// to standard error alone.
func openLog() func(secret string) {
	dir, err := logfile.DefaultDir()
	var lg *logfile.Log
	if err == nil {
		lg, err = logfile.Open(dir)
	}
	if err != nil {
		log.Printf("no log file: %v", err)
		return func(string) {}
	}
	lg.Mirror(os.Stderr)
	log.SetOutput(lg)
	return lg.Redact
}

// lateCore serves the control socket for a core created after the socket
// was claimed.
type lateCore struct{ core *core.Core }

func (l *lateCore) OpenWindow(role string) (int, error) { return l.core.OpenWindow(role) }
func (l *lateCore) ListWindows() []control.WindowStatus { return l.core.ListWindows() }

// claimInstance makes this process the user's core, or, when a core is
// already running, asks it for a chat window and returns a nil server.
func claimInstance(dir string, c control.Handler) (*control.Server, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := control.Send(dir, control.Request{Command: control.CmdOpenWindow, Role: ipc.RoleChat})
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, control.ErrNoCore) {
			return nil, err
		}
		srv, err := control.Listen(dir, c)
		if !errors.Is(err, control.ErrBusy) {
			return srv, err
		}
		if time.Now().After(deadline) {
			return nil, errors.New("another Parley is starting but does not answer; try again")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
