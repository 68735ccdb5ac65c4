package keeper_test

import (
	"testing"

	"github.com/pingo-chain/pingo/app/store"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/types"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
	"github.com/stretchr/testify/require"
)

// On the app's overlays (store.Cache) a PASS stages its contributor
// credits beside the tx's writes: nothing reaches the NFT or the receipt
// list before EndBlock, a discarded tx's credits vanish with its writes,
// and EndBlock applies each contributor once (units and receipts summed,
// list in PASS order). A verdict also leaves the deadline queue with only
// the receipts still pending.
func TestCreditsStagedUntilEndBlock(t *testing.T) {
	e := proofEnv(t)
	w1 := e.work(1, 0, 0, 8, nil, 20, 21)
	w2 := e.work(1, 0, 8, 16, nil, 21, 22)
	w3 := e.work(1, 0, 16, 24, nil, 21, 23)
	e.block(func(int64) {
		e.ok(0, w1.Attest)
		e.ok(0, w2.Attest)
		e.ok(0, w3.Attest)
	})
	r1, r2, r3 := e.receiptOf(w1), e.receiptOf(w2), e.receiptOf(w3)
	queue := func(kv keeper.KV) []byte {
		b, err := kv.Get(types.DeadlineKey(r1.Deadline))
		require.NoError(t, err)
		return b
	}
	require.Equal(t, types.MarshalIDs([]uint64{r1.ID, r2.ID, r3.ID}), queue(e.kv))
	e.block(nil)

	// One block on the app's overlays, as app.executeBlock runs it.
	e.height++
	b := testBeacon(uint64(e.height - 1))
	e.kv.Set(beaconKey(uint64(e.height-1)), b[:])
	s1, s2, s3 := e.sampleOf(w1), e.sampleOf(w2), e.sampleOf(w3)
	blk := store.NewCache(e.kv)
	_, err := keeper.BeginBlock(blk, e.height)
	require.NoError(t, err)
	tx := func(w *testutil.Work, s []uint64, keep bool) {
		txc := store.NewCache(blk)
		_, err := keeper.Execute(txc, &e.p, &e.np, e.beacons, testHeader(9), w.Reveal(s, 0, len(s)), e.height)
		require.NoError(t, err)
		if keep {
			txc.Write()
		} else {
			txc.Discard()
		}
	}
	tx(w1, s1, true)
	tx(w2, s2, false) // a tx that failed later: its credits go with it
	tx(w3, s3, true)
	noNFT := func(a auth.Address) {
		id, err := nftkeeper.ByContributor(blk, a)
		require.NoError(t, err)
		require.Zero(t, id, "%s credited before the block's end", a)
	}
	for _, c := range []int{20, 21, 22, 23} {
		noNFT(addr(c))
	}
	require.Equal(t, types.MarshalIDs([]uint64{r2.ID}), queue(blk), "the queue keeps only the pending receipt")
	evs, err := keeper.EndBlock(blk, e.beacons, e.height)
	require.NoError(t, err)
	mints := 0
	for _, ev := range evs {
		if ev.Type == "nft_mint" {
			mints++
		}
	}
	require.Equal(t, 3, mints, "20, 21 and 23 minted at the block's end")
	noNFT(addr(22))
	blk.WriteTo(e.kv)
	e.check()

	n21 := e.nftOf(addr(21))
	require.Equal(t, uint64(2), n21.Receipts)
	require.Equal(t, r1.Shares[1].Units+r3.Shares[0].Units, n21.Units)
	ids, err := keeper.ListPage(e.kv, types.ListReceiptsByContrib, types.AddrSubject(addr(21)), 0)
	require.NoError(t, err)
	require.Equal(t, []uint64{r1.ID, r3.ID}, ids)
	require.Equal(t, uint64(1), e.nftOf(addr(20)).Receipts)
	// Mint order is first-credit order: 20 and 21 (w1), then 23 (w3).
	require.Less(t, e.nftOf(addr(21)).ID, e.nftOf(addr(23)).ID)
	require.Less(t, e.nftOf(addr(20)).ID, e.nftOf(addr(21)).ID)

	// w2, revealed again, passes in the next block; its verdict empties
	// the queue.
	e.block(func(int64) { e.reveal(9, w2) })
	require.Nil(t, queue(e.kv))
	require.Equal(t, uint64(3), e.nftOf(addr(21)).Receipts)
	require.Equal(t, uint64(1), e.nftOf(addr(22)).Receipts)
}
