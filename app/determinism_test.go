package app_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/stretchr/testify/require"
)

const (
	detKeys    = 8
	detBlocks  = 24
	detRestart = 10 // the restarted app is closed after this many blocks
)

// detGen produces random mempool contents from a seeded math/rand: mostly
// valid transfers and multisends, plus txs that must fail (stale or future
// nonces, unfunded amounts, low fees, bad signatures, junk) and so get
// dropped by PrepareProposal.
type detGen struct {
	rng    *rand.Rand
	nonces []uint64 // the generator's guess of each key's next nonce
}

func (g *detGen) addr(i int) auth.Address { return testutil.Addr(testutil.Key(uint64(i))) }

func (g *detGen) mempool(t testing.TB) (txs [][]byte, wantFail int) {
	n := 1 + g.rng.Intn(12)
	for i := 0; i < n; i++ {
		from := g.rng.Intn(detKeys)
		to := (from + 1 + g.rng.Intn(detKeys-1)) % detKeys
		key := testutil.Key(uint64(from))
		nonce := g.nonces[from]
		fee := uint64(biMinFee + g.rng.Intn(3)*1000)
		amount := uint64(1 + g.rng.Intn(50_000))
		switch kind := g.rng.Intn(20); {
		case kind < 10: // valid transfer
			txs = append(txs, testutil.Transfer(key, testutil.ChainID, nonce, fee, g.addr(to), amount))
			g.nonces[from]++
		case kind == 10: // valid withdrawal to TON (a leaf of the epoch's tree)
			txs = append(txs, wdTx(key, nonce, wdTo(byte(to)), uint256.NewInt(amount)))
			g.nonces[from]++
		case kind < 14: // valid multisend
			outs := make([]bank.Output, 1+g.rng.Intn(4))
			for j := range outs {
				outs[j] = bank.Output{To: g.addr((from + 1 + j) % detKeys), Amount: *uint256.NewInt(uint64(1 + g.rng.Intn(1000)))}
			}
			txs = append(txs, testutil.SignedTx(key, testutil.ChainID, nonce, fee, &bank.MultiSend{Outputs: outs}))
			g.nonces[from]++
		case kind == 14: // replay of an old nonce (or nonce too high at 0)
			if nonce == 0 {
				txs = append(txs, testutil.Transfer(key, testutil.ChainID, nonce+3, fee, g.addr(to), amount))
			} else {
				txs = append(txs, testutil.Transfer(key, testutil.ChainID, nonce-1, fee, g.addr(to), amount))
			}
			wantFail++
		case kind == 15: // future nonce
			txs = append(txs, testutil.Transfer(key, testutil.ChainID, nonce+1+uint64(g.rng.Intn(3)), fee, g.addr(to), amount))
			wantFail++
		case kind == 16: // more than anyone has
			txs = append(txs, testutil.Transfer(key, testutil.ChainID, nonce, fee, g.addr(to), 10*biFunded))
			wantFail++
		case kind == 17: // fee below min_fee
			txs = append(txs, testutil.Transfer(key, testutil.ChainID, nonce, biMinFee-1, g.addr(to), amount))
			wantFail++
		case kind == 18: // signed by another key
			tx := &auth.Tx{ChainID: testutil.ChainID, Msg: &bank.Transfer{To: g.addr(to), Amount: *uint256.NewInt(amount)}}
			tx.Nonce = nonce
			tx.Fee.SetUint64(fee)
			require.NoError(t, tx.Sign(testutil.Key(uint64(to))))
			tx.From = g.addr(from)
			txs = append(txs, biEncode(t, tx))
			wantFail++
		default: // junk
			junk := make([]byte, 1+g.rng.Intn(64))
			g.rng.Read(junk)
			txs = append(txs, junk)
			wantFail++
		}
	}
	return txs, wantFail
}

// detStep runs one height on a: PrepareProposal (only if proposer),
// ProcessProposal (must accept), FinalizeBlock, Commit, invariants. It
// returns the AppHash and a digest of the tx results.
func detStep(t testing.TB, a *testutil.App, txs [][]byte) (appHash []byte, results [32]byte) {
	t.Helper()
	ctx := context.Background()
	h := a.Height + 1
	pp, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: h, Time: biBlockTime(h)})
	require.NoError(t, err)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, pp.Status, "height %d", h)
	fin, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: txs, Height: h, Time: biBlockTime(h)})
	require.NoError(t, err)
	require.Len(t, fin.TxResults, len(txs))
	hs := sha256.New()
	for i, r := range fin.TxResults {
		require.Equal(t, uint32(0), r.Code, "height %d tx %d: %s", h, i, r.Log)
		b, err := r.Marshal()
		require.NoError(t, err)
		hs.Write(b)
	}
	_, err = a.Commit(ctx, &abci.RequestCommit{})
	require.NoError(t, err)
	a.Height = h
	require.NoError(t, a.CheckInvariants(), "height %d", h)
	info := biInfo(t, a)
	require.Equal(t, h, info.LastBlockHeight)
	require.Equal(t, fin.AppHash, info.LastBlockAppHash)
	return fin.AppHash, [32]byte(hs.Sum(nil))
}

func detPrepare(t testing.TB, a *testutil.App, mempool [][]byte) [][]byte {
	t.Helper()
	h := a.Height + 1
	prep, err := a.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{
		Txs: mempool, MaxTxBytes: 1 << 20, Height: h, Time: biBlockTime(h),
	})
	require.NoError(t, err)
	return prep.Txs
}

