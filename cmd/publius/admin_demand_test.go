package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the publius command line and returns its output and error.
func run(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := run(t, stdin, args...)
	if err != nil {
		t.Fatalf("publius %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestAdminDemandCommands(t *testing.T) {
	t.Setenv("PUBLIUS_PUBLIC_URL", "https://pub.example")
	data := t.TempDir()
	mustRun(t, "correct horse battery staple\n", "admin", "account", "create", "alice", "--data", data, "--passphrase-stdin")

	out := mustRun(t, "", "admin", "demand", "add", "--data", data,
		"--agency", "U.S. Customs and Border Protection", "--office", "OPR", "--agent", "SA Doe",
		"--authority", "19 U.S.C. § 1509", "--process-type", "administrative_summons", "--delivery-method", "fax",
		"--received-on", "2017-03-14", "--deadline-on", "2017-03-13", "--target", "@alice",
		"--data-requested", "all records regarding the account", "--gag-order", "--gag-ends-on", "2999-12-31")
	for _, want := range []string{"Demand:", "administrative summons", "yes, until 2999-12-31", "@alice (notice delayed)", "2017-03-14  received"} {
		if !strings.Contains(out, want) {
			t.Errorf("add output lacks %q:\n%s", want, out)
		}
	}

	// add from a JSON file, with a flag overriding one field.
	file := filepath.Join(t.TempDir(), "demand.json")
	os.WriteFile(file, []byte(`{"agency": "FBI", "authority": "18 U.S.C. § 2703(d)", "process_type": "court_order",
		"delivery_method": "email", "received_on": "2026-01-05", "targets": ["alice"], "data_requested": "subscriber records"}`), 0o600)
	out = mustRun(t, "", "admin", "demand", "add", "--data", data, "-f", file, "--delivery-method", "portal", "--json")
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("add --json: %v\n%s", err, out)
	}
	if d["id"] != "2" || d["delivery_method"] != "portal" || d["agency"] != "FBI" {
		t.Fatalf("demand from file: %v", d)
	}
	if tg := d["targets"].([]any)[0].(map[string]any); tg["notice"] != "sent" {
		t.Fatalf("ungagged demand from the CLI: target %v, want notice sent", tg)
	}

	list := mustRun(t, "", "admin", "demand", "list", "--data", data)
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "2 ") || !strings.Contains(lines[2], "@alice") {
		t.Fatalf("list:\n%s", list)
	}

	out = mustRun(t, "", "admin", "demand", "update", "1", "--data", data, "--status", "challenged",
		"--court", "N.D. Cal.", "--case-number", "3:17-cv-01701", "--note", "motion to quash", "--on", "2017-03-20")
	if !strings.Contains(out, "2017-03-20  challenged  motion to quash") || !strings.Contains(out, "N.D. Cal.") {
		t.Fatalf("update output:\n%s", out)
	}
	mustRun(t, "", "admin", "demand", "update", "1", "--data", data, "--status", "withdrawn")
	out = mustRun(t, "", "admin", "demand", "show", "1", "--data", data)
	if !strings.Contains(out, "Status:       withdrawn") || !strings.Contains(out, "all records regarding the account") {
		t.Fatalf("show:\n%s", out)
	}

	doc := filepath.Join(t.TempDir(), "summons.txt")
	os.WriteFile(doc, []byte("summons"), 0o600)
	out = mustRun(t, "", "admin", "demand", "attach", "1", doc, "--data", data)
	if !strings.Contains(out, "sha256 ") {
		t.Fatalf("attach: %s", out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"update", "1", "--status", "complied"}, "cannot go from withdrawn to complied"},
		{[]string{"update", "2", "--status", "lost"}, `status "lost" is unknown`},
		{[]string{"update", "2"}, "nothing to update"},
		{[]string{"update", "2", "--deadline-on", "2026-1-9"}, "YYYY-MM-DD"},
		{[]string{"show", "99"}, `no demand "99"`},
		{[]string{"add", "--agency", "X", "--authority", "Y", "--process-type", "letter", "--delivery-method", "fax", "--received-on", "2026-01-01"}, "process_type"},
		{[]string{"add", "--agency", "X", "--authority", "Y", "--process-type", "subpoena", "--delivery-method", "fax", "--received-on", "2026-01-01", "--target", "ghost"}, "unknown account @ghost"},
		{[]string{"add", "-f", filepath.Join(t.TempDir(), "missing.json")}, "no such file"},
	} {
		args := append([]string{"admin", "demand"}, c.args...)
		args = append(args, "--data", data)
		out, err := run(t, "", args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("publius %s: err %v, want it to say %q (output %s)", strings.Join(c.args, " "), err, c.want, out)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"agencyy": "typo"}`), 0o600)
	if _, err := run(t, "", "admin", "demand", "add", "--data", data, "-f", bad); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("unknown field in JSON file: %v", err)
	}
	if list := mustRun(t, "", "admin", "demand", "list", "--data", data); strings.Count(list, "\n") != 3 {
		t.Fatalf("failed commands recorded demands:\n%s", list)
	}
}
