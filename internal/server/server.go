// Package server wires Publius together: store, capability services, API
// and web handlers, middleware, and the HTTP server's lifecycle.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"publius/internal/account"
	"publius/internal/api/mastodon"
	"publius/internal/api/publius"
	"publius/internal/api/response"
	"publius/internal/config"
	"publius/internal/ratelimit"
	"publius/internal/store"
	"publius/internal/store/sqlite"
	"publius/internal/timeline"
	"publius/internal/web"
)

// Server is a running Publius instance.
type Server struct {
	Config    config.Config
	Store     store.Store
	Accounts  *account.Service
	Timelines *timeline.Service
	API       *mastodon.Handler
	Log       *slog.Logger

	mux     *http.ServeMux
	handler http.Handler
	// onStart hooks run in the background once the server listens.
	onStart []func(ctx context.Context)
}

// OpenStore opens the configured backend.
func OpenStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	return sqlite.Open(ctx, cfg.DataDir)
}

// New builds a Server over an open store. Logs go to logOut as JSON lines
// without a time: DESIGN.md allows request lines method, route, status and
// duration only, and a timestamped login line is a sub-day login time.
func New(ctx context.Context, cfg config.Config, st store.Store, logOut io.Writer) (*Server, error) {
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	accounts := account.NewService(st, cfg.Now)
	codes, err := accounts.NewCodes(ctx)
	if err != nil {
		return nil, fmt.Errorf("server: oauth codes: %w", err)
	}
	timelines := timeline.NewService(st, cfg.PublicURL, cfg.Host())
	limiter := ratelimit.Defaults(cfg.RateLimitScale)
	limiter.TrustProxies(cfg.Proxies)
	api := &mastodon.Handler{
		Config: cfg, Store: st, Accounts: accounts, Codes: codes, Timelines: timelines,
		Present: &mastodon.Presenter{BaseURL: cfg.PublicURL, Host: cfg.Host()},
		Limiter: limiter, Version: mastodon.VersionString,
	}
	s := &Server{Config: cfg, Store: st, Accounts: accounts, Timelines: timelines, API: api, Log: log,
		mux: http.NewServeMux()}
	api.Routes(s.mux)
	if err := publius.InstallMembership(ctx, s.mux, api); err != nil {
		return nil, err
	}
	webUI := &web.Handler{Config: cfg, Store: st, Accounts: accounts, Codes: codes, Timelines: timelines,
		Limiter: api.Limiter, Log: log}
	webUI.Routes(s.mux)
	publius.Mount(s.mux, s.OnStart, publius.Deps{Config: cfg, Store: st, Accounts: accounts, Timelines: timelines, Log: log})
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := pingStore(r.Context(), st); err != nil {
			response.Error(w, http.StatusServiceUnavailable, "store unavailable")
			return
		}
		response.OK(w, map[string]string{"status": "ok"})
	})
	if err := s.addLegal(ctx); err != nil {
		return nil, err
	}
	m := newMetrics()
	s.mux.Handle("GET /metrics", m)
	s.handler = countRequests(m, logRequests(log, recoverPanics(log, allowCORS(notFoundAsJSON(s.mux)))))
	return s, nil
}

// Mux exposes the router so extensions (membership, legal) can add routes.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// OnStart registers a background task started with the server.
func (s *Server) OnStart(fn func(ctx context.Context)) { s.onStart = append(s.onStart, fn) }

// Handler is the complete HTTP handler (for tests using httptest).
func (s *Server) Handler() http.Handler { return s.handler }

func pingStore(ctx context.Context, st store.Store) error {
	_, err := st.CountAccounts(ctx)
	return err
}

// notFoundAsJSON answers unknown API routes (and wrong methods) the way
// Mastodon does, with a JSON error instead of the mux's plain text.
func notFoundAsJSON(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" && isAPIPath(r.URL.Path) {
			response.NotFound(w)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func isAPIPath(p string) bool {
	for _, prefix := range []string{"/api/", "/oauth/", "/.well-known/", "/nodeinfo/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// recoverPanics turns a handler panic into a 500 and a log line with the
// stack, never with request data.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				response.Error(w, http.StatusInternalServerError, "Internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Serve listens on l until ctx is cancelled, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// The standard library's own error log can print client addresses.
		ErrorLog: slog.NewLogLogger(discardAddresses{s.Log.Handler()}, slog.LevelWarn),
	}
	bg, cancelBG := context.WithCancel(ctx)
	defer cancelBG()
	for _, fn := range s.onStart {
		go fn(bg)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	s.Log.Info("listening", "addr", l.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	s.Log.Info("stopped")
	return err
}

// discardAddresses replaces net/http's internal error messages (TLS
// handshake errors and the like, which name the peer's address) with a
// fixed text.
type discardAddresses struct{ slog.Handler }

func (d discardAddresses) Handle(ctx context.Context, r slog.Record) error {
	clean := slog.NewRecord(r.Time, r.Level, "http server error (details withheld: they can contain client addresses)", 0)
	return d.Handler.Handle(ctx, clean)
}

// dropTime removes the record time from every log line.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
