package app_test

import (
	"context"
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/stretchr/testify/require"
)

func bpApp(t *testing.T, blocks int) (*testutil.App, *int) {
	t.Helper()
	dir := t.TempDir()
	inner, err := app.New(dir, app.Config{MempoolBackpressureBlocks: blocks, Tree: store.Options{CacheNodes: 10_000}}, log.NewNopLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = inner.Close() })
	raw, err := json.Marshal(testutil.Genesis(3, biFunded))
	require.NoError(t, err)
	_, err = inner.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-test", AppStateBytes: raw, InitialHeight: 1})
	require.NoError(t, err)
	size := new(int)
	inner.SetMempoolSize(func() int { return *size })
	return &testutil.App{App: inner, Dir: dir, T: t}, size
}

// Back-pressure: with 2 blocks' worth allowed and a block's worth at its
// floor of 1,000 txs, a new tx is refused (mempool/2) from 2,000 waiting
// txs on, never a recheck, and never the same tx in a block; 0 turns it
// off; larger recent blocks raise the limit.
func TestMempoolBackpressure(t *testing.T) {
	a, size := bpApp(t, 2)
	transfer := func(nonce uint64) []byte {
		return testutil.Transfer(testutil.Key(0), testutil.ChainID, nonce, biMinFee, testutil.Addr(testutil.Key(1)), 1)
	}
	var accepted [][]byte
	for _, c := range []struct {
		size int
		typ  abci.CheckTxType
		code uint32
	}{
		{0, abci.CheckTxType_New, 0},
		{1_999, abci.CheckTxType_New, 0},
		{2_000, abci.CheckTxType_New, app.ErrMempoolBusy.Code()},
		{50_000, abci.CheckTxType_New, app.ErrMempoolBusy.Code()},
		{50_000, abci.CheckTxType_Recheck, 0},
	} {
		*size = c.size
		tx := transfer(uint64(len(accepted)))
		res, err := a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tx, Type: c.typ})
		require.NoError(t, err)
		require.Equal(t, c.code, res.Code, "size %d %s: %s", c.size, c.typ, res.Log)
		if c.code != 0 {
			require.Equal(t, app.MempoolCodespace, res.Codespace)
		} else {
			accepted = append(accepted, tx)
		}
	}
	// A block still takes a refused tx: back-pressure is the mempool's,
	// not consensus.
	fin := a.Block(append(accepted, transfer(uint64(len(accepted))))...)
	for i, r := range fin.TxResults[a.Injected:] {
		require.Equal(t, uint32(0), r.Code, "tx %d: %s", i, r.Log)
	}

	// Blocks of 3,000 txs raise a block's worth toward 3,000: after enough
	// of them, 4,500 waiting txs no longer count as two blocks' worth.
	next := transfer(uint64(len(accepted)) + 1)
	*size = 4_500
	require.Equal(t, app.ErrMempoolBusy.Code(), a.Check(next).Code)
	big := make([][]byte, 3_000)
	for i := range big {
		big[i] = []byte{0xff} // undecodable: FinalizeBlock counts, rejects them
	}
	for h := int64(0); h < 20; h++ {
		_, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Txs: big, Height: a.Height + 1, Time: biBlockTime(a.Height + 1)})
		require.NoError(t, err)
		_, err = a.Commit(context.Background(), &abci.RequestCommit{})
		require.NoError(t, err)
		a.Height++
	}
	require.Equal(t, uint32(0), a.Check(next).Code, "4,500 < 2 × ~3,000")

	off, size := bpApp(t, 0)
	*size = 1_000_000
	require.Equal(t, uint32(0), off.Check(transfer(0)).Code)
}
