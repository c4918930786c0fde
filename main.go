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
	"os"
	"os/signal"
	"syscall"
	"time"

	"parley/internal/anthropic"
	"parley/internal/chat"
	"parley/internal/cli"
	"parley/internal/control"
	"parley/internal/core"
	"parley/internal/credential"
	"parley/internal/demo"
	"parley/internal/ipc"
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
		os.Exit(runWindow(opts.Window))
	default:
		os.Exit(runCore(opts.Demo))
	}
}

// runCore asks a running core for a new chat window, or becomes the core;
// demo runs it offline against a simulated API.
func runCore(demoMode bool) int {
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
	var c *core.Core // progress reaches the windows once there are any
	signIn, err := signin.New(signin.Config{SettingsPath: settingsPath, Notify: func(p ipc.SignInProgress) { c.SignInProgress(p) }})
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
	client := anthropic.New(holder, anthropic.Options{BaseURL: apiBase, ProfileBaseURL: signIn.APIBaseURL})
	c = core.New(core.Config{
		Holder:    holder,
		SignIn:    signIn,
		Chat:      chat.New(client, func(conv, event string, data any) { c.ChatEvent(conv, event, data) }, 0),
		Demo:      demoMode,
		Models:    client.Models,
		Exe:       exe,
		Args:      func(role string) []string { return []string{"--window=" + role} },
		WindowEnv: windowEnv,
	})
	srv, err := claimInstance(dir, c)
	if err != nil {
		log.Print(err)
		return 1
	}
	if srv == nil {
		return 0 // the running core opened the window
	}
	go srv.Serve()
	defer srv.Close()
	if !demoMode {
		if err := holder.Load(); err != nil {
			log.Print(err) // the windows show it too
		}
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	first := ipc.RoleChat
	if holder.Account().State != credential.SignedIn {
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

// claimInstance makes this process the user's core, or, when a core is
// already running, asks it for a chat window and returns a nil server.
func claimInstance(dir string, c *core.Core) (*control.Server, error) {
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
