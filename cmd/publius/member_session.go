package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// apiCredentials returns the server and access token for a member or
// verifier command: PUBLIUS_SERVER and PUBLIUS_TOKEN, else the saved login.
func apiCredentials() (server, token string, err error) {
	server, token = os.Getenv("PUBLIUS_SERVER"), os.Getenv("PUBLIUS_TOKEN")
	if server != "" && token != "" {
		return server, token, nil
	}
	creds, err := loadCredentials()
	if err != nil {
		return "", "", fmt.Errorf("%w (or pass --server and --token, or set PUBLIUS_SERVER and PUBLIUS_TOKEN)", err)
	}
	if server == "" {
		server = creds.Server
	}
	if token == "" {
		token = creds.AccessToken
	}
	return server, token, nil
}

// sessionFlags adds --server and --token to a client command.
func sessionFlags(cmd *cobra.Command) {
	cmd.Flags().String("server", "", "server URL (default: saved login or PUBLIUS_SERVER)")
	cmd.Flags().String("token", "", "access token (default: saved login or PUBLIUS_TOKEN)")
}

// apiSession returns a client for the command's --server/--token, falling
// back to apiCredentials.
func apiSession(cmd *cobra.Command) (*apiClient, error) {
	server, _ := cmd.Flags().GetString("server")
	token, _ := cmd.Flags().GetString("token")
	if server == "" || token == "" {
		s, t, err := apiCredentials()
		if err != nil {
			return nil, err
		}
		if server == "" {
			server = s
		}
		if token == "" {
			token = t
		}
	}
	return newAPIClient(server, token), nil
}

// apiClient is a minimal JSON client for the Publius and Mastodon APIs.
type apiClient struct {
	server string
	token  string
	http   *http.Client
}

func newAPIClient(server, token string) *apiClient {
	return &apiClient{server: strings.TrimSuffix(server, "/"), token: token, http: &http.Client{Timeout: 2 * time.Minute}}
}

// apiError is a non-2xx answer.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("server answered %d: %s", e.Status, e.Message) }

// do sends body as JSON and decodes a JSON answer into out (if non-nil).
func (c *apiClient) do(ctx context.Context, method, path string, body, out any) error {
	raw, err := c.raw(ctx, method, path, body)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: unexpected answer: %w", method, path, err)
	}
	return nil
}

// rawAccept GETs path asking for the media type accept.
func (c *apiClient) rawAccept(ctx context.Context, path, accept string) ([]byte, error) {
	return c.send(ctx, "GET", path, nil, accept)
}

func (c *apiClient) raw(ctx context.Context, method, path string, body any) ([]byte, error) {
	return c.send(ctx, method, path, body, "")
}

func (c *apiClient) send(ctx context.Context, method, path string, body any, accept string) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<29))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		return nil, &apiError{Status: resp.StatusCode, Message: e.Error}
	}
	return data, nil
}
