package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"publius/internal/legal"
	"publius/internal/servertest"
)

func TestAdminDisclose(t *testing.T) {
	env := servertest.Start(t)
	u := env.Register(t, "subject")
	env.Post(t, u, "a public post")

	code, out := runLegalCLI(t, "admin", "disclose", "@Subject", "--data", env.DataDir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var x legal.Export
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if x.Account.Handle != "subject" || len(x.Posts) != 1 || len(x.Tokens) != 1 {
		t.Errorf("export %+v", x)
	}
	// The API gives the owner the same export.
	api := env.Must(t, 200, "GET", "/api/v1/publius/me/disclosure", u.Token, nil).Body
	if !reflect.DeepEqual(decodeDisclosureJSON(t, string(api)), decodeDisclosureJSON(t, out)) {
		t.Errorf("CLI and API exports differ:\nCLI %s\nAPI %s", out, api)
	}
	code, out = runLegalCLI(t, "admin", "disclose", "subject", "--data", env.DataDir)
	if code != 0 || !strings.Contains(out, "Disclosure export for @subject") || !strings.Contains(out, "a public post") {
		t.Errorf("text: exit %d: %s", code, out)
	}
	for _, bad := range []string{"nobody", "not a handle!"} {
		if code, out := runLegalCLI(t, "admin", "disclose", bad, "--data", env.DataDir); code == 0 {
			t.Errorf("disclose %q: exit 0: %s", bad, out)
		}
	}
}

func decodeDisclosureJSON(t *testing.T, s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}
