package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"publius/internal/config"
	"publius/internal/membership/merkle"
	"publius/internal/servertest"
	"publius/internal/store"
	"publius/internal/store/sqlite"
	"publius/internal/zk"
)

// BenchmarkBadgeClaim100k runs `publius badge claim` end to end (sync of
// 100,000 leaves in pages of 10,000, local path, proof, submission) against
// a real server. Target: 2 s. The proving key is downloaded once before
// timing (first_claim_s reports that first claim).
func BenchmarkBadgeClaim100k(b *testing.B) {
	const n, members = 100_000, 64
	if b.N > members-1 {
		b.Fatalf("run with -benchtime of at most %dx", members-1)
	}
	k, err := memberKeys()
	if err != nil {
		b.Fatal(err)
	}
	env := servertest.Start(b, func(c *config.Config) {
		if err := zk.WriteKeys(c.DataDir, k[0].(*zk.ProvingKey), k[1].(*zk.VerifyingKey)); err != nil {
			b.Fatal(err)
		}
	})
	cfgDir := b.TempDir()
	b.Setenv("PUBLIUS_CONFIG_DIR", cfgDir)
	db := env.Server.Store.(*sqlite.DB)
	g := &store.Group{Slug: "big", Name: "Big group"}
	if err := db.CreateGroup(b.Context(), g); err != nil {
		b.Fatal(err)
	}
	// Members with secrets sit at spread-out indexes among n leaves.
	leaves := make([]zk.Element, n)
	for i := range leaves {
		var x [32]byte
		binary.BigEndian.PutUint64(x[24:], uint64(i)+1)
		leaves[i].SetBytes(x[:])
	}
	idFiles := make([]string, members)
	for j := range idFiles {
		id, err := zk.NewIdentity()
		if err != nil {
			b.Fatal(err)
		}
		leaves[j*(n/members)+j] = id.Commitment()
		text, _ := id.MarshalText()
		idFiles[j] = filepath.Join(cfgDir, "id", string(rune('a'+j%26))+string(rune('a'+j/26)))
		os.MkdirAll(filepath.Dir(idFiles[j]), 0o700)
		if err := os.WriteFile(idFiles[j], text, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	tx, err := db.WriteDB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range leaves {
		c := leaves[i].Bytes()
		if _, err := tx.Exec(`INSERT INTO membership_leaves (group_id, idx, commitment) VALUES (?, ?, ?)`, g.ID, i, c[:]); err != nil {
			b.Fatal(err)
		}
	}
	tree, err := merkle.FromLeaves(append([]zk.Element(nil), leaves...))
	if err != nil {
		b.Fatal(err)
	}
	root := tree.Root()
	rb := root.Bytes()
	tx.Exec(`UPDATE membership_groups SET leaf_count = ?1, member_count = ?1, version = 1 WHERE id = ?2`, n, g.ID)
	if _, err := tx.Exec(`INSERT INTO membership_roots (group_id, seq, leaf_idx, root, size, created_on) VALUES (?, 1, ?, ?, ?, '2026-01-01')`, g.ID, n-1, rb[:], n); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	u := env.Register(b, "firstclaim")
	start := time.Now()
	if out, errOut, err := runMemberCLI(b, "badge", "claim", "big", "--identity", idFiles[members-1], "--server", env.URL, "--token", u.Token); err != nil {
		b.Fatalf("claim: %v\n%s%s", err, out, errOut)
	}
	first := time.Since(start).Seconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		u := env.Register(b, "member"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		b.StartTimer()
		out, errOut, err := runMemberCLI(b, "badge", "claim", "big", "--identity", idFiles[i], "--server", env.URL, "--token", u.Token)
		if err != nil || !strings.Contains(out, "one of 100000 members") {
			b.Fatalf("claim: %v\n%s%s", err, out, errOut)
		}
	}
	b.ReportMetric(first, "first_claim_s")
}
