package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"publius/internal/account"
	"publius/internal/legal"
	"publius/internal/store"
	"publius/internal/timeline"
)

func init() { adminCommands = append(adminCommands, newAdminDemandCommand) }

func newAdminDemandCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demand",
		Short: "Record legal demands and their outcomes (the registry behind the transparency report)",
		Long: `Record legal demands and their outcomes. Dates are days, as YYYY-MM-DD.
Process types: ` + strings.Join(legal.ProcessTypes, ", ") + `
Delivery methods: ` + strings.Join(legal.DeliveryMethods, ", ") + `
Statuses: ` + strings.Join(legal.Statuses, ", ") + `

Targeted accounts are told in the app (a direct notice from @legal) unless a gag
order is recorded; when the order's end date has passed, the notice goes out.
Set PUBLIUS_PUBLIC_URL to send notices from the command line; otherwise the
running server sends them within ` + "15 minutes" + `.`,
	}
	cmd.AddCommand(newDemandAddCommand(), newDemandUpdateCommand(), newDemandShowCommand(),
		newDemandListCommand(), newDemandAttachCommand())
	return cmd
}

// withRegistry opens the data dir's store and runs fn with a registry.
func withRegistry(cmd *cobra.Command, fn func(r *legal.Registry) error) error {
	st, cfg, err := openAdminStore(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	accounts := account.NewService(st, nil)
	r := legal.NewRegistry(st, accounts, timeline.NewService(st, cfg.PublicURL, cfg.Host()), nil, nil)
	// Notice links carry the public URL; without it, leave notices to the server.
	r.DeferNotices = os.Getenv("PUBLIUS_PUBLIC_URL") == ""
	return fn(r)
}

// demandFlags binds one flag per demand field.
type demandFlags struct {
	agency, office, agent, authority, process, delivery, received, deadline string
	targets                                                                 []string
	data, dataFile, gagEnds, court, caseNumber, notes, status, note, on     string
	gag                                                                     bool
}

func (f *demandFlags) bind(fs *pflag.FlagSet, update bool) {
	fs.StringVar(&f.agency, "agency", "", "issuing agency")
	fs.StringVar(&f.office, "office", "", "office or component of the agency")
	fs.StringVar(&f.agent, "agent", "", "person or agent named on the demand")
	fs.StringVar(&f.authority, "authority", "", `authority cited, verbatim (e.g. "19 U.S.C. § 1509")`)
	fs.StringVar(&f.process, "process-type", "", "legal process type: "+strings.Join(legal.ProcessTypes, ", "))
	fs.StringVar(&f.delivery, "delivery-method", "", "how it arrived: "+strings.Join(legal.DeliveryMethods, ", "))
	fs.StringVar(&f.received, "received-on", "", "day received, YYYY-MM-DD")
	fs.StringVar(&f.deadline, "deadline-on", "", "production deadline, YYYY-MM-DD (may precede receipt)")
	fs.StringSliceVar(&f.targets, "target", nil, "targeted account handle (repeat, or comma-separated)")
	fs.StringVar(&f.data, "data-requested", "", "data requested, verbatim")
	fs.StringVar(&f.dataFile, "data-requested-file", "", "read the data requested, verbatim, from this file")
	fs.BoolVar(&f.gag, "gag-order", false, "a non-disclosure (gag) order forbids notifying the users")
	fs.StringVar(&f.gagEnds, "gag-ends-on", "", "last day the gag order forbids notice, YYYY-MM-DD")
	fs.StringVar(&f.court, "court", "", "court, when challenged")
	fs.StringVar(&f.caseNumber, "case-number", "", "case number, when challenged")
	fs.StringVar(&f.notes, "notes", "", "operator notes")
	fs.StringVar(&f.status, "status", "", "status: "+strings.Join(legal.Statuses, ", "))
	fs.StringVar(&f.note, "note", "", "note recorded with the status change")
	if update {
		fs.StringVar(&f.on, "on", "", "day of the status change, YYYY-MM-DD (default today)")
	}
}

func (f *demandFlags) dataRequested() (string, error) {
	if f.dataFile == "" {
		return f.data, nil
	}
	b, err := os.ReadFile(f.dataFile)
	if err != nil {
		return "", fmt.Errorf("--data-requested-file: %w", err)
	}
	return string(b), nil
}

func newDemandAddCommand() *cobra.Command {
	var f demandFlags
	var file string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Record a new demand (from flags, or a JSON file with flags overriding it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var in legal.Input
			if file != "" {
				if err := readJSONFile(file, &in); err != nil {
					return err
				}
			}
			fs := cmd.Flags()
			for name, dst := range map[string]*string{
				"agency": &in.Agency, "office": &in.Office, "agent": &in.Agent, "authority": &in.Authority,
				"process-type": &in.ProcessType, "delivery-method": &in.DeliveryMethod, "received-on": &in.ReceivedOn,
				"deadline-on": &in.DeadlineOn, "gag-ends-on": &in.GagEndsOn, "court": &in.Court,
				"case-number": &in.CaseNumber, "notes": &in.Notes, "status": &in.Status, "note": &in.Note,
			} {
				if fs.Changed(name) {
					*dst = *flagValue(&f, name)
				}
			}
			if fs.Changed("target") {
				in.Targets = f.targets
			}
			if fs.Changed("gag-order") {
				in.GagOrder = f.gag
			}
			if fs.Changed("data-requested") || fs.Changed("data-requested-file") {
				data, err := f.dataRequested()
				if err != nil {
					return err
				}
				in.DataRequested = data
			}
			return withRegistry(cmd, func(r *legal.Registry) error {
				d, err := r.Create(cmd.Context(), in)
				if err != nil {
					return err
				}
				return printDemand(cmd.OutOrStdout(), d, asJSON)
			})
		},
	}
	f.bind(cmd.Flags(), false)
	cmd.Flags().StringVarP(&file, "file", "f", "", "read the demand from a JSON file (fields as in the API)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the recorded demand as JSON")
	return cmd
}

