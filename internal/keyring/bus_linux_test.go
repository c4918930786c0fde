package keyring

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

func TestNoSessionBusMeansNoKeyringAndNoAutolaunch(t *testing.T) {
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this machine has a session bus at the standard place")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	if _, err := (system{}).get("parley-test", t.Name()); !errors.Is(err, errNoBus) {
		t.Errorf("get without a session bus = %v, want errNoBus (and no dbus-launch)", err)
	}
}
