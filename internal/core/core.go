// Package core is Parley's window-less main process: it owns all state,
// starts one process per window, links each by a socketpair speaking
// JSON-RPC ([ipc]), and exits when its last window closes.
package core

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"slices"
	"sort"
	"sync"
	"time"

	"parley/internal/anthropic"
	"parley/internal/chat"
	"parley/internal/control"
	"parley/internal/credential"
	"parley/internal/geometry"
	"parley/internal/history"
	"parley/internal/ipc"
	"parley/internal/signin"
)

// ChatEvent sends a conversation's event to the window showing it. Give it
// to chat.New.
func (c *Core) ChatEvent(conv, event string, data any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range c.windows {
		if w.conversation == conv && w.ready {
			w.out.pushEvent(event, data)
		}
	}
}

// quitGrace is how long a window may take to exit after its link closed
// before the core kills it.
const quitGrace = 3 * time.Second

// Config says how the core starts window processes.
type Config struct {
	// Exe is the program to run for a window, normally os.Executable().
	Exe string
	// Args returns the command-line arguments for a window of role, placed
	// at place (zero: where the window system puts it), in theme.
	Args func(role string, place geometry.Rect, theme string) []string
	// Geometry remembers where windows were, to open new ones there (nil:
	// the window system places them).
	Geometry *geometry.Store
	// Files says where Parley keeps its files, for the Settings window.
	Files ipc.Files
	// WindowEnv, if set, returns extra environment for a new window and the
	// address of its dev server (dev builds only; empty otherwise).
	WindowEnv func() (env []string, devserver string, err error)
	// Holder is the credential holder whose account every window shows.
	Holder *credential.Holder
	// SignIn serves the onboarding wizard (nil: the wizard can only show
	// the account).
	SignIn *signin.Service
	// Chat runs conversations (nil: chat windows cannot send). Give its
	// Emit function Core.ChatEvent and its Changed function
	// Core.HistoryChanged.
	Chat *chat.Service
	// History keeps the conversations; required with Chat.
	History *history.Store
	// Notice, if set, is shown in every window: something the user should
	// know, such as a damaged history file that was set aside.
	Notice string
	// Demo says that Parley runs its offline demo; windows label it.
	Demo bool
	// Models lists the account's models for the model picker (nil: a
	// fallback list).
	Models func(context.Context) ([]anthropic.Model, error)
}

// Core is the running core. Create it with New and stop it with Shutdown.
type Core struct {
	cfg Config

	listMu sync.Mutex // held while a list of conversations is read and sent

	mu       sync.Mutex
	windows  map[int]*window
	nextID   int
	closing  bool
	account  ipc.Account
	lastErr  error // why the last window to go failed, if it did
	empty    chan struct{}
	emptyOne sync.Once
}

// New returns a core with no windows yet. Every window is told the holder's
// account now and whenever it changes.
func New(cfg Config) *Core {
	c := &Core{
		cfg:     cfg,
		windows: map[int]*window{},
		account: ipc.Account{State: string(credential.SignedOut)},
		empty:   make(chan struct{}),
	}
	if cfg.Holder != nil {
		cfg.Holder.Subscribe(c.setAccount)
	}
	return c
}

// SignInProgress tells every window how a sign-in is going. Give it to
// signin.Config.Notify.
func (c *Core) SignInProgress(p ipc.SignInProgress) {
	c.broadcast(ipc.EventSignIn, p)
}

// broadcast queues an event for every ready window.
func (c *Core) broadcast(name string, data any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.broadcastLocked(name, data)
}

// broadcastLocked queues an event for every ready window; c.mu is held.
func (c *Core) broadcastLocked(name string, data any) {
	for _, w := range c.windows {
		if w.ready {
			w.out.pushEvent(name, data)
		}
	}
}

