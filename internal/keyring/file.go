package keyring

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// File keeps the item in a plain, unencrypted file at Path, readable by
// anyone who can read the user's files. Use it only when no keyring works
// and the user explicitly chose this file after being warned.
//
// Set writes atomically with mode 0600 (the directory is created 0700);
// Get refuses a file that other users may read or write. Items over
// MaxItem bytes are refused with ErrTooBig.
type File struct{ Path string }

// Get returns the item in the file, or ErrNotFound when there is no file.
func (f File) Get() (string, error) {
	file, err := os.Open(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return "", err
	}
	// Windows has no such mode bits; the user's profile ACLs protect it.
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return "", fmt.Errorf("refusing to read %s: its mode %04o lets other users read or change it; "+
			"run chmod 600 on it, or sign in again", f.Path, perm)
	}
	b, err := io.ReadAll(io.LimitReader(file, MaxItem+1))
	if err != nil {
		return "", err
	}
	if len(b) > MaxItem {
		return "", fmt.Errorf("%s: %w", f.Path, ErrTooBig)
	}
	return string(b), nil
}

// Set replaces the file's content with item, atomically: a reader sees the
// old item or the new one, never a mix.
func (f File) Set(item string) error {
	if len(item) > MaxItem {
		return ErrTooBig
	}
	dir := filepath.Dir(f.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.Path)+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.WriteString(item)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.Path)
}

// Delete removes the file. Deleting a missing file is not an error.
func (f File) Delete() error {
	err := os.Remove(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
