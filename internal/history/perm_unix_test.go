//go:build unix

package history

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// unreadableChild is set in the child process of
// TestOpenUnreadableFileIsLeftAlone: the folder holding the history.
const unreadableChild = "PARLEY_HISTORY_UNREADABLE_CHILD"

// TestOpenUnreadableFileIsLeftAlone: a history Parley may not read gives
// an error saying what to do, and is neither moved nor replaced. Root may
// read any file, so as root the check runs in a child process as nobody.
func TestOpenUnreadableFileIsLeftAlone(t *testing.T) {
	if dir := os.Getenv(unreadableChild); dir != "" {
		if err := checkUnreadable(dir); err != nil {
			t.Fatal(err)
		}
		return
	}
	if os.Geteuid() != 0 {
		dir := t.TempDir()
		makeHistory(t, filepath.Join(dir, "history.db"))
		if err := os.Chmod(filepath.Join(dir, "history.db"), 0); err != nil {
			t.Fatal(err)
		}
		if err := checkUnreadable(dir); err != nil {
			t.Error(err)
		}
		return
	}

	const nobody = 65534
	base, err := os.MkdirTemp("", "parley-history-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	dir := filepath.Join(base, "nobody")
	for _, err := range []error{os.Chmod(base, 0o711), os.Mkdir(dir, 0o700), os.Chown(dir, nobody, nobody)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Root's 0600 file in a folder nobody owns: nobody could rename it,
	// but may not read it.
	makeHistory(t, filepath.Join(dir, "history.db"))
	bin := filepath.Join(dir, "history.test")
	copyFile(t, bin, 0o755)

	cmd := exec.Command(bin, "-test.run=^TestOpenUnreadableFileIsLeftAlone$", "-test.v")
	cmd.Env = append(os.Environ(), unreadableChild+"="+dir, "TMPDIR="+dir, "HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestOpenUnreadableFileIsLeftAlone") {
		t.Errorf("the check did not run as nobody:\n%s", out)
	}
}

func makeHistory(t *testing.T, path string) {
	t.Helper()
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	create(t, s, "mine")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// copyFile copies the running test binary to path.
func copyFile(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkUnreadable opens the unreadable history in dir and checks the error
// and that the file stayed where it was.
func checkUnreadable(dir string) error {
	path := filepath.Join(dir, "history.db")
	before, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if f, err := os.Open(path); err == nil {
		f.Close()
		return fmt.Errorf("%s is readable: the test cannot work", path)
	}
	s, rec, err := Open(path)
	if err == nil {
		s.Close()
		return fmt.Errorf("Open of an unreadable history succeeded (recovered: %+v)", rec)
	}
	if msg := err.Error(); !strings.Contains(msg, "permission denied") || !strings.Contains(msg, path) || !strings.Contains(msg, "chmod 600") {
		return fmt.Errorf("the error does not say what to do: %v", err)
	}
	if moved, _ := filepath.Glob(path + ".damaged-*"); len(moved) > 0 {
		return fmt.Errorf("the unreadable file was moved: %v", moved)
	}
	after, err := os.Lstat(path)
	if err != nil || !os.SameFile(before, after) {
		return fmt.Errorf("the unreadable file was replaced: %v", err)
	}
	return nil
}
