package mastodon_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"publius/internal/servertest"
)

func TestInstance(t *testing.T) {
	env := servertest.Start(t)
	alice := env.Register(t, "alice")
	env.Post(t, alice, "one")
	host := strings.TrimPrefix(env.URL, "http://")

	v1 := env.Must(t, 200, "GET", "/api/v1/instance", "", nil).Map(t)
	for _, k := range []string{"uri", "title", "short_description", "description", "email", "version", "urls", "stats",
		"thumbnail", "languages", "registrations", "approval_required", "invites_enabled", "configuration", "contact_account", "rules"} {
		if _, ok := v1[k]; !ok {
			t.Errorf("v1 instance lacks %q", k)
		}
	}
	must(t, v1["uri"] == host, "uri %v", v1["uri"])
	must(t, regexp.MustCompile(`^4\.\d+\.\d+ \(compatible; Publius \d+\.\d+\.\d+\)$`).MatchString(v1["version"].(string)), "version %v", v1["version"])
	stats := v1["stats"].(map[string]any)
	must(t, num(stats["user_count"]) == 1 && num(stats["status_count"]) == 1, "stats %v", stats)
	sc := v1["configuration"].(map[string]any)["statuses"].(map[string]any)
	must(t, num(sc["max_characters"]) == 500, "max_characters %v", sc)

	v2 := env.Must(t, 200, "GET", "/api/v2/instance", "", nil).Map(t)
	for _, k := range []string{"domain", "title", "version", "source_url", "description", "usage", "thumbnail",
		"languages", "configuration", "registrations", "contact", "rules"} {
		if _, ok := v2[k]; !ok {
			t.Errorf("v2 instance lacks %q", k)
		}
	}
	must(t, v2["domain"] == host && v2["version"] == v1["version"], "v2 %v", v2)
	must(t, v2["registrations"].(map[string]any)["enabled"] == true, "registrations %v", v2["registrations"])
	for _, p := range []string{"/api/v1/instance/peers", "/api/v1/instance/rules", "/api/v1/custom_emojis"} {
		must(t, string(env.Must(t, 200, "GET", p, "", nil).Body) == "[]", "%s not an empty list", p)
	}
}

func TestNodeinfo(t *testing.T) {
	env := servertest.Start(t)
	idx := env.Must(t, 200, "GET", "/.well-known/nodeinfo", "", nil).Map(t)
	link := idx["links"].([]any)[0].(map[string]any)
	must(t, link["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.0", "rel %v", link["rel"])
	ni := env.Must(t, 200, "GET", strings.TrimPrefix(link["href"].(string), env.URL), "", nil).Map(t)
	sw := ni["software"].(map[string]any)
	must(t, sw["name"] == "publius" && sw["version"] != "", "software %v", sw)
	md, ok := ni["metadata"].(map[string]any)
	must(t, ok, "metadata missing: %v", ni)
	must(t, md["upstream"].(map[string]any)["name"] == "mastodon", "upstream %v", md)
	must(t, ni["version"] == "2.0" && ni["openRegistrations"] == true, "nodeinfo %v", ni)
	for _, k := range []string{"protocols", "services", "usage"} {
		must(t, ni[k] != nil, "nodeinfo lacks %q", k)
	}
}

func TestWebfinger(t *testing.T) {
	env := servertest.Start(t)
	env.Register(t, "alice")
	host := strings.TrimPrefix(env.URL, "http://")
	for _, res := range []string{"acct:alice@" + host, "acct:ALICE@" + host, "alice@" + host, env.URL + "/@alice", env.URL + "/users/alice"} {
		r := env.Must(t, 200, "GET", "/.well-known/webfinger?resource="+url.QueryEscape(res), "", nil)
		must(t, strings.HasPrefix(r.Header.Get("Content-Type"), "application/jrd+json"), "content type %q", r.Header.Get("Content-Type"))
		m := r.Map(t)
		must(t, m["subject"] == "acct:alice@"+host, "%s: subject %v", res, m["subject"])
		must(t, len(m["links"].([]any)) > 0, "no links")
	}
	for _, res := range []string{"", "acct:bob@" + host, "acct:alice@other.example", "acct:a-b@" + host, "acct:", "https://other.example/@alice"} {
		wantError(t, env.Do(t, "GET", "/.well-known/webfinger?resource="+url.QueryEscape(res), "", nil), 404)
	}
}

func TestHealthz(t *testing.T) {
	env := servertest.Start(t)
	m := env.Must(t, 200, "GET", "/healthz", "", nil).Map(t)
	must(t, m["status"] == "ok", "healthz %v", m)
}