// TestDeterminism: apps in separate directories, fed the same genesis and
// blocks, agree on every AppHash and every tx result; one of them restarts
// midway from disk and still agrees. The apps read state differently: the
// proposer through the default latest-state index (store.Hot), the
// follower with the index off (every read descends the tree), the
// restarted one through an index of 5 entries (full almost at once, so
// most reads fall back to the tree) refilled by the warm-up walk on reopen.
func TestDeterminism(t *testing.T) {
	g := testutil.Genesis(detKeys, biFunded)
	g.Bridge.Params.EpochBlocks = 5   // checkpoints with withdrawal roots during the run
	proposer := testutil.NewApp(t, g) // runs PrepareProposal, then reuses it
	// executes in ProcessProposal only
	follower := testutil.NewAppWith(t, g, func(c *app.Config) { c.StateIndexEntries = -1 })
	tiny := func(c *app.Config) { c.StateIndexEntries, c.WarmCache = 5, true }
	restarted := testutil.NewAppWith(t, g, tiny)
	require.NotEqual(t, proposer.Dir, follower.Dir)

	gen := &detGen{rng: rand.New(rand.NewSource(20240601)), nonces: make([]uint64, detKeys)}
	var hashes [][]byte
	dropped, included := 0, 0
	for b := 0; b < detBlocks; b++ {
		mempool, wantFail := gen.mempool(t)
		// The mempool reaches CheckTx first; some of it is refused there.
		for _, tx := range mempool {
			_ = proposer.Check(tx)
		}
		block := detPrepare(t, proposer, mempool)
		require.LessOrEqual(t, len(block), len(mempool)-wantFail, "failing txs must be dropped")
		dropped += len(mempool) - len(block)
		included += len(block)
		h1, r1 := detStep(t, proposer, block)
		h2, r2 := detStep(t, follower, block)
		h3, r3 := detStep(t, restarted, block)
		require.Equal(t, h1, h2, "proposer and follower diverge at height %d", proposer.Height)
		require.Equal(t, h1, h3, "height %d", proposer.Height)
		require.Equal(t, r1, r2, "tx results diverge at height %d", proposer.Height)
		require.Equal(t, r1, r3)
		hashes = append(hashes, h1)
		// A valid-looking tx that PrepareProposal dropped (its sender spent
		// the funds earlier) desynchronises the nonce guess: resync.
		for i := range gen.nonces {
			gen.nonces[i] = biAccount(t, proposer, gen.addr(i)).Nonce
		}

		if b+1 == detRestart {
			info := biInfo(t, restarted)
			require.NoError(t, restarted.Close())
			restarted = testutil.OpenAppWith(t, restarted.Dir, tiny)
			again := biInfo(t, restarted)
			require.Equal(t, info.LastBlockHeight, again.LastBlockHeight)
			require.Equal(t, info.LastBlockAppHash, again.LastBlockAppHash)
			require.Equal(t, int64(detRestart), restarted.Height)
			require.NoError(t, restarted.CheckInvariants())
			// Queries after the restart see the same state as the
			// uninterrupted app, at the last and at earlier heights.
			for _, h := range []int64{0, 1, detRestart / 2, detRestart} {
				for i := 0; i < detKeys; i++ {
					p := "/auth/account/" + gen.addr(i).Hex()
					require.Equal(t, biQuery(t, proposer, p, h, false).Value, biQuery(t, restarted, p, h, false).Value, "%s @%d", p, h)
				}
			}
		}
	}
	require.Greater(t, dropped, 0, "the run must include failing txs")
	// Withdrawals went into checkpointed trees, identically on every app.
	require.NotNil(t, biQuery(t, proposer, "/bridge/withdrawal/1", 0, false).Value, "the run must include withdrawals")
	roots := 0
	for e := 1; e <= detBlocks/5; e++ {
		p := "/bridge/checkpoint/" + strconv.Itoa(e)
		cp := biQuery(t, proposer, p, 0, false).Value
		require.Equal(t, cp, biQuery(t, follower, p, 0, false).Value, p)
		r, err := bridge.UnmarshalCheckpoint(cp)
		require.NoError(t, err)
		if r.WithdrawalRoot != (bridge.Hash32{}) {
			roots++
		}
	}
	require.Positive(t, roots, "no checkpoint carried a withdrawal root")
	require.Greater(t, included, detBlocks, "the run must include valid txs")

	// Distinct states give distinct hashes: this run changed state in
	// (almost) every block.
	distinct := map[string]bool{}
	for _, h := range hashes {
		distinct[string(h)] = true
	}
	require.Greater(t, len(distinct), detBlocks/2)
	t.Logf("%d blocks, %d txs included, %d dropped, final AppHash %x", detBlocks, included, dropped, hashes[len(hashes)-1])
}

// TestDeterminismAcrossSeeds: the AppHash depends on the txs, not on
// anything else of the run (map order, time of day): replaying the same
// blocks in a fresh app reproduces the hash chain, while a different tx
// order gives a different chain.
func TestDeterminismAcrossSeeds(t *testing.T) {
	g := testutil.Genesis(detKeys, biFunded)
	run := func(seed int64) [][]byte {
		a := testutil.NewApp(t, g)
		gen := &detGen{rng: rand.New(rand.NewSource(seed)), nonces: make([]uint64, detKeys)}
		var out [][]byte
		for b := 0; b < 6; b++ {
			mempool, _ := gen.mempool(t)
			block := detPrepare(t, a, mempool)
			h, _ := detStep(t, a, block)
			out = append(out, h)
			for i := range gen.nonces {
				gen.nonces[i] = biAccount(t, a, gen.addr(i)).Nonce
			}
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	require.Equal(t, a, b)
	require.NotEqual(t, fmt.Sprintf("%x", a[len(a)-1]), fmt.Sprintf("%x", c[len(c)-1]))
}