// flagValue maps a string flag's name to its variable.
func flagValue(f *demandFlags, name string) *string {
	return map[string]*string{
		"agency": &f.agency, "office": &f.office, "agent": &f.agent, "authority": &f.authority,
		"process-type": &f.process, "delivery-method": &f.delivery, "received-on": &f.received,
		"deadline-on": &f.deadline, "gag-ends-on": &f.gagEnds, "court": &f.court, "case-number": &f.caseNumber,
		"notes": &f.notes, "status": &f.status, "note": &f.note, "on": &f.on,
	}[name]
}

func readJSONFile(path string, dst any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func newDemandUpdateCommand() *cobra.Command {
	var f demandFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change a demand's fields or move it to a new status (only the flags given change)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := cmd.Flags()
			var u legal.Update
			changed := false
			for name, dst := range map[string]**string{
				"agency": &u.Agency, "office": &u.Office, "agent": &u.Agent, "authority": &u.Authority,
				"process-type": &u.ProcessType, "delivery-method": &u.DeliveryMethod, "received-on": &u.ReceivedOn,
				"deadline-on": &u.DeadlineOn, "gag-ends-on": &u.GagEndsOn, "court": &u.Court,
				"case-number": &u.CaseNumber, "notes": &u.Notes, "status": &u.Status,
			} {
				if fs.Changed(name) {
					*dst, changed = flagValue(&f, name), true
				}
			}
			if fs.Changed("target") {
				u.Targets, changed = &f.targets, true
			}
			if fs.Changed("gag-order") {
				u.GagOrder, changed = &f.gag, true
			}
			if fs.Changed("data-requested") || fs.Changed("data-requested-file") {
				data, err := f.dataRequested()
				if err != nil {
					return err
				}
				u.DataRequested, changed = &data, true
			}
			u.Note, u.On = f.note, f.on
			if !changed && u.Note == "" && u.On == "" {
				return fmt.Errorf("nothing to update: give at least one field flag (see --help)")
			}
			return withRegistry(cmd, func(r *legal.Registry) error {
				d, err := r.Update(cmd.Context(), args[0], u)
				if err != nil {
					return notFoundAsDemand(args[0], err)
				}
				return printDemand(cmd.OutOrStdout(), d, asJSON)
			})
		},
	}
	f.bind(cmd.Flags(), true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the demand as JSON")
	return cmd
}