// setAccount tells every window about an account change. The holder calls
// it under its own lock, so it only queues.
func (c *Core) setAccount(a credential.Account) {
	acct := ipc.Account{State: string(a.State), Label: a.Label, Problem: a.Problem}
	if a.Kind != 0 {
		acct.Kind = a.Kind.String()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.account = acct
	for _, w := range c.windows {
		if w.ready {
			w.out.pushEvent(ipc.EventAccount, acct)
		}
	}
}

// Done is closed when the last window has closed (or Shutdown finished).
func (c *Core) Done() <-chan struct{} { return c.empty }

// Err reports why the core ended with no windows, if the last window failed
// before its page loaded (for example, no display to open it on).
func (c *Core) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// OpenWindow starts a window process of role and returns its id. There is at
// most one onboarding window and one settings window: asking for another
// raises the existing one.
func (c *Core) OpenWindow(role string) (int, error) {
	if !slices.Contains(ipc.Roles, role) {
		return 0, fmt.Errorf("unknown window role %q (want one of %v)", role, ipc.Roles)
	}
	conv := ""
	if role == ipc.RoleChat {
		conv = c.newConversation()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return 0, errors.New("Parley is shutting down")
	}
	if id, ok := c.raiseLocked(role); ok {
		return id, nil
	}
	id, err := c.startLocked(role, conv, -1)
	if err != nil && conv != "" && c.cfg.Chat != nil {
		go c.cfg.Chat.Close(conv) // newConversation may have set it up
	}
	return id, err
}

// openChat opens a chat window showing conversation conv at message
// position (-1: the end), and returns its id.
func (c *Core) openChat(conv string, position int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return 0, errors.New("Parley is shutting down")
	}
	return c.startLocked(ipc.RoleChat, conv, position)
}

// startLocked starts a window and tells the others; c.mu is held.
func (c *Core) startLocked(role, conv string, position int) (int, error) {
	w, err := c.start(role)
	if err != nil {
		return 0, err
	}
	w.conversation, w.position = conv, position
	c.windows[w.id] = w
	c.broadcastWindowsLocked()
	return w.id, nil
}

// start launches a window process; c.mu is held.
func (c *Core) start(role string) (*window, error) {
	var env []string
	var devserver string
	if c.cfg.WindowEnv != nil {
		var err error
		if env, devserver, err = c.cfg.WindowEnv(); err != nil {
			return nil, err
		}
	}
	parent, child, err := ipc.Socketpair()
	if err != nil {
		return nil, err
	}
	place := c.placeLocked(role)
	cmd := exec.Command(c.cfg.Exe, c.cfg.Args(role, place, c.settingsLocked().Theme)...)
	cmd.ExtraFiles = []*os.File{child}
	cmd.Env = append(credential.Environ(), env...)
	cmd.Stdout = log.Writer() // a window's output goes to the core's log
	cmd.Stderr = log.Writer()
	// WebKit's helper processes inherit that output; Wait must not wait
	// for them once the window itself has gone.
	cmd.WaitDelay = time.Second
	err = cmd.Start()
	child.Close()
	if err != nil {
		parent.Close()
		return nil, fmt.Errorf("starting a %s window: %w", role, err)
	}
	c.nextID++
	w := &window{
		id:        c.nextID,
		role:      role,
		cmd:       cmd,
		devserver: devserver,
		out:       newOutbox(),
		rect:      place,
	}
	w.conn = ipc.NewConn(context.Background(), parent, c.handler(w))
	go w.out.drain(w.conn)
	go c.watch(w)
	log.Printf("window %d (%s) started, pid %d%s", w.id, role, cmd.Process.Pid, devNote(devserver))
	return w, nil
}

func devNote(devserver string) string {
	if devserver == "" {
		return ""
	}
	return ", devserver " + devserver
}

// watch waits for a window process to end, killing it if it outlives its
// link by more than quitGrace, then forgets it.
func (c *Core) watch(w *window) {
	exited := make(chan error, 1)
	go func() { exited <- w.cmd.Wait() }()
	var err error
	select {
	case err = <-exited:
	case <-w.conn.DisconnectNotify():
		select {
		case err = <-exited:
		case <-time.After(quitGrace):
			log.Printf("window %d did not quit after its link closed; killing it", w.id)
			_ = w.cmd.Process.Kill()
			err = <-exited
		}
	}
	w.conn.Close()
	w.out.close()
	c.remove(w, err)
}

