package store_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"

	"github.com/pingo-chain/pingo/app/store"
	"github.com/stretchr/testify/require"
)

// The latest-state index against the tree it indexes: random blocks of
// sets and deletes over a small key space, committed as the app commits
// them (sorted flush through a Recorder, Commit, Advance); before and after
// every commit every key — present, deleted, never written — read through
// the index (over the working tree, as block execution reads it, and over
// the committed snapshot, as CheckTx reads it) equals the tree's bytes.
// Bounds from off to larger than the key space (complete: misses answered
// as absent without the tree); then a reopen whose warm-up
// walk fills a fresh index, checked the same way.
func TestHotMatchesTree(t *testing.T) {
	for _, max := range []int{0, 1, 17, 60, 1000} {
		t.Run(fmt.Sprint("max=", max), func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(7447 + max)))
			dir := t.TempDir()
			tr, err := store.OpenTree(dir, store.Options{CacheNodes: 10_000, PruneEvery: 1})
			require.NoError(t, err)
			h := store.NewHot(max)
			const keys = 120
			key := func(i int) []byte { return []byte(fmt.Sprintf("k%03d", i)) }
			check := func(v int64) {
				t.Helper()
				snap, err := tr.At(v)
				require.NoError(t, err)
				work, committed := h.Over(tr, v), h.Over(snap, v)
				// Read in a random order, twice, so hits and misses mix.
				for pass := 0; pass < 2; pass++ {
					for _, i := range rng.Perm(keys + 10) {
						want, err := tr.Get(key(i))
						require.NoError(t, err)
						for _, r := range []store.Reader{work, committed} {
							got, err := r.Get(key(i))
							require.NoError(t, err)
							require.True(t, bytes.Equal(want, got), "v%d %s: index %q, tree %q", v, key(i), got, want)
						}
					}
				}
				if max > 0 {
					require.LessOrEqual(t, h.Len(), max)
				}
			}
			for b := 0; b < 40; b++ {
				v := tr.Version()
				c := store.NewCache(h.Over(tr, v))
				for n := rng.Intn(25); n > 0; n-- {
					i := rng.Intn(keys)
					if rng.Intn(4) == 0 {
						c.Delete(key(i))
					} else {
						c.Set(key(i), []byte(fmt.Sprintf("v%d-%d-%d", b, i, rng.Intn(1000))))
					}
				}
				rec := &store.Recorder{W: tr}
				c.WriteTo(rec)
				_, nv, err := tr.Commit()
				require.NoError(t, err)
				h.Advance(nv-1, rec.Writes)
				check(nv)
			}
			// Larger than the key space: it followed every commit from
			// version 0, so its misses were answered as absent above.
			require.Equal(t, max >= 1000, h.Complete())
			require.NoError(t, tr.Close())

			tr, err = store.OpenTree(dir, store.Options{CacheNodes: 10_000, PruneEvery: 1})
			require.NoError(t, err)
			defer tr.Close()
			h = store.NewHot(max)
			v := tr.Version()
			h.Over(tr, v)
			n, err := tr.Warm(nil, h)
			require.NoError(t, err)
			require.Equal(t, tr.Size(), n)
			if max > 0 {
				require.Equal(t, min(int(tr.Size()), max), h.Len(), "the walk fills the index up to its bound")
			}
			check(v)
		})
	}
}

// The warm-up walk fills nothing once a block was committed after its
// snapshot (its values could be stale): Fill refuses another version.
func TestWarmAfterCommitFillsNothing(t *testing.T) {
	tr, err := store.OpenTree(t.TempDir(), store.Options{CacheNodes: 10_000, PruneEvery: 1})
	require.NoError(t, err)
	defer tr.Close()
	tr.Set([]byte("a"), []byte("1"))
	_, v, err := tr.Commit()
	require.NoError(t, err)
	h := store.NewHot(100)
	h.Over(tr, v+1) // the index already follows a later version
	n, err := tr.Warm(nil, h)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	require.Zero(t, h.Len())
}
