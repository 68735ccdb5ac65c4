package app_test

import (
	"encoding/binary"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

func blockEvents(res *abci.ResponseFinalizeBlock, typ string) []map[string]string {
	var out []map[string]string
	for _, ev := range res.Events {
		if ev.Type != typ {
			continue
		}
		m := map[string]string{}
		for _, a := range ev.Attributes {
			m[a.Key] = a.Value
		}
		out = append(out, m)
	}
	return out
}

func emissionRecord(t *testing.T, a *testutil.App, epoch uint64) compute.EmissionEpoch {
	t.Helper()
	rec, err := compute.UnmarshalEmissionEpoch(biQuery(t, a, "/compute/emission/"+itoa(epoch), 0, false).Value)
	require.NoError(t, err)
	return rec
}

// Pooled emission across epoch boundaries through the whole app (blocks
// with vote extensions and x/bridge beacons; the supply invariant and
// compute's totals checked after every block by testutil.App):
//
//   - epoch 0 (heights 1–10): a PASS of [0, 16) (contributors 20, 21), a
//     FAIL (22) and a withheld reveal (23) — its 64e6 is paid only after
//     the withheld receipt's deadline (missed), wholly to the PASS units;
//   - epoch 1 (11–20): a PASS of 8 units of its job by contributor 24 —
//     its 64e6 goes to those 8 units;
//   - epoch 2 (21–30): nothing attested — its share returns to the pool.
func TestPooledEmissionAcrossEpochs(t *testing.T) {
	g := testutil.ComputeGenesis(3, cFunded, cPool)
	g.Compute.Params.JailAfterFails = 0
	a := testutil.NewApp(t, g)
	n0, n1 := testutil.Key(0), testutil.Key(1)
	reg := &compute.RegisterNode{Endpoint: "https://cdn.example", Region: "eu", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(1_000)}
	cOK(t, a, cTx(n0, 0, reg), cTx(n1, 0, reg), cTx(n0, 1, &compute.AcceptJob{JobID: 1}), cTx(n1, 1, &compute.AcceptJob{JobID: 1}))
	seed0 := computekeeper.NetworkSeed(0, 0)
	pass := testutil.DoWork(testutil.ChainID, 1, seed0, testutil.Addr(n0), 0, 16, 100, cKeys(20, 21), nil)
	fail := testutil.DoWork(testutil.ChainID, 1, seed0, testutil.Addr(n1), 32, 40, 100, cKeys(22), func(uint64) bool { return true })
	withheld := testutil.DoWork(testutil.ChainID, 1, seed0, testutil.Addr(n1), 40, 48, 100, cKeys(23), nil)
	cOK(t, a, cTx(n0, 2, pass.Attest), cTx(n1, 2, fail.Attest), cTx(n1, 3, withheld.Attest)) // height 2
	cOK(t, a)
	cOK(t, a)
	r1, err := compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/1", 0, false).Value)
	require.NoError(t, err)
	r2, err := compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/2", 0, false).Value)
	require.NoError(t, err)
	cOK(t, a, cTx(n0, 3, revealOf(t, a, pass, r1)), cTx(n1, 4, revealOf(t, a, fail, r2))) // height 5
	rec := emissionRecord(t, a, 0)
	require.Equal(t, uint64(16), rec.Units)
	require.Equal(t, uint64(1), rec.Pending, "the withheld receipt")
	w := biQuery(t, a, "/compute/emission/0/"+testutil.Addr(testutil.Key(20)).Hex(), 0, false).Value
	require.Equal(t, uint64(8*8_000), binary.BigEndian.Uint64(w))

	// Past the epoch's end (10) nothing is paid until the deadline 17.
	for a.Height < 16 {
		res := cBlock(t, a)
		require.Empty(t, blockEvents(res, "emission_paid"), "height %d", a.Height)
	}
	require.Equal(t, uint64(0), biBalance(t, a, testutil.Addr(testutil.Key(20))))
	// Epoch 1's job (2) opened at 11; node 0 takes it and passes [0, 8).
	cOK(t, a, cTx(n0, 4, &compute.AcceptJob{JobID: 2})) // height 17: the deadline
	rec = emissionRecord(t, a, 0)
	require.True(t, rec.Done, "paid in the deadline's block")
	require.Equal(t, uint64(64_000_000), rec.Distributed.Uint64())
	for _, c := range []struct {
		key  uint64
		want uint64
	}{{20, 25_600_000}, {21, 25_600_000}, {22, 0}, {23, 0}} {
		require.Equal(t, c.want, biBalance(t, a, testutil.Addr(testutil.Key(c.key))), "contributor %d", c.key)
	}
	w1 := testutil.DoWork(testutil.ChainID, 2, computekeeper.NetworkSeed(1, 0), testutil.Addr(n0), 0, 8, 100, cKeys(24), nil)
	cOK(t, a, cTx(n0, 5, w1.Attest)) // 18
	cOK(t, a)
	cOK(t, a)
	r3, err := compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/4", 0, false).Value)
	require.NoError(t, err)
	require.Equal(t, uint64(2), r3.JobID)
	nodeBefore := biBalance(t, a, testutil.Addr(n0))
	res := cBlock(t, a, cTx(n0, 6, revealOf(t, a, w1, r3))) // 21: epoch 2 opens; epoch 1 (ended 20) pays here
	paid := blockEvents(res, "emission_paid")
	require.Len(t, paid, 2)
	require.Equal(t, "1", paid[0]["epoch"])
	require.Equal(t, uint64(51_200_000), biBalance(t, a, testutil.Addr(testutil.Key(24))))
	require.Equal(t, nodeBefore+12_800_000-biMinFee, biBalance(t, a, testutil.Addr(n0)))

	pool := func() uint64 {
		return new(uint256.Int).SetBytes(biQuery(t, a, "/compute/incentive_pool", 0, false).Value).Uint64()
	}
	before := pool()
	for a.Height < 30 {
		cOK(t, a)
	}
	rec2 := emissionRecord(t, a, 2)
	require.True(t, rec2.Done)
	require.Equal(t, uint64(64_000_000), rec2.Returned.Uint64())
	require.Equal(t, before+64_000_000, pool(), "epoch 2's unearned share is back")
	total := biQuery(t, a, "/compute/emission_total", 0, false).Value
	require.True(t, new(uint256.Int).SetBytes(total).IsZero(), "nothing set aside between epochs 2 and 3")
}

// cBlock runs a block whose txs must all succeed and returns its result.
func cBlock(t *testing.T, a *testutil.App, txs ...[]byte) *abci.ResponseFinalizeBlock {
	t.Helper()
	res := a.Block(txs...)
	for i, r := range res.TxResults {
		require.Equal(t, uint32(0), r.Code, "tx %d: %s", i, r.Log)
	}
	return res
}
