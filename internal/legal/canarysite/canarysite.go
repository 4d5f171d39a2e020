// Package canarysite stores the signed warrant canary in the data directory
// and serves it: /canary.json and /canary.txt (the signed forms), /canary
// (an HTML page that shows an expired or broken canary loudly) and
// /.well-known/publius-canary.pub (the instance's public key). The server
// only ever serves what the operator signed with `publius admin canary
// sign`; it never re-signs by itself.
package canarysite

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"publius/internal/legal/canary"
)

// FileName is the signed canary's name inside the data directory.
const FileName = "canary.json"

// KeyPath is where the public key is published.
const KeyPath = "/.well-known/publius-canary.pub"

// ErrNoCanary means the operator has not signed a canary yet.
var ErrNoCanary = errors.New("no warrant canary has been signed yet (the operator runs `publius admin canary sign`)")

// Save writes c to dataDir/canary.json atomically, so the server never
// serves half a file.
func Save(dataDir string, c canary.Canary) error {
	tmp, err := os.CreateTemp(dataDir, ".canary-*.json")
	if err != nil {
		return fmt.Errorf("canary: save: %w", err)
	}
	_, err = tmp.Write(c.JSON())
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644) // public data
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dataDir, FileName))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("canary: save: %w", err)
	}
	return nil
}

// Load reads the signed canary's bytes; ErrNoCanary when there is none.
func Load(dataDir string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoCanary
	}
	if err != nil {
		return nil, fmt.Errorf("canary: load: %w", err)
	}
	return data, nil
}

// Handler serves the canary. Now is injectable for tests (nil: wall clock).
type Handler struct {
	DataDir   string
	PublicKey ed25519.PublicKey
	Instance  string // title shown on the page
	Now       func() time.Time
}

// Routes registers the canary routes.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /canary.json", h.json)
	mux.HandleFunc("GET /canary.txt", h.text)
	mux.HandleFunc("GET /canary", h.page)
	mux.HandleFunc("GET "+KeyPath, h.publicKey)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// loadOrFail writes a plain-text error and returns false when there is no
// canary to serve.
func (h *Handler) loadOrFail(w http.ResponseWriter) ([]byte, bool) {
	data, err := Load(h.DataDir)
	switch {
	case errors.Is(err, ErrNoCanary):
		plain(w, http.StatusNotFound, err.Error()+"\n")
		return nil, false
	case err != nil:
		plain(w, http.StatusInternalServerError, "the canary file could not be read\n")
		return nil, false
	}
	return data, true
}

// json serves the file exactly as signed and stored: any change to it on
// disk reaches verifiers unaltered.
func (h *Handler) json(w http.ResponseWriter, r *http.Request) {
	data, ok := h.loadOrFail(w)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(data)
}

func (h *Handler) text(w http.ResponseWriter, r *http.Request) {
	data, ok := h.loadOrFail(w)
	if !ok {
		return
	}
	c, err := canary.ParseJSON(data)
	if err != nil {
		plain(w, http.StatusInternalServerError, "the stored canary is damaged and cannot be shown: "+err.Error()+"\n")
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	plain(w, http.StatusOK, c.Text())
}

func (h *Handler) publicKey(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	plain(w, http.StatusOK, canary.PublicKeyString(h.PublicKey)+"\n")
}

var pageTemplate = template.Must(template.New("canary").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Warrant canary · {{.Instance}}</title>
<link rel="stylesheet" href="/static/style.css">
<style>
.alarm { background: #a4161a; color: #fff; padding: 1.25rem; border-radius: 8px; margin: 1rem 0; }
.alarm h2 { font-size: 2rem; margin: 0 0 .5rem; text-transform: uppercase; }
.ok { background: #e6f2e6; border-left: 6px solid #2d6a2d; padding: .75rem 1rem; margin: 1rem 0; }
</style>
</head>
<body>
<header class="site"><a href="/" class="brand">{{.Instance}}</a></header>
<main>
<h1>Warrant canary</h1>
{{if .Missing}}
<div class="alarm" role="alert"><h2>No canary</h2><p>The operator of this server has not published a warrant canary.</p></div>
{{else if .Problem}}
<div class="alarm" role="alert"><h2>{{.Headline}}</h2><p>{{.Problem}}</p>
<p>Treat every statement below as withdrawn until a new, valid canary appears.</p></div>
{{else}}
<div class="ok">Valid: signed by this server's key, issued {{.Issued}}, valid through {{.Expires}}.</div>
{{end}}
{{with .Canary}}
<div class="card">
<ul>{{range .Statements}}<li><strong>{{.Code}}</strong>: {{.Text}}</li>{{end}}</ul>
<p>Issued {{$.Issued}}; expires at the end of {{$.Expires}}; next update by {{$.Next}}.</p>
<p>Freshness: {{.Freshness}}</p>
</div>
{{end}}
<p class="note">Signing key (Ed25519): <span class="code">{{.PublicKey}}</span>
Check it yourself: <code>publius canary verify {{.URL}} --pubkey KEY</code>.
Signed forms: <a href="/canary.txt">canary.txt</a>, <a href="/canary.json">canary.json</a>.</p>
</main>
</body>
</html>
`))

// page shows the canary for people. An expired or unverifiable canary is
// the page's headline, not a footnote.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	v := map[string]any{"Instance": h.Instance, "PublicKey": canary.PublicKeyString(h.PublicKey),
		"URL": "https://" + r.Host + "/canary.json"}
	status := http.StatusOK
	data, err := Load(h.DataDir)
	switch {
	case errors.Is(err, ErrNoCanary):
		v["Missing"], status = true, http.StatusNotFound
	case err != nil:
		v["Headline"], v["Problem"] = "Canary unreadable", "The canary file could not be read."
	default:
		c, perr := canary.ParseJSON(data)
		if perr != nil {
			v["Headline"], v["Problem"] = "Canary damaged", perr.Error()
			break
		}
		v["Canary"] = c
		v["Issued"], v["Expires"], v["Next"] = day(c.Issued), day(c.Expires), day(c.NextUpdate)
		now := h.now()
		if state, overdue := canary.Status(c, now); state == canary.StateExpired {
			v["Headline"] = fmt.Sprintf("Expired %d day(s) ago", overdue)
			v["Problem"] = fmt.Sprintf("This canary expired at the end of %s and is %d day(s) overdue. "+
				"The operator has not signed a new one.", day(c.Expires), overdue)
		} else if err := canary.Verify(c, h.PublicKey, now); err != nil {
			v["Headline"], v["Problem"] = "Canary does not verify", err.Error()
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	pageTemplate.Execute(w, v)
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
