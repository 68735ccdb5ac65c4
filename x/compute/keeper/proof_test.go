package keeper_test

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"testing"

	"github.com/pingo-chain/pingo/testutil"
	"github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// proofEnv: nodes 0 and 1 registered and assigned halves of network job 1
// (64 units; epoch 0's share 64e6 set aside), after block 1.
func proofEnv(t *testing.T) *env {
	e := setup(t)
	e.block(func(int64) {
		e.ok(0, register(0, 1_000_000))
		e.ok(1, register(1, 1_000_000))
		e.ok(0, &types.AcceptJob{JobID: 1})
		e.ok(1, &types.AcceptJob{JobID: 1})
	})
	return e
}

func hasEvent(evs []keeper.Event, typ string) bool {
	for _, ev := range evs {
		if ev.Type == typ {
			return true
		}
	}
	return false
}

// Attestation → pending (nothing paid) → no reveal before the beacon →
// beacon → reveal → PASS: weights accrued, NFTs credited, receipt final
// with k, beacon and sampled-index hash; paid from the epoch's share after
// the epoch.
func TestRevealPass(t *testing.T) {
	e := proofEnv(t)
	w := e.work(1, 0, 0, 32, nil, 20, 21)
	pool0, _ := keeper.IncentivePool(e.kv)
	e.block(func(int64) { e.ok(0, w.Attest) }) // height 2
	r := e.receiptOf(w)
	require.Equal(t, types.ReceiptPending, r.Status)
	require.Equal(t, uint64(8), r.K)
	require.Equal(t, uint64(2+5+10), r.Deadline)
	require.Equal(t, uint64(0), e.balance(addr(20)))
	require.Equal(t, uint64(32), e.job(1).UnitsPending)
	rec, _, err := keeper.GetEmissionEpoch(e.kv, 0)
	require.NoError(t, err)
	require.Equal(t, uint64(1), rec.Pending)
	// Same block as the beacon's height: the beacon of 3 is not settled.
	e.block(func(int64) {
		early := w.Reveal([]uint64{0, 1, 2, 3, 4, 5, 6, 7}, 0, 8)
		e.fail(9, early, types.ErrNoBeacon)
	})
	var sample []uint64
	e.block(func(int64) {
		sample = e.sampleOf(w)
		require.Len(t, sample, 8)
		evs := e.reveal(9, w)
		require.True(t, hasEvent(evs, "emission_accrue"))
		require.False(t, hasEvent(evs, "contributor_paid"))
	})
	r = e.receiptOf(w)
	require.Equal(t, types.ReceiptFinal, r.Status)
	require.Equal(t, types.VerdictPass, r.Verdict)
	require.Equal(t, uint64(3), r.BeaconHeight)
	require.Equal(t, types.Hash(testBeacon(3)), r.Beacon)
	require.Equal(t, keeper.SampleHash(sample), r.SampleHash)
	require.Equal(t, uint64(8), r.Revealed)
	require.Equal(t, uint64(16*8_000), e.weight(0, addr(20)))
	require.Equal(t, uint64(16), e.nftOf(addr(21)).Units)
	j := e.job(1)
	require.Equal(t, uint64(0), j.UnitsPending)
	require.Equal(t, uint64(32), j.UnitsDone)
	pool1, _ := keeper.IncentivePool(e.kv)
	require.True(t, pool0.Eq(&pool1))
	// A replayed reveal changes nothing.
	e.fail(9, w.Reveal(sample, 0, 8), types.ErrNotPending)
	// The only PASS units of the epoch take its whole 64e6: 20% to the
	// node, 25.6e6 to each contributor.
	rec = e.untilPaid(0)
	require.Equal(t, uint64(25_600_000), e.balance(addr(20)))
	require.Equal(t, uint64(25_600_000), e.balance(addr(21)))
	require.Equal(t, uint64(64_000_000), rec.Distributed.Uint64())
}

