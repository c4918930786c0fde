package keyring

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// errNoBus: without a D-Bus session bus there is no Secret Service to ask.
var errNoBus = errors.New("no D-Bus session bus, so no Secret Service")

// sessionBus checks that a session bus can be found the way godbus finds
// one. Without this check godbus would start a bus of its own with
// dbus-launch, and leave it and a keyring daemon running after Parley.
func sessionBus() error {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	dir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	return errNoBus
}
