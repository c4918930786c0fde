package ipc

import "parley/internal/settings"

// Methods any window calls for Parley as a whole.
const (
	// MethodQuit closes every window, which ends Parley.
	MethodQuit = "quit"
	// MethodSettings returns the settings and where Parley keeps its files;
	// result [SettingsInfo].
	MethodSettings = "settings"
	// MethodSaveSettings changes settings; params [SettingsChange], result
	// [Settings]. A bad value changes nothing and the error says why.
	MethodSaveSettings = "saveSettings"
	// MethodModels lists the models the account may use; result [ModelList].
	MethodModels = "models"
	// MethodSaveGeometry reports the window's size and position, to open
	// the next window of its role there; params geometry.Rect.
	MethodSaveGeometry = "saveGeometry"
)

// RoleSettings is the Settings window. There is at most one.
const RoleSettings = "settings"

// EventSettings tells every window the settings it follows (the theme);
// data [Settings].
const EventSettings = "settings"

// Settings are the settings the Settings window edits. Never a secret.
type Settings struct {
	Theme        string                  `json:"theme"`        // "system", "light" or "dark"
	DefaultModel string                  `json:"defaultModel"` // "" for Parley's default
	Proxy        string                  `json:"proxy"`        // "", "direct" or a proxy address
	Anthropic    settings.AnthropicOAuth `json:"anthropic"`
	Gateway      settings.Gateway        `json:"gateway"`
}

// SettingsChange is what a window changes; nil fields stay as they are.
type SettingsChange struct {
	Theme        *string                  `json:"theme,omitempty"`
	DefaultModel *string                  `json:"defaultModel,omitempty"`
	Proxy        *string                  `json:"proxy,omitempty"`
	Anthropic    *settings.AnthropicOAuth `json:"anthropic,omitempty"`
	Gateway      *settings.Gateway        `json:"gateway,omitempty"`
}

// SettingsInfo is what the Settings window shows.
type SettingsInfo struct {
	Settings Settings `json:"settings"`
	Files    Files    `json:"files"`
}

// Files says where Parley keeps its files, for the user to find them.
type Files struct {
	Settings string `json:"settings"` // the settings file
	Logs     string `json:"logs"`     // the log directory
	Data     string `json:"data"`     // the data directory (history)
}
