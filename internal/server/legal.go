package server

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"publius/internal/legal/canary"
	"publius/internal/legal/canarysite"
)

// addLegal wires the disclosure export and the warrant canary: the signing
// key is created on first start (the server itself never signs), its public
// half goes into /api/v2/instance and /.well-known/publius-canary.pub.
func (s *Server) addLegal(ctx context.Context) error {
	key, err := canary.LoadOrCreateKey(s.Config.DataDir)
	if err != nil {
		return fmt.Errorf("server: canary key: %w", err)
	}
	pub := canary.PublicKeyString(key.Public().(ed25519.PublicKey))
	site := &canarysite.Handler{DataDir: s.Config.DataDir, PublicKey: key.Public().(ed25519.PublicKey),
		Instance: s.Config.InstanceTitle}
	site.Routes(s.mux)
	s.API.DisclosureRoutes(s.mux)
	next := s.API.InstanceHook
	s.API.InstanceHook = func(ctx context.Context, out map[string]any) {
		if next != nil {
			next(ctx, out)
		}
		ext, _ := out["publius"].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			out["publius"] = ext
		}
		ext["canary_public_key"] = pub
		ext["canary_url"] = s.Config.PublicURL + "/canary.json"
		ext["canary_key_url"] = s.Config.PublicURL + canarysite.KeyPath
		ext["disclosure_url"] = s.Config.PublicURL + "/api/v1/publius/me/disclosure"
	}
	return nil
}
