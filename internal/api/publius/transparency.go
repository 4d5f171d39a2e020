package publius

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"

	"publius/internal/api/response"
	"publius/internal/legal"
	"publius/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = map[string]*template.Template{}

func init() {
	for _, name := range []string{"transparency", "law_enforcement"} {
		pages[name] = template.Must(web.Layout().ParseFS(templateFS, "templates/"+name+".html"))
	}
}

// GuidelinesFile is the operator's own law-enforcement page in the data
// dir; it may use the same data and the "top"/"bottom" layout blocks.
const GuidelinesFile = "law-enforcement.html"

func (h *Handler) transparencyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/publius/transparency", h.transparencyJSON)
	mux.HandleFunc("GET /transparency", h.transparencyPage)
	mux.HandleFunc("GET /law-enforcement", h.guidelinesPage)
}

func (h *Handler) transparencyJSON(w http.ResponseWriter, r *http.Request) {
	rep, err := h.Registry.Report(r.Context(), h.Config.TransparencyRanges)
	if err != nil {
		fail(w, err)
		return
	}
	response.OK(w, rep)
}

func (h *Handler) transparencyPage(w http.ResponseWriter, r *http.Request) {
	rep, err := h.Registry.Report(r.Context(), h.Config.TransparencyRanges)
	if err != nil {
		h.pageError(w, err)
		return
	}
	h.render(w, pages["transparency"], "transparency.html", map[string]any{"Title": "Transparency report", "Report": rep})
}

func (h *Handler) guidelinesPage(w http.ResponseWriter, r *http.Request) {
	tmpl, name := h.guidelinesTemplate()
	h.render(w, tmpl, name, map[string]any{"Title": "Law enforcement guidelines", "Held": legal.Held,
		"NotHeld": legal.NotHeld, "BaseURL": h.Config.PublicURL, "Example": "handle"})
}

// guidelinesTemplate reads the operator's page on each request, so edits
// show at once. Without one, or when it does not parse, the embedded
// default serves (a broken edit must not take the page down).
func (h *Handler) guidelinesTemplate() (*template.Template, string) {
	fallback := pages["law_enforcement"]
	body, err := os.ReadFile(filepath.Join(h.Config.DataDir, GuidelinesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return fallback, "law_enforcement.html"
	}
	if err == nil {
		var t *template.Template
		if t, err = web.Layout().New(GuidelinesFile).Parse(string(body)); err == nil {
			return t, GuidelinesFile
		}
	}
	h.Log.Error("operator law-enforcement page unusable; serving the default", "file", GuidelinesFile, "err", err)
	return fallback, "law_enforcement.html"
}

// render runs the named template of t.
func (h *Handler) render(w http.ResponseWriter, t *template.Template, name string, data map[string]any) {
	data["Instance"] = h.Config.InstanceTitle
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		h.pageError(w, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
	hd.Set("Referrer-Policy", "no-referrer")
	w.Write(buf.Bytes())
}

func (h *Handler) pageError(w http.ResponseWriter, err error) {
	h.Log.Error("legal page", "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
