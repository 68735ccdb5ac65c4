package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/stretchr/testify/require"
)

func newSnapApp(t *testing.T, dir string) *testutil.App {
	a, err := app.New(dir, app.Config{Tree: store.Options{CacheNodes: 10_000},
		Snapshots: app.SnapshotOptions{ChunkBytes: 16 << 10, KeepRecent: 2}}, log.NewNopLogger())
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	return &testutil.App{App: a, Dir: dir, T: t}
}

// A fresh node restores a snapshot through the four ABCI calls CometBFT makes
// and then executes the next block to the same AppHash as the source.
func TestSnapshotRestore(t *testing.T) {
	ctx := context.Background()
	src := newSnapApp(t, t.TempDir())
	raw, _ := json.Marshal(testutil.Genesis(3000, 1_000_000))
	_, err := src.InitChain(ctx, &abci.RequestInitChain{AppStateBytes: raw, InitialHeight: 1})
	require.NoError(t, err)
	for i := uint64(0); i < 5; i++ {
		src.Block(testutil.Transfer(testutil.Key(i), testutil.ChainID, 0, 10_000, testutil.Addr(testutil.Key(i+100)), 7))
	}
	require.NoError(t, src.TakeSnapshot(src.Height))
	list, err := src.ListSnapshots(ctx, &abci.RequestListSnapshots{})
	require.NoError(t, err)
	require.Len(t, list.Snapshots, 1)
	snap := list.Snapshots[0]
	require.Greater(t, snap.Chunks, uint32(3), "want several chunks to exercise record boundaries")
	info, _ := src.Info(ctx, &abci.RequestInfo{})

	restore := func(t *testing.T, appHash []byte, corrupt int) (*testutil.App, error) {
		dst := newSnapApp(t, t.TempDir())
		offer, err := dst.OfferSnapshot(ctx, &abci.RequestOfferSnapshot{Snapshot: snap, AppHash: appHash})
		require.NoError(t, err)
		require.Equal(t, abci.ResponseOfferSnapshot_ACCEPT, offer.Result)
		for i := uint32(0); i < snap.Chunks; i++ {
			c, err := src.LoadSnapshotChunk(ctx, &abci.RequestLoadSnapshotChunk{Height: snap.Height, Format: snap.Format, Chunk: i})
			require.NoError(t, err)
			chunk := c.Chunk
			if int(i) == corrupt {
				bad := append([]byte{}, chunk...)
				bad[len(bad)/2] ^= 1
				res, err := dst.ApplySnapshotChunk(ctx, &abci.RequestApplySnapshotChunk{Index: i, Chunk: bad, Sender: "evil"})
				require.NoError(t, err)
				require.Equal(t, abci.ResponseApplySnapshotChunk_RETRY, res.Result)
				require.Equal(t, []string{"evil"}, res.RejectSenders)
			}
			res, err := dst.ApplySnapshotChunk(ctx, &abci.RequestApplySnapshotChunk{Index: i, Chunk: chunk})
			if err != nil {
				return dst, err
			}
			require.Equal(t, abci.ResponseApplySnapshotChunk_ACCEPT, res.Result)
		}
		return dst, nil
	}

	t.Run("restores and continues identically", func(t *testing.T) {
		dst, err := restore(t, info.LastBlockAppHash, 2)
		require.NoError(t, err)
		dinfo, _ := dst.Info(ctx, &abci.RequestInfo{})
		require.Equal(t, info.LastBlockHeight, dinfo.LastBlockHeight)
		require.Equal(t, info.LastBlockAppHash, dinfo.LastBlockAppHash)
		require.NoError(t, dst.CheckInvariants())
		dst.Height = dinfo.LastBlockHeight
		tx := testutil.Transfer(testutil.Key(50), testutil.ChainID, 0, 10_000, testutil.Addr(testutil.Key(51)), 9)
		ts := time.Unix(1_800_000_000, 0)
		r1, err := src.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: [][]byte{tx}, Height: src.Height + 1, Time: ts})
		require.NoError(t, err)
		r2, err := dst.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: [][]byte{tx}, Height: dst.Height + 1, Time: ts})
		require.NoError(t, err)
		require.Equal(t, r1.AppHash, r2.AppHash)
		require.Zero(t, r2.TxResults[0].Code, r2.TxResults[0].Log)
	})
	t.Run("untrusted app hash is refused", func(t *testing.T) {
		wrong := append([]byte{}, info.LastBlockAppHash...)
		wrong[0] ^= 0xff
		_, err := restore(t, wrong, -1)
		require.ErrorContains(t, err, "trusted AppHash")
	})
	t.Run("bad offers", func(t *testing.T) {
		dst := newSnapApp(t, t.TempDir())
		bad := *snap
		bad.Format = 99
		r, _ := dst.OfferSnapshot(ctx, &abci.RequestOfferSnapshot{Snapshot: &bad, AppHash: info.LastBlockAppHash})
		require.Equal(t, abci.ResponseOfferSnapshot_REJECT_FORMAT, r.Result)
		bad = *snap
		bad.Hash = []byte("nope")
		r, _ = dst.OfferSnapshot(ctx, &abci.RequestOfferSnapshot{Snapshot: &bad, AppHash: info.LastBlockAppHash})
		require.Equal(t, abci.ResponseOfferSnapshot_REJECT, r.Result)
		c, _ := dst.ApplySnapshotChunk(ctx, &abci.RequestApplySnapshotChunk{Index: 0, Chunk: []byte{1}})
		require.Equal(t, abci.ResponseApplySnapshotChunk_ABORT, c.Result)
	})
}
