// Package atomicfile replaces small files whole, so that a reader, or a
// crash halfway, never sees half a file.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data: written to a temporary file (mode 0600)
// beside it, then renamed over it. It creates path's directory (mode 0700)
// if needed. Use it for settings and state files that Parley rewrites.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a failure; gone already after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
