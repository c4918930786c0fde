package main

import (
	"log"
	"path/filepath"

	"parley/internal/geometry"
	"parley/internal/history"
	"parley/internal/ipc"
	"parley/internal/logfile"
)

// openGeometry opens the record of where windows were: windows.json in the
// state directory, beside the log. Without it, windows open where the
// window system puts them.
func openGeometry() *geometry.Store {
	dir, err := logfile.DefaultDir()
	if err != nil {
		log.Print(err)
		return nil
	}
	store, err := geometry.Open(filepath.Join(dir, "windows.json"))
	if err != nil {
		log.Print(err) // damaged: it starts afresh
	}
	return store
}

// files says where Parley keeps its files, for the Settings window.
func files(settingsPath string) ipc.Files {
	f := ipc.Files{Settings: settingsPath}
	if dir, err := logfile.DefaultDir(); err == nil {
		f.Logs = dir
	}
	if path, err := history.DefaultPath(); err == nil {
		f.Data = filepath.Dir(path)
	}
	return f
}
