package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"publius/internal/account"
	"publius/internal/id"
	"publius/internal/store/sqlite"
)

// seedConfig says how big and how shaped the seeded data set is.
type seedConfig struct {
	Dir               string
	Accounts          int
	Posts             int
	ReaderFollows     int
	CelebFollowers    int
	SmallFollowers    int
	FollowsPerAccount int
	Days              int
	Posters           int
	RandSeed          uint64
	Force             bool
}

func (c *seedConfig) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.Dir, "data", "bench/results/tmp/data", "data directory to seed (created; must not hold a database unless -force)")
	fs.IntVar(&c.Accounts, "accounts", 160_000, "accounts in all (must exceed -celebrity-followers)")
	fs.IntVar(&c.Posts, "posts", 1_000_000, "posts, spread over accounts (Zipf) and over -days")
	fs.IntVar(&c.ReaderFollows, "reader-follows", 1000, "accounts the reader follows")
	fs.IntVar(&c.CelebFollowers, "celebrity-followers", 150_000, "followers of the celebrity")
	fs.IntVar(&c.SmallFollowers, "small-followers", 10, "followers of the small account")
	fs.IntVar(&c.FollowsPerAccount, "follows-per-account", 5, "random follows of every other account")
	fs.IntVar(&c.Days, "days", 90, "posts are spread over this many days before now")
	fs.IntVar(&c.Posters, "posters", 16, "accounts (with tokens) used by the concurrent posting clients")
	fs.Uint64Var(&c.RandSeed, "seed", 1, "random seed (the data set is deterministic apart from IDs' day digits and tokens)")
	fs.BoolVar(&c.Force, "force", false, "delete an existing database in -data first")
}

// benchAccount is one account the load phases act as.
type benchAccount struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Token  string `json:"token"`
}

// manifest is what seeding leaves beside the database for the load phases.
type manifest struct {
	Reader    benchAccount   `json:"reader"`
	Celebrity benchAccount   `json:"celebrity"`
	Small     benchAccount   `json:"small"`
	Posters   []benchAccount `json:"posters"`
	Accounts  int            `json:"accounts"`
	// Follower and following counts as seeded.
	ReaderFollows      int     `json:"reader_follows"`
	CelebrityFollowers int     `json:"celebrity_followers"`
	SmallFollowers     int     `json:"small_followers"`
	Posts              int     `json:"posts"`
	Follows            int     `json:"follows"`
	SeedSeconds        float64 `json:"seed_seconds"`
}

const manifestName = "bench-manifest.json"