// A node that committed garbage for every unit: the well-formed reveal is
// a successful tx whose verdict is FAIL: the bond is slashed 10% (to the
// pool), nobody earns a weight; the epoch, without PASS units, returns its
// whole share to the pool.
func TestRevealWrongOutputFails(t *testing.T) {
	e := proofEnv(t)
	w := e.work(1, 0, 0, 32, func(uint64) bool { return true }, 20, 21)
	e.block(func(int64) { e.ok(0, w.Attest) })
	pool0, _ := keeper.IncentivePool(e.kv)
	e.block(nil)
	e.block(func(int64) {
		evs := e.reveal(9, w)
		require.True(t, hasEvent(evs, "node_slash"))
		require.False(t, hasEvent(evs, "contributor_paid"))
	})
	r := e.receiptOf(w)
	require.Equal(t, types.ReceiptFailed, r.Status)
	require.Equal(t, types.VerdictFail, r.Verdict)
	n0 := e.node(0)
	require.Equal(t, uint64(900_000), n0.Bond.Uint64())
	require.Equal(t, uint64(1), e.node(0).Slashes)
	require.False(t, e.node(0).Jailed)
	pool1, _ := keeper.IncentivePool(e.kv)
	require.Equal(t, pool0.Uint64()+100_000, pool1.Uint64(), "slash to the pool")
	require.Equal(t, uint64(0), e.weight(0, addr(20)))
	j := e.job(1)
	require.Equal(t, uint64(32), j.UnitsFailed)
	require.True(t, j.Escrow.IsZero())
	require.Equal(t, []types.Range{{Start: 0, End: 32}}, j.Assignments[0].Accepted, "the range stays spent")
	rec := e.untilPaid(0)
	require.Equal(t, uint64(64_000_000), rec.Returned.Uint64())
	pool2, _ := keeper.IncentivePool(e.kv)
	require.Equal(t, pool1.Uint64()+64_000_000, pool2.Uint64())
	require.Equal(t, uint64(0), e.balance(addr(20)))
}

// Forged or malformed reveals fail as txs (ProcessProposal rejects a block
// carrying them) and change nothing; in particular nobody but the node can
// produce a FAIL: a correct output under a wrong path, or a wrong digest
// under the node's path, does not fold to the signed sub-root.
func TestForgedRevealRejected(t *testing.T) {
	e := proofEnv(t)
	w := e.work(1, 0, 0, 32, nil, 20, 21)
	e.block(func(int64) { e.ok(0, w.Attest) })
	e.block(nil)
	e.block(func(int64) {
		s := e.sampleOf(w)
		good := w.Reveal(s, 0, 8)
		tamper := func(f func(m *types.Reveal)) *types.Reveal {
			m := w.Reveal(s, 0, 8)
			f(m)
			return m
		}
		e.fail(9, tamper(func(m *types.Reveal) { m.Openings[3].Digest[0] ^= 1 }), types.ErrRevealPath)
		e.fail(9, tamper(func(m *types.Reveal) { m.Openings[0].Path[5] ^= 1 }), types.ErrRevealPath)
		e.fail(9, tamper(func(m *types.Reveal) { m.Openings[1] = w.Opening(s[1] ^ 1) }), types.ErrRevealPath)
		e.fail(9, tamper(func(m *types.Reveal) { m.Openings[2].Path = kernel.EncodePath(nil) }), types.ErrRevealMalformed)
		e.fail(9, tamper(func(m *types.Reveal) { m.Openings[2].Path = m.Openings[2].Path[:10] }), types.ErrRevealMalformed)
		e.fail(9, tamper(func(m *types.Reveal) { m.Openings = nil }), types.ErrRevealMalformed)
		e.fail(9, tamper(func(m *types.Reveal) { m.AttestationID[0] ^= 1 }), types.ErrReceiptNotFound)
		e.fail(9, tamper(func(m *types.Reveal) { m.Openings = append(m.Openings, m.Openings[0]) }), types.ErrRevealOrder)
		e.ok(9, good)
	})
	require.Equal(t, types.VerdictPass, e.receiptOf(w).Verdict)
}

// Reveals in chunks must come in order: a replayed or re-ordered chunk
// fails with ErrRevealOrder and changes nothing; the last chunk gives the
// verdict; anything after it fails with ErrNotPending.
func TestRevealChunksReplayReorder(t *testing.T) {
	e := proofEnv(t)
	w := e.work(1, 1, 32, 64, nil, 22)
	e.block(func(int64) { e.ok(1, w.Attest) })
	e.block(nil)
	e.block(func(int64) {
		s := e.sampleOf(w)
		e.fail(9, w.Reveal(s, 4, 4), types.ErrRevealOrder)
		e.ok(9, w.Reveal(s, 0, 4))
		e.fail(9, w.Reveal(s, 0, 4), types.ErrRevealOrder)
		e.fail(9, w.Reveal(s, 2, 4), types.ErrRevealOrder)
		require.Equal(t, uint64(4), e.receiptOf(w).Revealed)
		require.Equal(t, types.ReceiptPending, e.receiptOf(w).Status)
		e.ok(9, w.Reveal(s, 4, 4))
		e.fail(9, w.Reveal(s, 4, 4), types.ErrNotPending)
		e.fail(9, w.Reveal(s, 0, 8), types.ErrNotPending)
	})
	require.Equal(t, types.VerdictPass, e.receiptOf(w).Verdict)
	require.Equal(t, uint64(32*8_000), e.weight(0, addr(22)), "accrued once")
}

