// Package web serves the server-rendered pages: the OAuth authorization
// form, and public pages for the instance, profiles and posts.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"publius/internal/account"
	"publius/internal/config"
	"publius/internal/ratelimit"
	"publius/internal/store"
	"publius/internal/timeline"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Handler serves the web pages.
type Handler struct {
	Config    config.Config
	Store     store.Store
	Accounts  *account.Service
	Codes     *account.Codes
	Timelines *timeline.Service
	Limiter   *ratelimit.Limiter
	Log       *slog.Logger
}

var pages = map[string]*template.Template{}

var funcs = template.FuncMap{
	// when shows a post's time in UTC to the minute: post times are public.
	"when":     func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
	"datetime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"month":    func(t time.Time) string { return t.UTC().Format("January 2006") },
}

func init() {
	for _, name := range []string{"authorize", "code", "error", "home", "profile", "status", "tag", "about"} {
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/posts.html", "templates/"+name+".html"))
	}
}

// Layout returns a fresh copy of the site layout (the "top" and "bottom"
// blocks), so pages served by other packages look like the rest of the site.
func Layout() *template.Template {
	return template.Must(template.ParseFS(templateFS, "templates/layout.html"))
}

// Routes registers the web routes.
func (h *Handler) Routes(mux *http.ServeMux) {
	sub, _ := fs.Sub(staticFS, "static")
	// /static/{file}, not /static/: a subtree pattern would conflict with /{at}/{id}.
	mux.Handle("GET /static/{file}", http.StripPrefix("/static/", cacheFor(24*time.Hour, http.FileServerFS(sub))))
	mux.HandleFunc("GET /static/avatar.png", servePNG(avatarPNG))
	mux.HandleFunc("GET /static/header.png", servePNG(headerPNG))
	mux.HandleFunc("GET /favicon.ico", servePNG(iconPNG)) // browsers ask for it on every site
	mux.HandleFunc("GET /oauth/authorize", h.authorizeForm)
	mux.HandleFunc("POST /oauth/authorize", h.authorize)
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /about", h.about)
	mux.HandleFunc("GET /tags/{name}", h.tag)
	mux.HandleFunc("GET /{at}", h.profile)
	mux.HandleFunc("GET /{at}/{id}", h.status)
}

func cacheFor(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+itoa(int(d.Seconds())))
		next.ServeHTTP(w, r)
	})
}

// render writes a private page (the authorization form and its answers),
// which no cache may keep.
func (h *Handler) render(w http.ResponseWriter, status int, name string, data map[string]any) {
	h.write(w, status, name, data, "no-store")
}

// publicPage writes a page that is the same for everyone.
func (h *Handler) publicPage(w http.ResponseWriter, status int, name string, data map[string]any) {
	h.write(w, status, name, data, publicCache)
}

// write renders a page with security headers that keep it from being
// framed, running scripts or leaking the URL (with a code) to other sites.
func (h *Handler) write(w http.ResponseWriter, status int, name string, data map[string]any, cacheControl string) {
	data["Instance"] = h.Config.InstanceTitle
	var buf bytes.Buffer
	// The set's root is layout.html, which only defines blocks: run the page.
	if err := pages[name].ExecuteTemplate(&buf, name+".html", data); err != nil {
		h.Log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self' *")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", cacheControl)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

var (
	avatarPNG = solidPNG(96, 96, color.RGBA{0x2a, 0x4d, 0x69, 0xff})
	headerPNG = solidPNG(600, 200, color.RGBA{0xd9, 0xd4, 0xc7, 0xff})
	iconPNG   = solidPNG(32, 32, color.RGBA{0x2a, 0x4d, 0x69, 0xff})
)

// solidPNG draws the default avatar and header: Publius stores no images.
func solidPNG(w, h int, c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func servePNG(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(b)
	}
}
