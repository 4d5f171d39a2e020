package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// errNotLoggedIn is what every client command says before a login.
var errNotLoggedIn = errors.New("not logged in: run publius login --server URL")

// credentials is what `publius login` saves: the server, the app's client
// credentials (needed to revoke the token) and the user token.
type credentials struct {
	Server       string `json:"server"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AccessToken  string `json:"access_token"`
	Scope        string `json:"scope"`
	AccountID    string `json:"account_id"`
	Acct         string `json:"acct"`
}

// configDir is PUBLIUS_CONFIG_DIR, or publius under the user's config dir.
func configDir() (string, error) {
	if d := os.Getenv("PUBLIUS_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a config directory (set PUBLIUS_CONFIG_DIR): %w", err)
	}
	return filepath.Join(d, "publius"), nil
}

func credentialsPath() (string, error) {
	d, err := configDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "credentials.json"), nil
}

// loadCredentials returns the saved login, or errNotLoggedIn.
func loadCredentials() (*credentials, error) {
	path, err := credentialsPath()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotLoggedIn
	}
	if err != nil {
		return nil, err
	}
	var c credentials
	if err := json.Unmarshal(data, &c); err != nil || c.Server == "" || c.AccessToken == "" {
		return nil, fmt.Errorf("%s is damaged: run publius login --server URL again", path)
	}
	return &c, nil
}

// saveCredentials writes c with mode 0600 (directory 0700), replacing the
// file atomically so a crash never leaves half a token behind.
func saveCredentials(c *credentials) error {
	path, err := credentialsPath()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".credentials-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// removeCredentials deletes the saved login; a missing file is fine.
func removeCredentials() error {
	path, err := credentialsPath()
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