// A withheld reveal: at the deadline the receipt fails as missed and the
// node is slashed; a reveal after the deadline is refused. Jailed at the
// jail_after_fails-th failure.
func TestWithheldRevealSlashed(t *testing.T) {
	e := proofEnv(t)
	e.p.JailAfterFails = 2
	e.kv.Set(types.ParamsKey, e.p.Marshal())
	w1 := e.work(1, 0, 0, 8, nil, 20)
	w2 := e.work(1, 0, 8, 16, nil, 20)
	e.block(func(int64) { e.ok(0, w1.Attest) })
	deadline := e.receiptOf(w1).Deadline
	e.block(func(int64) { e.ok(0, w2.Attest) })
	var sample []uint64
	for uint64(e.height) < deadline-1 {
		e.block(func(int64) { sample = e.sampleOf(w1) })
	}
	require.Equal(t, types.ReceiptPending, e.receiptOf(w1).Status)
	evs := e.block(nil) // the deadline
	require.True(t, hasEvent(evs, "node_slash"))
	r := e.receiptOf(w1)
	require.Equal(t, types.VerdictMissed, r.Verdict)
	require.Equal(t, types.ReceiptFailed, r.Status)
	require.Equal(t, uint64(3), r.BeaconHeight, "the beacon is recorded even without a reveal")
	n0 := e.node(0)
	require.Equal(t, uint64(900_000), n0.Bond.Uint64())
	require.False(t, e.node(0).Jailed)
	e.block(func(int64) { e.fail(0, w1.Reveal(sample, 0, 8), types.ErrNotPending) })
	require.Equal(t, types.VerdictMissed, e.receiptOf(w2).Verdict)
	e.height++
	e.fail(0, w2.Reveal([]uint64{8, 9, 10, 11, 12, 13, 14, 15}, 0, 8), types.ErrNotPending)
	require.Equal(t, uint64(2), e.node(0).Slashes)
	require.True(t, e.node(0).Jailed, "jailed at the second failure")
}

// No beacon in the window (not the node's fault): void at the deadline,
// escrow released, no slash.
func TestNoBeaconVoid(t *testing.T) {
	e := proofEnv(t)
	e.skipBeacons = true
	w := e.work(1, 0, 0, 8, nil, 20)
	e.block(func(int64) { e.ok(0, w.Attest) })
	e.block(nil)
	e.block(func(int64) { e.fail(9, w.Reveal([]uint64{0, 1, 2, 3, 4, 5, 6, 7}, 0, 8), types.ErrNoBeacon) })
	for uint64(e.height) < e.receiptOf(w).Deadline {
		e.block(nil)
	}
	r := e.receiptOf(w)
	require.Equal(t, types.VerdictVoid, r.Verdict)
	require.Equal(t, uint64(0), e.node(0).Slashes)
	require.Equal(t, uint64(8), e.job(1).UnitsFailed)
}

// The per-block verification budget: a reveal beyond it fails with
// ErrRevealBudget and fits the next block.
func TestRevealBudget(t *testing.T) {
	e := proofEnv(t)
	e.p.RevealBudget = 12
	e.kv.Set(types.ParamsKey, e.p.Marshal())
	w1, w2 := e.work(1, 0, 0, 16, nil, 20), e.work(1, 1, 32, 48, nil, 21)
	e.block(func(int64) { e.ok(0, w1.Attest); e.ok(1, w2.Attest) })
	e.block(nil)
	e.block(func(int64) {
		e.reveal(9, w1)
		s := e.sampleOf(w2)
		e.fail(9, w2.Reveal(s, 0, 8), types.ErrRevealBudget)
		e.ok(9, w2.Reveal(s, 0, 4)) // 8 + 4 = 12 fits
	})
	e.block(func(int64) {
		s := e.sampleOf(w2)
		e.ok(9, w2.Reveal(s, 4, 4))
	})
	require.Equal(t, types.VerdictPass, e.receiptOf(w2).Verdict)
}

