package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"publius/internal/account"
	"publius/internal/legal"
	"publius/internal/store"
)

func init() { adminCommands = append(adminCommands, newAdminDiscloseCommand) }

func newAdminDiscloseCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "disclose HANDLE",
		Short: "Print everything this server holds about an account (what a legal demand could obtain)",
		Long: "Print the disclosure export of an account: everything the operator could be compelled\n" +
			"to produce about it. The account owner sees the same export at\n" +
			"GET /api/v1/publius/me/disclosure. A deleted account shows its tombstone.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := openAdminStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			h, err := account.NormalizeHandle(args[0])
			if err != nil {
				return err
			}
			a, err := st.AccountByHandle(cmd.Context(), h)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no account @%s (this server holds nothing under that handle)", h)
			}
			if err != nil {
				return err
			}
			x, err := legal.Disclose(cmd.Context(), st, a.ID)
			if err != nil {
				return err
			}
			if asJSON {
				_, err = cmd.OutOrStdout().Write(x.JSON())
			} else {
				_, err = fmt.Fprint(cmd.OutOrStdout(), x.Text())
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	return cmd
}
