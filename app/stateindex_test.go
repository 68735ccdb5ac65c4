package app_test

import (
	"testing"

	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/stretchr/testify/require"
)

// The latest-state index (store.Hot) holds genesis's writes from the first
// commit on (so block execution and CheckTx find every funded account in
// it), stays within its bound, and is absent when turned off; unbounded by
// the state it is complete (a miss is an absent key).
func TestStateIndexFilledByGenesis(t *testing.T) {
	g := testutil.Genesis(40, biFunded)
	for _, tc := range []struct {
		name    string
		entries int
		min     int
		max     int
		// complete: it followed every commit from genesis and dropped
		// nothing, so misses are answered as absent.
		complete bool
	}{
		{"default", 0, 40, app.DefaultStateIndexEntries, true},
		{"bounded", 12, 12, 12, false},
		{"off", -1, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testutil.NewAppWith(t, g, func(c *app.Config) { c.StateIndexEntries = tc.entries })
			a.Block(testutil.Transfer(testutil.Key(0), testutil.ChainID, 0, biMinFee, testutil.Addr(testutil.Key(1)), 5))
			n := a.StateIndexLen()
			require.GreaterOrEqual(t, n, tc.min)
			require.LessOrEqual(t, n, tc.max)
			require.Equal(t, tc.complete, a.StateIndexComplete())
		})
	}
}

// A rollback replaces the tree under the index; the app must then compute
// exactly what an app that never had an index computes on the same
// history (blocks 1–2, then different blocks 3–5 than the rolled-back ones).
func TestStateIndexRollback(t *testing.T) {
	g := testutil.Genesis(4, biFunded)
	a := testutil.NewApp(t, g)
	ref := testutil.NewAppWith(t, g, func(c *app.Config) { c.StateIndexEntries = -1 })
	k0, k1, k2, k3 := testutil.Key(0), testutil.Key(1), testutil.Key(2), testutil.Key(3)
	for h := uint64(0); h < 2; h++ {
		blk := [][]byte{testutil.Transfer(k0, testutil.ChainID, h, biMinFee, testutil.Addr(k1), 100+h)}
		h1, _ := detStep(t, a, blk)
		h2, _ := detStep(t, ref, blk)
		require.Equal(t, h1, h2)
	}
	// Blocks 3–5 on a only: k0 pays k1, k2 pays k3.
	for h := uint64(2); h < 5; h++ {
		detStep(t, a, [][]byte{
			testutil.Transfer(k0, testutil.ChainID, h, biMinFee, testutil.Addr(k1), 7),
			testutil.Transfer(k2, testutil.ChainID, h-2, biMinFee, testutil.Addr(k3), 9),
		})
	}
	require.True(t, a.StateIndexComplete())
	require.NoError(t, a.RollbackTo(2))
	require.False(t, a.StateIndexComplete(), "a rollback ends completeness for good")
	a.Height = 2
	// The new history: k0 pays k2 and k3 pays k2 (the accounts the index
	// holds newer values of).
	for h := uint64(2); h < 5; h++ {
		blk := [][]byte{
			testutil.Transfer(k0, testutil.ChainID, h, biMinFee, testutil.Addr(k2), 3),
			testutil.Transfer(k3, testutil.ChainID, h-2, biMinFee, testutil.Addr(k2), 4),
		}
		for _, tx := range blk {
			require.Zero(t, a.Check(tx).Code)
		}
		h1, r1 := detStep(t, a, blk)
		h2, r2 := detStep(t, ref, blk)
		require.Equal(t, h1, h2, "height %d", a.Height)
		require.Equal(t, r1, r2)
	}
	for _, k := range []int{0, 1, 2, 3} {
		require.Equal(t, biAccount(t, ref, testutil.Addr(testutil.Key(uint64(k)))), biAccount(t, a, testutil.Addr(testutil.Key(uint64(k)))))
	}
}
