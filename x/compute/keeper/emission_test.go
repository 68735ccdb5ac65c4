package keeper_test

import (
	"strings"
	"testing"

	"github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// emissionEnv: params edited by edit before the first block (epoch 0's
// share is set aside in it); nodes 0 and 1 registered and assigned the
// halves of network job 1 in block 1.
func emissionEnv(t *testing.T, edit func(p *types.Params)) *env {
	e := setup(t)
	edit(&e.p)
	e.kv.Set(types.ParamsKey, e.p.Marshal())
	e.block(func(int64) {
		e.ok(0, register(0, 1_000_000))
		e.ok(1, register(1, 1_000_000))
		e.ok(0, &types.AcceptJob{JobID: 1})
		e.ok(1, &types.AcceptJob{JobID: 1})
	})
	return e
}

func countEvents(evs []keeper.Event, typ string) int {
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

func (e *env) emission(epoch uint64) types.EmissionEpoch {
	e.t.Helper()
	rec, found, err := keeper.GetEmissionEpoch(e.kv, epoch)
	require.NoError(e.t, err)
	require.True(e.t, found)
	return rec
}

// Epoch 0 mixes a PASS (16 units, contributors 6/5/5), a FAIL and a
// withheld reveal; its share 64,000,007 is divided over the PASS units
// only, and not before the withheld receipt's verdict (missed, at its
// deadline 17, after the epoch's end at 10). Rounding leaves 2 upingo,
// returned to the pool. Epoch 1 has no PASS unit: its whole share returns
// to the pool. The supply invariant and compute's totals hold after every
// block and tx (env.check).
func TestEmissionEpochMix(t *testing.T) {
	const share = 64_000_007
	e := emissionEnv(t, func(p *types.Params) {
		p.EpochEmission = u(share)
		p.JailAfterFails = 0
	})
	pass := e.work(1, 0, 0, 16, nil, 20, 21, 22)
	fail := e.work(1, 1, 32, 40, func(uint64) bool { return true }, 23)
	withheld := e.work(1, 1, 40, 48, nil, 24)
	e.block(func(int64) {
		e.ok(0, pass.Attest)
		e.ok(1, fail.Attest)
		e.ok(1, withheld.Attest)
	})
	require.Equal(t, uint64(3), e.emission(0).Pending)
	e.block(nil)
	e.block(func(int64) {
		e.reveal(9, pass)
		e.reveal(9, fail)
	})
	require.Equal(t, types.VerdictPass, e.receiptOf(pass).Verdict)
	require.Equal(t, types.VerdictFail, e.receiptOf(fail).Verdict)
	rec := e.emission(0)
	require.Equal(t, uint64(1), rec.Pending)
	require.Equal(t, uint64(16), rec.Units)
	require.Equal(t, uint64(4), rec.Accounts)
	deadline := e.receiptOf(withheld).Deadline
	require.Equal(t, uint64(17), deadline)
	for uint64(e.height) < deadline-1 {
		evs := e.block(nil)
		require.Zero(t, countEvents(evs, "emission_paid"), "height %d: paid before every verdict", e.height)
	}
	require.False(t, e.emission(0).Done)
	require.Equal(t, uint64(0), e.balance(addr(20)))
	evs := e.block(nil) // the deadline: missed, then the payout
	require.Equal(t, types.VerdictMissed, e.receiptOf(withheld).Verdict)
	require.Equal(t, 4, countEvents(evs, "emission_paid"))
	require.Equal(t, 1, countEvents(evs, "emission_close"))
	rec = e.emission(0)
	require.True(t, rec.Done)
	require.Equal(t, uint64(0), rec.Pending)
	require.Equal(t, uint64(share-2), rec.Distributed.Uint64())
	require.Equal(t, uint64(2), rec.Returned.Uint64())
	for _, c := range []struct {
		i    int
		want uint64
	}{{20, 19_200_002}, {21, 16_000_001}, {22, 16_000_001}, {23, 0}, {24, 0}} {
		require.Equal(t, c.want, e.balance(addr(c.i)), "contributor %d", c.i)
	}
	require.Equal(t, uint64(fundedBalance-1_000_000+12_800_001), e.balance(addr(0)))
	require.Equal(t, uint64(fundedBalance-1_000_000), e.balance(addr(1)), "the failing node earned nothing")

	// Epoch 1 (heights 11–20): no PASS unit; at 20 its share returns.
	pool0, _ := keeper.IncentivePool(e.kv)
	for e.height < 20 {
		e.block(nil)
	}
	rec1 := e.emission(1)
	require.True(t, rec1.Done)
	require.Equal(t, uint64(share), rec1.Returned.Uint64())
	require.Zero(t, rec1.Accounts)
	pool1, _ := keeper.IncentivePool(e.kv)
	require.Equal(t, pool0.Uint64()+share, pool1.Uint64())
}

// The payout is bounded per block (emission_payouts_per_block = 5) and
// walks the epoch's account list across its pages (66 accounts: 2 nodes,
// 64 one-unit contributors) in first-PASS order; paid weights and passed
// pages are deleted. Epoch 1's record waits behind epoch 0's in the queue.
func TestEmissionPayoutBatches(t *testing.T) {
	e := emissionEnv(t, func(p *types.Params) { p.EmissionPayoutsPerBlock = 5 })
	cs := make([]int, 64)
	for i := range cs {
		cs[i] = 100 + i
	}
	w0, w1 := e.work(1, 0, 0, 32, nil, cs[:32]...), e.work(1, 1, 32, 64, nil, cs[32:]...)
	e.block(func(int64) {
		e.ok(0, w0.Attest)
		e.ok(1, w1.Attest)
	})
	e.pass(w0, w1)
	rec := e.emission(0)
	require.Equal(t, uint64(66), rec.Accounts)
	require.Equal(t, uint64(64), rec.Units)
	for e.height < 9 {
		e.block(nil)
	}
	blocks := 0
	for !e.emission(0).Done {
		before := e.emission(0).Cursor
		evs := e.block(nil)
		blocks++
		require.LessOrEqual(t, countEvents(evs, "emission_paid"), 5)
		after := e.emission(0).Cursor
		require.Equal(t, min(before+5, 66), after, "height %d", e.height)
		if after > 64 {
			_, ok := e.kv.m[string(types.EmissionAccountsKey(0, 0))]
			require.False(t, ok, "page 0 deleted once passed")
		}
		require.Less(t, blocks, 20)
	}
	require.Equal(t, 14, blocks) // ⌈66 / 5⌉, from the epoch's last height 10
	require.Equal(t, int64(23), e.height)
	rec = e.emission(0)
	require.True(t, rec.Returned.IsZero())
	for _, c := range cs {
		require.Equal(t, uint64(800_000), e.balance(addr(c)), "contributor %d", c)
		require.Zero(t, e.weight(0, addr(c)))
	}
	for k := range e.kv.m {
		require.False(t, strings.HasPrefix(k, string(types.EmissionAccountsPrefix)), "every page deleted")
		require.False(t, strings.HasPrefix(k, string(types.EmissionWeightPrefix)), "every weight deleted")
	}
	// Epoch 1 ended at 20 while epoch 0 was paying; it is served next.
	require.False(t, e.emission(1).Done)
	e.block(nil)
	require.True(t, e.emission(1).Done)
	q, err := keeper.EmissionQueue(e.kv)
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, q, "only epoch 2 (from height 21) is left")
}