func notFoundAsDemand(id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no demand %q", id)
	}
	return err
}

func newDemandShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one demand with its history, documents and notices",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(r *legal.Registry) error {
				d, err := r.Get(cmd.Context(), args[0])
				if err != nil {
					return notFoundAsDemand(args[0], err)
				}
				return printDemand(cmd.OutOrStdout(), d, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newDemandListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every demand, most recently received first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRegistry(cmd, func(r *legal.Registry) error {
				list, err := r.List(cmd.Context())
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					return writeJSON(out, list)
				}
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tRECEIVED\tSTATUS\tPROCESS\tAGENCY\tTARGETS")
				for _, d := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.ReceivedOn, d.Status, d.ProcessType,
						oneLine(d.Agency), handles(d.Targets))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newDemandAttachCommand() *cobra.Command {
	var mediaType string
	cmd := &cobra.Command{
		Use:   "attach ID FILE",
		Short: "Attach a document (the demand, a motion, an order); it is stored with its SHA-256",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			content, err := os.ReadFile(args[1])
			if err != nil {
				return err
			}
			if mediaType == "" {
				mediaType = mime.TypeByExtension(filepath.Ext(args[1]))
			}
			return withRegistry(cmd, func(r *legal.Registry) error {
				doc, err := r.Attach(cmd.Context(), args[0], filepath.Base(args[1]), mediaType, content)
				if err != nil {
					return notFoundAsDemand(args[0], err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "attached %s to demand %s as document %s (%d bytes, sha256 %s)\n",
					doc.Name, args[0], doc.ID, doc.Size, doc.SHA256)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&mediaType, "media-type", "", "media type (default: from the file extension)")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func handles(ts []legal.Target) string {
	var out []string
	for _, t := range ts {
		out = append(out, "@"+t.Handle)
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printDemand(w io.Writer, d *legal.Demand, asJSON bool) error {
	if asJSON {
		return writeJSON(w, d)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(tw, "%s:\t%s\n", k, v)
	}
	row("Demand", d.ID)
	row("Status", legal.Label(d.Status))
	row("Agency", d.Agency)
	row("Office", d.Office)
	row("Agent", d.Agent)
	row("Authority", d.Authority)
	row("Process", legal.Label(d.ProcessType))
	row("Delivery", legal.Label(d.DeliveryMethod))
	row("Received", d.ReceivedOn)
	row("Deadline", d.DeadlineOn)
	gag := "no"
	if d.GagOrder {
		gag = "yes, no end date recorded"
		if d.GagEndsOn != "" {
			gag = "yes, until " + d.GagEndsOn
		}
	}
	row("Gag order", gag)
	row("Court", d.Court)
	row("Case number", d.CaseNumber)
	for _, t := range d.Targets {
		notice := "notice " + t.Notice
		if t.NoticeOn != "" {
			notice += " " + t.NoticeOn
		}
		row("Target", "@"+t.Handle+" ("+notice+")")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	section := func(title, body string) {
		if strings.TrimSpace(body) != "" {
			fmt.Fprintf(w, "%s:\n  %s\n", title, strings.ReplaceAll(strings.TrimSpace(body), "\n", "\n  "))
		}
	}
	section("Data requested", d.DataRequested)
	section("Notes", d.Notes)
	fmt.Fprintln(w, "History:")
	for _, e := range d.History {
		fmt.Fprintf(w, "  %s  %s", e.On, legal.Label(e.Status))
		if e.Note != "" {
			fmt.Fprintf(w, "  %s", oneLine(e.Note))
		}
		fmt.Fprintln(w)
	}
	if len(d.Documents) > 0 {
		fmt.Fprintln(w, "Documents:")
		for _, doc := range d.Documents {
			fmt.Fprintf(w, "  %s  %s  %s  %d bytes  sha256 %s\n", doc.ID, doc.Name, doc.MediaType, doc.Size, doc.SHA256)
		}
	}
	return nil
}
