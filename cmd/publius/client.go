package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"publius/internal/client"
)

// Client commands: they speak only the public Mastodon API, so they work
// against any Mastodon-API server.

func init() {
	extraCommands = append(extraCommands, newLoginCommand, newLogoutCommand, newWhoamiCommand,
		newPostCommand, newTimelineCommand, newFollowCommand, newUnfollowCommand)
}

const (
	cliScopes  = "read write follow"
	cliAppName = "publius CLI"
)

// session is a logged-in client and the credentials behind it.
type session struct {
	*client.Client
	creds *credentials
}

func loggedIn() (*session, error) {
	return loggedInAs(nil)
}

// loggedInAs is loggedIn, but the command's --server and --token (where it
// has them and both are given) take the place of the saved login.
func loggedInAs(cmd *cobra.Command) (*session, error) {
	var creds *credentials
	if cmd != nil {
		server, _ := cmd.Flags().GetString("server")
		token, _ := cmd.Flags().GetString("token")
		if server != "" && token != "" {
			creds = &credentials{Server: server, AccessToken: token}
		}
	}
	if creds == nil {
		var err error
		if creds, err = loadCredentials(); err != nil {
			return nil, err
		}
	}
	c, err := client.New(creds.Server, creds.AccessToken)
	if err != nil {
		return nil, fmt.Errorf("saved server: %w", err)
	}
	return &session{Client: c, creds: creds}, nil
}

// explain makes a client error read well on the command line: a rejected
// token says how to fix it, a server error says which server answered.
func (s *session) explain(err error) error {
	var apiErr *client.Error
	switch {
	case err == nil:
		return nil
	case client.IsStatus(err, 401):
		errors.As(err, &apiErr)
		return fmt.Errorf("%s rejected the saved login (%s): run publius login --server %s", s.Server, apiErr.Message, s.Server)
	case errors.As(err, &apiErr):
		return fmt.Errorf("%s: %w", s.Server, err)
	}
	return err
}

func newLoginCommand() *cobra.Command {
	var server string
	var browser bool
	cmd := &cobra.Command{
		Use:   "login --server URL",
		Short: "Log in to a Mastodon-API server (a Publius server asks for handle and passphrase here)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogin(cmd, server, browser)
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "server URL, e.g. https://example.org (required)")
	cmd.Flags().BoolVar(&browser, "browser", false, "approve in a browser and paste the code, even on a Publius server")
	cmd.MarkFlagRequired("server")
	return cmd
}

func runLogin(cmd *cobra.Command, server string, browser bool) error {
	ctx := cmd.Context()
	c, err := client.New(server, "")
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	ask := newPrompter(cmd)

	// Only a Publius server gets its form filled in here; anything that is
	// not clearly Publius gets the standard browser flow.
	publius := false
	if !browser {
		ni, err := c.NodeInfo(ctx)
		var netErr *client.NetworkError
		if errors.As(err, &netErr) {
			return err
		}
		publius = err == nil && strings.EqualFold(ni.Software.Name, "publius")
	}

	app, err := c.RegisterApp(ctx, cliAppName, client.OOBRedirect, cliScopes, "")
	if err != nil {
		return fmt.Errorf("register the app on %s: %w", c.Server, err)
	}
	pkce := client.NewPKCE()
	authURL := c.AuthorizeURL(app.ClientID, client.OOBRedirect, cliScopes, pkce, "")

	var code string
	if publius {
		handle, err := ask.secret("Handle: ")
		if err != nil {
			return err
		}
		pass, err := ask.secret("Passphrase: ")
		if err != nil {
			return err
		}
		handle = strings.TrimPrefix(strings.TrimSpace(handle), "@")
		if handle == "" || pass == "" {
			return errors.New("handle and passphrase are both required")
		}
		code, err = c.AuthorizeWithPassphrase(ctx, authURL, handle, pass)
		if errors.Is(err, client.ErrLoginRejected) {
			return fmt.Errorf("login to %s failed: %s", c.Server, strings.TrimPrefix(err.Error(), client.ErrLoginRejected.Error()+": "))
		}
		if err != nil {
			return fmt.Errorf("login to %s failed: %w", c.Server, err)
		}
	} else {
		fmt.Fprintf(out, "Open this address in a browser, log in and approve %q:\n\n  %s\n\nThen paste the code it shows.\n", cliAppName, authURL)
		code, err = ask.line("Code: ")
		if err != nil {
			return err
		}
		code = strings.TrimSpace(code)
		if code == "" {
			return errors.New("no authorization code given")
		}
	}

	tok, err := c.ExchangeCode(ctx, app, code, client.OOBRedirect, pkce.Verifier, cliScopes)
	if err != nil {
		return fmt.Errorf("exchange the authorization code at %s: %w", c.Server, err)
	}
	c.Token = tok.AccessToken
	me, err := c.VerifyCredentials(ctx)
	if err != nil {
		return fmt.Errorf("check the new login at %s: %w", c.Server, err)
	}
	old, _ := loadCredentials()
	if err := saveCredentials(&credentials{Server: c.Server, ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		AccessToken: tok.AccessToken, Scope: tok.Scope, AccountID: me.ID, Acct: me.Acct}); err != nil {
		return fmt.Errorf("save the login: %w", err)
	}
	// A replaced login should not leave a live token behind on its server.
	if old != nil && old.AccessToken != tok.AccessToken {
		if oc, err := client.New(old.Server, ""); err == nil {
			if err := oc.Revoke(ctx, old.ClientID, old.ClientSecret, old.AccessToken); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: could not revoke the previous login on %s: %v\n", old.Server, err)
			}
		}
	}
	fmt.Fprintf(out, "Logged in as @%s on %s\n", client.Sanitize(me.Acct), c.Server)
	return nil
}

func newLogoutCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the saved token on the server and delete it here",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := loggedIn()
			if err != nil {
				return err
			}
			if err := s.Revoke(cmd.Context(), s.creds.ClientID, s.creds.ClientSecret, s.creds.AccessToken); err != nil {
				if !force {
					return fmt.Errorf("could not revoke the token (%w); the login is kept so you can retry, or use --force to delete it here anyway", err)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: the token was not revoked and may still work on %s: %v\n", s.Server, err)
			}
			if err := removeCredentials(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Logged out of %s\n", s.Server)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "delete the saved login even if the server cannot revoke the token")
	return cmd
}

func newWhoamiCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show the logged-in account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := loggedIn()
			if err != nil {
				return err
			}
			me, err := s.VerifyCredentials(cmd.Context())
			if err != nil {
				return s.explain(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "@%s on %s\n%d posts, %d following, %d followers\n",
				client.Sanitize(me.Acct), s.Server, me.StatusesCount, me.FollowingCount, me.FollowersCount)
			return nil
		},
	}
}

// maxPostInput bounds text read from stdin; servers refuse far less.
const maxPostInput = 1 << 20

func newPostCommand() *cobra.Command {
	var visibility, spoiler, replyTo, group string
	var force bool
	cmd := &cobra.Command{
		Use:   "post [TEXT | -]",
		Short: "Publish a post (the text from standard input when none is given or it is -)",
		Long: "Publish a post. With --as-member GROUP the post carries a zero-knowledge proof, bound to your\n" +
			"account and the exact text, that its author is one of GROUP's members (without saying which);\n" +
			"anyone can check it with `publius verify POST-URL`.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch visibility {
			case "", "public", "unlisted", "private", "direct":
			default:
				return fmt.Errorf("--visibility must be public, unlisted, private or direct, not %q", visibility)
			}
			if group != "" {
				text, err := postText(cmd, args)
				if err != nil {
					return err
				}
				return postAsMember(cmd, group, force, map[string]any{"status": text, "visibility": visibility,
					"spoiler_text": spoiler, "in_reply_to_id": replyTo})
			}
			s, err := loggedInAs(cmd)
			if err != nil {
				return err
			}
			text, err := postText(cmd, args)
			if err != nil {
				return err
			}
			st, err := s.PostStatus(cmd.Context(), client.NewStatus{Text: text, Visibility: visibility,
				SpoilerText: spoiler, InReplyToID: replyTo}, idempotencyKey())
			if err != nil {
				return s.explain(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), st.Link())
			return nil
		},
	}
	cmd.Flags().StringVar(&visibility, "visibility", "", "public, unlisted, private or direct (default: the account's)")
	cmd.Flags().StringVar(&spoiler, "spoiler", "", "content warning shown before the text")
	cmd.Flags().StringVar(&replyTo, "reply-to", "", "ID of the post this one answers")
	cmd.Flags().StringVar(&group, "as-member", "", "sign the post with a proof of membership in this group (Publius servers)")
	cmd.Flags().BoolVar(&force, "force", false, "with --as-member: post even if the group's anonymity set is below 10")
	identityFlag(cmd)
	sessionFlags(cmd)
	return cmd
}

func postText(cmd *cobra.Command, args []string) (string, error) {
	var text string
	if len(args) == 1 && args[0] != "-" {
		text = args[0]
	} else {
		in := cmd.InOrStdin()
		if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			fmt.Fprintln(cmd.ErrOrStderr(), "Type the post, then press Ctrl-D on a new line:")
		}
		b, err := io.ReadAll(io.LimitReader(in, maxPostInput+1))
		if err != nil {
			return "", err
		}
		if len(b) > maxPostInput {
			return "", errors.New("the text on standard input is too long")
		}
		text = strings.TrimRight(string(b), "\r\n")
	}
	if strings.TrimSpace(text) == "" {
		return "", errors.New("nothing to post: give the text as an argument or on standard input")
	}
	return text, nil
}

func idempotencyKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newTimelineCommand() *cobra.Command {
	var limit int
	var maxID string
	var asJSON, local bool
	cmd := &cobra.Command{
		Use:   "timeline [home | public | @handle]",
		Short: "Show a timeline (home by default)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			which := "home"
			if len(args) == 1 {
				which = args[0]
			}
			if limit < 1 {
				return errors.New("--limit must be at least 1")
			}
			s, err := loggedIn()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			page := client.Page{Limit: limit, MaxID: maxID}
			var list *client.Statuses
			switch {
			case which == "home":
				list, err = s.HomeTimeline(ctx, page)
			case which == "public":
				list, err = s.PublicTimeline(ctx, page, local)
			case strings.HasPrefix(which, "@"):
				var a *client.Account
				if a, err = s.Lookup(ctx, which); err == nil {
					list, err = s.AccountStatuses(ctx, a.ID, page)
				} else if client.IsStatus(err, 404) {
					return fmt.Errorf("%s: no account %s", s.Server, which)
				}
			default:
				return fmt.Errorf("unknown timeline %q: use home, public or @handle", which)
			}
			if err != nil {
				return s.explain(err)
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), list.Statuses)
			}
			printStatuses(cmd.OutOrStdout(), list.Statuses)
			// Servers link a next page whenever a page is not empty; hint
			// only when this one came back full (Mastodon caps pages at 40).
			if list.NextMaxID != "" && len(list.Statuses) >= min(limit, 40) {
				fmt.Fprintf(cmd.ErrOrStderr(), "older posts: publius timeline %s --max-id %s\n", which, list.NextMaxID)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "how many posts (servers cap this, Mastodon at 40)")
	cmd.Flags().StringVar(&maxID, "max-id", "", "show posts older than this ID")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the server's JSON")
	cmd.Flags().BoolVar(&local, "local", false, "public: only this server's posts")
	return cmd
}

func printJSON(w io.Writer, list []client.Status) error {
	raws := make([]json.RawMessage, len(list))
	for i, s := range list {
		raws[i] = s.Raw
	}
	b, err := json.MarshalIndent(raws, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func printStatuses(w io.Writer, list []client.Status) {
	if len(list) == 0 {
		fmt.Fprintln(w, "(no posts)")
		return
	}
	for i, st := range list {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if st.Reblog != nil {
			fmt.Fprintf(w, "@%s boosted:\n", client.Sanitize(st.Account.Acct))
			st = *st.Reblog
		}
		fmt.Fprintln(w, statusHeader(st))
		if st.SpoilerText != "" {
			fmt.Fprintf(w, "CW: %s\n", client.Sanitize(st.SpoilerText))
		}
		if text := client.PlainText(st.Content); text != "" {
			fmt.Fprintln(w, text)
		}
		fmt.Fprintln(w, st.Link())
	}
}

func statusHeader(st client.Status) string {
	var b strings.Builder
	b.WriteString("@" + client.Sanitize(st.Account.Acct))
	if name := strings.TrimSpace(client.Sanitize(st.Account.DisplayName)); name != "" {
		b.WriteString(" (" + name + ")")
	}
	if t, err := time.Parse(time.RFC3339, st.CreatedAt); err == nil {
		b.WriteString(" · " + t.Local().Format("2006-01-02 15:04"))
	}
	if st.Visibility != "" && st.Visibility != "public" {
		b.WriteString(" · " + st.Visibility)
	}
	if st.InReplyToID != nil {
		b.WriteString(" · reply")
	}
	b.WriteString(" · id " + st.ID)
	return b.String()
}

func newFollowCommand() *cobra.Command {
	return followCommand("follow", "Follow an account", func(s *session, ctx context.Context, id string) (*client.Relationship, error) {
		return s.Follow(ctx, id)
	})
}

func newUnfollowCommand() *cobra.Command {
	return followCommand("unfollow", "Stop following an account", func(s *session, ctx context.Context, id string) (*client.Relationship, error) {
		return s.Unfollow(ctx, id)
	})
}

func followCommand(verb, short string, call func(*session, context.Context, string) (*client.Relationship, error)) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " @handle",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := loggedIn()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			a, err := s.Lookup(ctx, args[0])
			if client.IsStatus(err, 404) {
				return fmt.Errorf("%s: no account @%s", s.Server, strings.TrimPrefix(args[0], "@"))
			}
			if err != nil {
				return s.explain(err)
			}
			rel, err := call(s, ctx, a.ID)
			if err != nil {
				return s.explain(err)
			}
			acct := "@" + client.Sanitize(a.Acct)
			switch {
			case rel.Following:
				fmt.Fprintf(cmd.OutOrStdout(), "Following %s\n", acct)
			case rel.Requested:
				fmt.Fprintf(cmd.OutOrStdout(), "Asked to follow %s (the account approves followers)\n", acct)
			default:
				fmt.Fprintf(cmd.OutOrStdout(), "Not following %s\n", acct)
			}
			return nil
		},
	}
}
