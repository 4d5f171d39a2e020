package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"publius/internal/account"
	"publius/internal/config"
	"publius/internal/server"
	"publius/internal/store"
)

// adminCommands are added under `publius admin` by other files.
var adminCommands []func() *cobra.Command

func newAdminCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Operator commands that work on the data directory directly",
	}
	cmd.PersistentFlags().String("data", config.Default().DataDir, "data directory (PUBLIUS_DATA)")
	cmd.AddCommand(newAdminAccountCommand())
	for _, add := range adminCommands {
		cmd.AddCommand(add())
	}
	return cmd
}

// openAdminStore opens the store named by the admin --data flag (or env).
func openAdminStore(cmd *cobra.Command) (store.Store, config.Config, error) {
	cfg := config.Default()
	data, _ := cmd.Flags().GetString("data")
	if !cmd.Flags().Changed("data") {
		if v := os.Getenv("PUBLIUS_DATA"); v != "" {
			data = v
		}
	}
	cfg.DataDir = data
	if v := os.Getenv("PUBLIUS_PUBLIC_URL"); v != "" {
		cfg.PublicURL = v
	}
	if err := cfg.Validate(); err != nil {
		return nil, cfg, err
	}
	st, err := server.OpenStore(cmd.Context(), cfg)
	return st, cfg, err
}

func newAdminAccountCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "account", Short: "Create, suspend and inspect accounts"}
	var admin bool
	var passFromStdin bool
	create := &cobra.Command{
		Use:   "create HANDLE",
		Short: "Create an account; the passphrase is prompted (or read from stdin with --passphrase-stdin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pass, err := readPassphrase(cmd, passFromStdin, true)
			if err != nil {
				return err
			}
			st, _, err := openAdminStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			a, err := account.NewService(st, nil).Register(cmd.Context(), account.Registration{
				Handle: args[0], Passphrase: pass, Admin: admin, AllowReserved: true})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created @%s (id %s, admin %v)\n", a.Handle, a.ID, a.Admin)
			return nil
		},
	}
	create.Flags().BoolVar(&admin, "admin", false, "make the account an operator (admin)")
	create.Flags().BoolVar(&passFromStdin, "passphrase-stdin", false, "read the passphrase from standard input")

	setFlag := func(use, short string, apply func(ctx context.Context, st store.Store, id string) error, done string) *cobra.Command {
		return &cobra.Command{
			Use: use + " HANDLE", Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				st, _, err := openAdminStore(cmd)
				if err != nil {
					return err
				}
				defer st.Close()
				a, err := lookupHandle(cmd.Context(), st, args[0])
				if err != nil {
					return err
				}
				if err := apply(cmd.Context(), st, a.ID); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "@%s %s\n", a.Handle, done)
				return nil
			},
		}
	}
	suspend := setFlag("suspend", "Suspend an account: it cannot log in and its posts are hidden",
		func(ctx context.Context, st store.Store, id string) error {
			if err := st.SetSuspended(ctx, id, true); err != nil {
				return err
			}
			return st.DeleteAccountTokens(ctx, id)
		}, "suspended; its tokens are revoked")
	unsuspend := setFlag("unsuspend", "Lift a suspension",
		func(ctx context.Context, st store.Store, id string) error { return st.SetSuspended(ctx, id, false) }, "unsuspended")
	cmd.AddCommand(create, suspend, unsuspend)
	return cmd
}

func lookupHandle(ctx context.Context, st store.Store, handle string) (*store.Account, error) {
	h, err := account.NormalizeHandle(handle)
	if err != nil {
		return nil, err
	}
	a, err := st.AccountByHandle(ctx, h)
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.Deleted) {
		return nil, fmt.Errorf("no account @%s", h)
	}
	return a, err
}

// readPassphrase prompts without echo on a terminal (twice when confirm),
// or reads one line from stdin.
func readPassphrase(cmd *cobra.Command, fromStdin, confirm bool) (string, error) {
	in := cmd.InOrStdin()
	f, isFile := in.(*os.File)
	if fromStdin || !isFile || !term.IsTerminal(int(f.Fd())) {
		b, err := io.ReadAll(io.LimitReader(in, account.MaxPassphraseBytes+2))
		if err != nil {
			return "", err
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSuffix(line, "\r"), nil
	}
	fmt.Fprint(cmd.ErrOrStderr(), "Passphrase: ")
	p1, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(cmd.ErrOrStderr())
	if err != nil {
		return "", err
	}
	if confirm {
		fmt.Fprint(cmd.ErrOrStderr(), "Repeat passphrase: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("passphrases do not match")
		}
	}
	return string(p1), nil
}
