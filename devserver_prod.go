//go:build !dev

package main

// windowEnv is nil outside dev builds: windows need no extra environment.
var windowEnv func() ([]string, string, error)