func readManifest(dir string) (*manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, fmt.Errorf("read manifest (seed first): %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return &m, nil
}

// Fixed account indexes; every other index is an ordinary account.
const (
	idxReader    = 0
	idxCelebrity = 1
	idxSmall     = 2
	idxPoster0   = 3
)

// seed builds the data set with bulk SQL: the server's migrations first (via
// sqlite.Open), then big multi-row INSERTs in a few transactions, with every
// counter computed in memory so it matches the rows.
func seed(ctx context.Context, c seedConfig, logf func(string, ...any)) (*manifest, error) {
	start := time.Now()
	special := idxPoster0 + c.Posters
	switch {
	case c.Accounts-2 < c.CelebFollowers || c.Accounts <= special+c.ReaderFollows:
		return nil, fmt.Errorf("seed: -accounts %d must exceed -celebrity-followers %d and the reader's follows", c.Accounts, c.CelebFollowers)
	case c.SmallFollowers >= c.Accounts-special:
		return nil, fmt.Errorf("seed: too few accounts for -small-followers")
	case c.Posts < 1 || c.Days < 1:
		return nil, fmt.Errorf("seed: -posts and -days must be positive")
	}
	dbPath := filepath.Join(c.Dir, "publius.db")
	if _, err := os.Stat(dbPath); err == nil {
		if !c.Force {
			return nil, fmt.Errorf("seed: %s exists (use -force to replace it)", dbPath)
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
		}
	}
	// The server's own migrations make the schema.
	store, err := sqlite.Open(ctx, c.Dir)
	if err != nil {
		return nil, err
	}
	if err := store.Close(); err != nil {
		return nil, err
	}

	r := mrand.New(mrand.NewPCG(c.RandSeed, 0x9e3779b97f4a7c15))
	n := c.Accounts
	now := time.Now().UTC()
	today := now.Truncate(24 * time.Hour)

	// Accounts: IDs sorted so inserts append to the table's b-tree.
	ids := make([]int64, n)
	created := make([]string, n)
	seen := make(map[int64]bool, n)
	for i := range ids {
		day := today.AddDate(0, 0, -r.IntN(730))
		for {
			v := parseInt(id.AccountID(day))
			if !seen[v] {
				seen[v] = true
				ids[i] = v
				break
			}
		}
	}
	slices.Sort(ids)
	for i, v := range ids {
		created[i] = dayOfAccountID(v)
	}

	// Follows, as (follower index, target index) pairs.
	following := make([]int32, n)
	followers := make([]int32, n)
	var follows [][2]int32
	addFollow := func(f, t int) {
		follows = append(follows, [2]int32{int32(f), int32(t)})
		following[f]++
		followers[t]++
	}
	// The reader follows ordinary accounts only, so posting phases do not
	// change its home timeline.
	readerTargets := pickDistinct(r, special, n, c.ReaderFollows)
	for _, t := range readerTargets {
		addFollow(idxReader, t)
	}
	// The celebrity's followers: anyone but itself and the reader (whose
	// follows are exactly the ones above), up to the count.
	celebFans := make([]int, 0, n-2)
	for i := range n {
		if i != idxCelebrity && i != idxReader {
			celebFans = append(celebFans, i)
		}
	}
	r.Shuffle(len(celebFans), func(i, j int) { celebFans[i], celebFans[j] = celebFans[j], celebFans[i] })
	isFan := make([]bool, n)
	for _, f := range celebFans[:c.CelebFollowers] {
		isFan[f] = true
	}
	for _, f := range pickDistinct(r, special, n, c.SmallFollowers) {
		addFollow(f, idxSmall)
	}
	for f := range n {
		if isFan[f] {
			addFollow(f, idxCelebrity)
		}
		if f < special {
			continue // special accounts follow only what is set above
		}
		// Random follows among ordinary accounts (never the special ones,
		// whose follower counts are fixed).
		var mine []int
		for len(mine) < c.FollowsPerAccount {
			t := special + r.IntN(n-special)
			if t == f || slices.Contains(mine, t) {
				continue
			}
			mine = append(mine, t)
		}
		for _, t := range mine {
			addFollow(f, t)
		}
	}
	slices.SortFunc(follows, func(a, b [2]int32) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})

	// Posts: times uniform over the window, authors Zipf-distributed over a
	// random permutation of ordinary accounts (a few prolific, most quiet).
	// The special accounts post a few each, so their profiles look real.
	post := struct {
		author  []int32
		ids     []int64
		parent  []int32 // index of the replied-to post, -1 for none
		replies []int32
	}{make([]int32, c.Posts), make([]int64, c.Posts), make([]int32, c.Posts), make([]int32, c.Posts)}
	perm := r.Perm(n - special)
	zipf := mrand.NewZipf(mrand.New(mrand.NewPCG(c.RandSeed, 7)), 1.07, 10, uint64(n-special-1))
	statuses := make([]int32, n)
	lastStatus := make([]int64, n)
	times := make([]int64, c.Posts)
	window := int64(c.Days) * 24 * int64(time.Hour/time.Millisecond)
	end := now.Add(-time.Hour).UnixMilli()
	for i := range times {
		times[i] = end - r.Int64N(window)
	}
	slices.Sort(times)
	var last uint64
	for i := range c.Posts {
		v := uint64(times[i]) << 16
		if v <= last {
			v = last + 1
		}
		last = v
		post.ids[i] = int64(v)
		var a int
		if i%1000 < special {
			a = i % 1000 // each special account posts one in a thousand
		} else {
			a = special + perm[zipf.Uint64()]
		}
		post.author[i] = int32(a)
		statuses[a]++
		lastStatus[a] = int64(v)
		post.parent[i] = -1
		if i > 100 && r.IntN(10) == 0 { // one in ten is a reply to a recent post
			p := i - 1 - r.IntN(min(i, 5000))
			post.parent[i] = int32(p)
			post.replies[p]++
		}
	}
	logf("planned %d accounts, %d follows, %d posts in %s", n, len(follows), c.Posts, time.Since(start).Round(time.Millisecond))

	db, err := openBulk(dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	handle := func(i int) string {
		switch {
		case i == idxReader:
			return "bench_reader"
		case i == idxCelebrity:
			return "bench_celebrity"
		case i == idxSmall:
			return "bench_small"
		case i < special:
			return fmt.Sprintf("bench_poster%02d", i-idxPoster0)
		}
		return fmt.Sprintf("user%06d", i)
	}
	// Accounts get a passphrase hash that matches no passphrase: the load
	// phases use tokens, and argon2id for 160k accounts would take hours.
	const noPassphrase = "$argon2id$v=19$m=19456,t=2,p=1$c2VlZGVk$bm9wYXNzcGhyYXNl"
	t0 := time.Now()
	err = bulk(ctx, db, "accounts", []string{"id", "handle", "display_name", "note", "passphrase_hash",
		"created_on", "followers_count", "following_count", "statuses_count", "last_status_id"}, n,
		func(i int, row []any) {
			h := handle(i)
			row[0], row[1], row[2], row[3] = ids[i], h, "User "+h, "Seeded by the Publius benchmark."
			row[4], row[5], row[6], row[7] = noPassphrase, created[i], followers[i], following[i]
			row[8], row[9] = statuses[i], lastStatus[i]
		})
	if err != nil {
		return nil, err
	}
	logf("accounts: %d rows in %s", n, time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	err = bulk(ctx, db, "follows", []string{"follower_id", "target_id"}, len(follows), func(i int, row []any) {
		row[0], row[1] = ids[follows[i][0]], ids[follows[i][1]]
	})
	if err != nil {
		return nil, err
	}
	logf("follows: %d rows in %s", len(follows), time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	visibilities := []string{"public", "public", "public", "public", "public", "public", "public", "public", "unlisted", "private"}
	words := strings.Fields("the a federal agency memo budget policy today report office staff we they said new change rule data public court review notice plan week city state people")
	var text strings.Builder
	err = bulk(ctx, db, "statuses", []string{"id", "account_id", "text", "content", "visibility",
		"in_reply_to_id", "in_reply_to_account_id", "replies_count"}, c.Posts, func(i int, row []any) {
		text.Reset()
		fmt.Fprintf(&text, "Post %d:", i)
		for range 8 + r.IntN(25) {
			text.WriteByte(' ')
			text.WriteString(words[r.IntN(len(words))])
		}
		s := text.String()
		row[0], row[1], row[2] = post.ids[i], ids[post.author[i]], s
		row[3], row[4] = "<p>"+html.EscapeString(s)+"</p>", visibilities[r.IntN(len(visibilities))]
		row[5], row[6] = nil, nil
		if p := post.parent[i]; p >= 0 {
			row[5], row[6] = post.ids[p], ids[post.author[p]]
		}
		row[7] = post.replies[i]
	})
	if err != nil {
		return nil, err
	}
	logf("statuses: %d rows in %s", c.Posts, time.Since(t0).Round(time.Millisecond))

	// One app and a token per bench account, stored as the server stores
	// them (SHA-256 of the secret).
	m := &manifest{Accounts: n, Posts: c.Posts, Follows: len(follows), ReaderFollows: c.ReaderFollows,
		CelebrityFollowers: c.CelebFollowers, SmallFollowers: c.SmallFollowers}
	res, err := db.ExecContext(ctx, `INSERT INTO apps (name, redirect_uris, scopes, client_id, client_secret)
		VALUES ('publius-bench', 'urn:ietf:wg:oauth:2.0:oob', 'read write follow', ?, ?)`, randomSecret(), randomSecret())
	if err != nil {
		return nil, fmt.Errorf("seed: app: %w", err)
	}
	appID, _ := res.LastInsertId()
	issue := func(i int) (benchAccount, error) {
		secret := randomSecret()
		_, err := db.ExecContext(ctx, `INSERT INTO tokens (hash, app_id, account_id, scopes, created_on)
			VALUES (?, ?, ?, 'read write follow', ?)`, account.HashToken(secret), appID, ids[i], today.Format("2006-01-02"))
		return benchAccount{ID: id.Format(uint64(ids[i])), Handle: handle(i), Token: secret}, err
	}
	if m.Reader, err = issue(idxReader); err != nil {
		return nil, err
	}
	if m.Celebrity, err = issue(idxCelebrity); err != nil {
		return nil, err
	}
	if m.Small, err = issue(idxSmall); err != nil {
		return nil, err
	}
	for i := idxPoster0; i < special; i++ {
		p, err := issue(i)
		if err != nil {
			return nil, err
		}
		m.Posters = append(m.Posters, p)
	}
	// Back to the server's journal mode, with everything in the main file.
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode=WAL`); err != nil {
		return nil, fmt.Errorf("seed: journal mode: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	m.SeedSeconds = time.Since(start).Seconds()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(c.Dir, manifestName), b, 0o600); err != nil {
		return nil, err
	}
	return m, nil
}

// openBulk opens one connection tuned for loading: no journal, no fsync, no
// foreign-key checks (the generator keeps references valid), a big cache.
func openBulk(path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(OFF)", "synchronous(OFF)", "foreign_keys(0)",
		"cache_size(-262144)", "temp_store(MEMORY)", "secure_delete(0)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// bulk inserts count rows into table with multi-row INSERTs, committing
// every 200k rows; fill writes row i's values.
func bulk(ctx context.Context, db *sql.DB, table string, cols []string, count int, fill func(i int, row []any)) error {
	const perStmt = 500
	const perTx = 200_000
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	prefix := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	stmtFor := func(rows int) string {
		return prefix + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
	}
	for txStart := 0; txStart < count; txStart += perTx {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		full, err := tx.PrepareContext(ctx, stmtFor(perStmt))
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("seed: prepare %s: %w", table, err)
		}
		args := make([]any, perStmt*len(cols))
		txEnd := min(txStart+perTx, count)
		for i := txStart; i < txEnd; i += perStmt {
			rows := min(perStmt, txEnd-i)
			for j := range rows {
				fill(i+j, args[j*len(cols):(j+1)*len(cols)])
			}
			if rows == perStmt {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, stmtFor(rows), args[:rows*len(cols)]...)
			}
			if err != nil {
				tx.Rollback()
				return fmt.Errorf("seed: insert %s: %w", table, err)
			}
		}
		full.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// pickDistinct returns k distinct ints in [lo, hi).
func pickDistinct(r *mrand.Rand, lo, hi, k int) []int {
	chosen := make(map[int]bool, k)
	out := make([]int, 0, k)
	for len(out) < k {
		v := lo + r.IntN(hi-lo)
		if !chosen[v] {
			chosen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func parseInt(s string) int64 {
	var v int64
	for _, c := range s {
		v = v*10 + int64(c-'0')
	}
	return v
}

// dayOfAccountID recovers the creation day that id.AccountID put in the
// high digits.
func dayOfAccountID(v int64) string {
	days := v / 10_000_000_000_000
	return time.Unix(days*86400, 0).UTC().Format("2006-01-02")
}

func randomSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