func (c *Core) remove(w *window, exitErr error) {
	if w.role == ipc.RoleOnboarding && c.cfg.SignIn != nil {
		c.cfg.SignIn.Cancel() // the wizard closed mid-flow: close the listener
	}
	if conv := c.conversationOf(w); conv != "" && c.cfg.Chat != nil {
		// Stop a reply nobody will see, before the window leaves the list:
		// until then, opening the conversation raises this window instead
		// of finding it half closed.
		c.cfg.Chat.Close(conv)
		defer func() { go c.changed(nil) }() // no window shows it now
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.windows, w.id)
	switch {
	case exitErr != nil && !w.ready:
		c.lastErr = fmt.Errorf("window %d (%s) failed before its page loaded: %v", w.id, w.role, exitErr)
		log.Print(c.lastErr)
	case exitErr != nil:
		log.Printf("window %d (%s) ended: %v", w.id, w.role, exitErr)
	default:
		c.lastErr = nil
		log.Printf("window %d (%s) closed", w.id, w.role)
	}
	if len(c.windows) == 0 {
		c.closing = true // a core without windows is on its way out
		c.emptyOne.Do(func() { close(c.empty) })
		return
	}
	c.broadcastWindowsLocked()
}

// Shutdown closes every window's link, so each window quits, and waits for
// the processes to end, killing any that are still there after quitGrace.
func (c *Core) Shutdown() {
	c.mu.Lock()
	c.closing = true
	ws := make([]*window, 0, len(c.windows))
	for _, w := range c.windows {
		ws = append(ws, w)
	}
	c.mu.Unlock()
	for _, w := range ws {
		w.conn.Close()
	}
	if len(ws) == 0 {
		c.emptyOne.Do(func() { close(c.empty) })
	}
	<-c.empty
}

// ListWindows describes every window process, in the order they opened.
func (c *Core) ListWindows() []control.WindowStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]control.WindowStatus, 0, len(c.windows))
	for _, w := range c.sortedLocked() {
		out = append(out, control.WindowStatus{
			ID: w.id, Role: w.role, PID: w.cmd.Process.Pid, Ready: w.ready, Devserver: w.devserver,
		})
	}
	return out
}

func (c *Core) sortedLocked() []*window {
	ws := make([]*window, 0, len(c.windows))
	for _, w := range c.windows {
		ws = append(ws, w)
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].id < ws[j].id })
	return ws
}

func (c *Core) windowInfosLocked() []ipc.WindowInfo {
	infos := make([]ipc.WindowInfo, 0, len(c.windows))
	for _, w := range c.sortedLocked() {
		infos = append(infos, w.info())
	}
	return infos
}

// broadcastWindowsLocked tells every ready window the current window list.
func (c *Core) broadcastWindowsLocked() {
	infos := c.windowInfosLocked()
	for _, w := range c.windows {
		if w.ready {
			w.out.pushEvent(ipc.EventWindows, infos)
		}
	}
}

// ready marks w as listening and queues the current state for it, under the
// same lock as every broadcast so that nothing newer can be overtaken.
func (c *Core) ready(w *window) ipc.Hello {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.ready = true
	w.out.pushEvent(ipc.EventAccount, c.account)
	w.out.pushEvent(ipc.EventWindows, c.windowInfosLocked())
	w.out.pushEvent(ipc.EventSettings, c.settingsLocked())
	if w.role == ipc.RoleChat && c.cfg.History != nil {
		go c.changed(nil) // the list of conversations, and the window's title
	}
	return ipc.Hello{WindowID: w.id, Role: w.role, ConversationID: w.conversation, Position: w.position, Demo: c.cfg.Demo, Notice: c.cfg.Notice}
}

// HistoryChanged tells the windows that conversation conv changed (a new
// conversation, a new message): their lists and titles are updated. Give
// it to chat.Config.Changed.
func (c *Core) HistoryChanged(conv string) {
	go c.changed(nil)
}