// The sample is k distinct indices, ascending, all when fewer, and
// depends on both the beacon and the attestation id.
func TestSample(t *testing.T) {
	seed := keeper.SampleSeed([32]byte{1}, [32]byte{2})
	s := keeper.Sample(seed, 100, 8)
	require.Len(t, s, 8)
	for i := 1; i < len(s); i++ {
		require.Less(t, s[i-1], s[i])
	}
	require.Less(t, s[7], uint64(100))
	require.Equal(t, []uint64{0, 1, 2}, keeper.Sample(seed, 3, 8))
	require.NotEqual(t, s, keeper.Sample(keeper.SampleSeed([32]byte{1}, [32]byte{3}), 100, 8))
	require.NotEqual(t, s, keeper.Sample(keeper.SampleSeed([32]byte{4}, [32]byte{2}), 100, 8))
	// Every index is drawn about equally often (uniformity, 8 of 16 over
	// 4000 seeds: expected 2000 each).
	var counts [16]int
	for i := 0; i < 4000; i++ {
		var b [32]byte
		binary.BigEndian.PutUint64(b[:], uint64(i))
		for _, x := range keeper.Sample(b, 16, 8) {
			counts[x]++
		}
	}
	for i, c := range counts {
		require.InDelta(t, 2000, c, 200, "index %d", i)
	}
}

// A lazy node that skips each unit with probability f = 0.1 (garbage
// digest) is caught per attestation at rate 1-(1-f)^k with k = 8 — exactly
// that, since units are skipped independently of the sample — and every
// caught attestation slashes it. 300 attestations of 16 units, fixed
// seeds; the bound is 4 standard deviations.
func TestLazyNodeCaughtAtRate(t *testing.T) {
	const n, units, perBlock, f, k = 300, 16, 30, 0.1, 8
	e := proofEnv(t)
	e.p.JailAfterFails = 0
	e.p.FailSlashPpb = 1_000_000 // 0.1%, so the bond lasts
	e.kv.Set(types.ParamsKey, e.p.Marshal())
	first := e.work(1, 1, 32, 40, nil, 20) // earns 20 the NFT and the emission that pay for the job
	e.block(func(int64) { e.ok(1, first.Attest) })
	e.pass(first)
	e.untilPaid(0)
	var job uint64
	e.block(func(h int64) {
		e.ok(20, &types.SubmitJob{UnitKind: 1, SpecHash: specHash, Units: n * units, PricePerUnit: *u(1), MaxNodes: 1, Expiry: uint64(h) + 900})
		ids, err := keeper.ListPage(e.kv, types.ListJobsByOwner, types.AddrSubject(addr(20)), 0)
		require.NoError(t, err)
		job = ids[0]
		e.ok(0, &types.AcceptJob{JobID: job})
	})
	skip := func(idx uint64) bool {
		h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("lazy"), idx))
		return binary.BigEndian.Uint64(h[:8]) < uint64(f*float64(math.MaxUint64))
	}
	caught, lazy := 0, 0
	for b := 0; b < n/perBlock; b++ {
		ws := make([]*testutil.Work, perBlock)
		e.block(func(int64) {
			for i := range ws {
				start := uint64(b*perBlock+i) * units
				ws[i] = e.work(job, 0, start, start+units, skip, 20)
				e.ok(0, ws[i].Attest)
			}
		})
		e.block(nil)
		e.block(func(int64) {
			for _, w := range ws {
				slashes := e.node(0).Slashes
				e.reveal(9, w)
				r := e.receiptOf(w)
				if r.Verdict == types.VerdictFail {
					caught++
					require.Equal(t, slashes+1, e.node(0).Slashes, "caught and slashed")
				} else {
					require.Equal(t, types.VerdictPass, r.Verdict)
				}
				for idx := r.Start; idx < r.End; idx++ {
					if skip(idx) {
						lazy++
						break
					}
				}
			}
		})
	}
	want := 1 - math.Pow(1-f, k)
	got := float64(caught) / n
	sd := math.Sqrt(want * (1 - want) / n)
	t.Logf("caught %d of %d attestations (%d had skipped units): rate %.3f, expected 1-(1-f)^k = %.3f ± %.3f", caught, n, lazy, got, want, sd)
	require.InDelta(t, want, got, 4*sd)
	require.Equal(t, uint64(caught), e.node(0).Slashes)
}
