package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// recentIndex is an in-memory copy of the newest part of the statuses_home
// index: for each author, the IDs of their non-direct statuses above floor.
// A home page then costs one map lookup per followed account instead of one
// B-tree seek, which is most of a page's time on SQLite.
//
// It is a cache, never the truth: this process adds and removes its own
// writes at once, a tail query picks up other processes' inserts, a status
// that turns out to be gone when its row is loaded is dropped, and anything
// at or below floor is read from the database.
type recentIndex struct {
	mu       sync.Mutex
	loaded   bool
	floor    int64             // statuses with id <= floor are not held
	synced   int64             // the tail query has read every id <= synced - recentSlack
	syncedAt time.Time         // when the tail query last ran
	byAuthor map[int64][]int64 // ascending status IDs
	count    int
	capacity int // statuses held at most; 0 means recentMax (tests set less)
}

func (x *recentIndex) max() int {
	if x.capacity > 0 {
		return x.capacity
	}
	return recentMax
}

const (
	// recentMax bounds the index: about 16 bytes per status, so a few MB.
	recentMax = 250_000
	// recentSlack re-reads this much below the newest ID seen, for inserts
	// whose ID was taken before a newer one but committed after it.
	recentSlack = int64(2000) << 16 // 2 s of IDs
	// recentSyncEvery bounds how often the tail query runs; this process's
	// own writes reach the index at once, so only other processes' (admin
	// commands) wait this long.
	recentSyncEvery = 200 * time.Millisecond
)

// ensure loads the index on first use and runs the tail query when due.
// It must be called with mu held.
func (x *recentIndex) ensure(ctx context.Context, db *DB) error {
	if !x.loaded {
		if err := x.load(ctx, db); err != nil {
			return err
		}
	}
	if time.Since(x.syncedAt) < recentSyncEvery {
		return nil
	}
	for {
		rows, err := db.read.QueryContext(ctx, `SELECT id, account_id FROM statuses
			WHERE id > ? AND visibility <> 'direct' ORDER BY id LIMIT 5000`, max(x.synced-recentSlack, x.floor))
		if err != nil {
			return fmt.Errorf("sqlite: recent statuses: %w", err)
		}
		n := 0
		for rows.Next() {
			var id, author int64
			if err := rows.Scan(&id, &author); err != nil {
				rows.Close()
				return err
			}
			x.add(author, id)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < 5000 {
			break
		}
	}
	x.syncedAt = time.Now()
	return nil
}

// load reads the newest recentMax statuses.
func (x *recentIndex) load(ctx context.Context, db *DB) error {
	rows, err := db.read.QueryContext(ctx, `SELECT id, account_id FROM statuses
		WHERE visibility <> 'direct' ORDER BY id DESC LIMIT ?`, x.max())
	if err != nil {
		return fmt.Errorf("sqlite: load recent statuses: %w", err)
	}
	defer rows.Close()
	x.byAuthor = map[int64][]int64{}
	x.count, x.floor, x.synced = 0, 0, 0
	oldest := int64(0)
	for rows.Next() {
		var id, author int64
		if err := rows.Scan(&id, &author); err != nil {
			return err
		}
		x.byAuthor[author] = append(x.byAuthor[author], id)
		x.count++
		x.synced = max(x.synced, id)
		oldest = id
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ids := range x.byAuthor {
		slices.Reverse(ids)
	}
	if x.count == x.max() {
		x.floor = oldest - 1 // older statuses may exist
	}
	x.loaded = true
	return nil
}

// add records a non-direct status; adding twice is a no-op.
func (x *recentIndex) add(author, id int64) {
	if !x.loaded || id <= x.floor {
		return
	}
	ids := x.byAuthor[author]
	i, found := slices.BinarySearch(ids, id)
	if found {
		return
	}
	x.byAuthor[author] = slices.Insert(ids, i, id)
	x.count++
	x.synced = max(x.synced, id)
	if x.count > x.max()+x.max()/10 {
		x.trim()
	}
}

// trim raises floor so that max() statuses stay.
func (x *recentIndex) trim() {
	all := make([]int64, 0, x.count)
	for _, ids := range x.byAuthor {
		all = append(all, ids...)
	}
	slices.Sort(all)
	x.floor = all[len(all)-x.max()-1]
	x.count = 0
	for author, ids := range x.byAuthor {
		i, _ := slices.BinarySearch(ids, x.floor+1)
		if i == len(ids) {
			delete(x.byAuthor, author)
			continue
		}
		x.byAuthor[author] = slices.Clone(ids[i:])
		x.count += len(ids) - i
	}
}

// remove forgets a status (deleted here or found gone).
func (x *recentIndex) remove(author, id int64) {
	ids := x.byAuthor[author]
	if i, found := slices.BinarySearch(ids, id); found {
		x.byAuthor[author] = slices.Delete(ids, i, i+1)
		x.count--
	}
}

// forgetAuthor drops every status of a deleted account.
func (x *recentIndex) forgetAuthor(author int64) {
	x.count -= len(x.byAuthor[author])
	delete(x.byAuthor, author)
}

// page returns up to limit status IDs by authors, newest first, in
// (since, upper), and whether the page is complete: false when the index
// may be missing statuses at or below floor that belong on it.
func (x *recentIndex) page(authors []int64, since, upper int64, limit int) (ids []int64, complete bool) {
	for _, a := range authors {
		list := x.byAuthor[a]
		end, _ := slices.BinarySearch(list, upper)
		for i := end - 1; i >= 0 && i >= end-limit && list[i] > since; i-- {
			ids = append(ids, list[i])
		}
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, len(ids) == limit || since >= x.floor
}
