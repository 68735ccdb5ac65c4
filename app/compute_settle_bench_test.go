package app_test

// The full handling of an attestation since the proof layer (#5): Attest
// (pending receipt) in one block, and its settlement at PASS (payment to
// the node and 16 contributors, NFT credit, receipt lists, receipt final)
// in the Reveal's block — against two transfer blocks on the same chain,
// timed in every round: independent payments (each transfer writes the
// payer's and the payee's account: the figures without "ring") and the
// ring (each sender pays the next, so a transfer writes one account: the
// "ring" figures, the baseline before session 6).
// Signatures are verified before the timer (CheckTx does it before the
// block arrives); the reveal block's re-execution of the sampled units is
// timed separately (the same kernel calls, right after the block) and
// subtracted, so the figure is the state path. sample_k is 1 so a block
// of 512 reveals fits the default reveal budget (512 units).
//
//	PINGO_BENCH_MEMPOOL=1 go test -run '^$' -bench BenchmarkAttestationSettle -benchtime 10x ./app/
//
// PINGO_BENCH_ATTEST sets the attestations (reveals, transfers) per block;
// PINGO_BENCH_DEADLINE=1 puts a reveal deadline in every attest block;
// PINGO_BENCH_RECIPIENT_BLOCKS=n cycles the payments through n blocks' worth
// of recipients (default 1: as hot as the ring's); PINGO_BENCH_FILL=n adds
// n untouched accounts; PINGO_BENCH_VERBOSE=1 logs every round's ratios.

import (
	"context"
	"encoding/binary"
	"runtime"
	"runtime/pprof"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/testutil"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// workBlock is attestBlock with real work (DoWork), so the sample can be
// revealed.
func (c *attestBench) workBlock(perBlock int) ([][]byte, []*testutil.Work, []int) {
	txs := make([][]byte, 0, perBlock)
	works := make([]*testutil.Work, 0, perBlock)
	nodes := make([]int, 0, perBlock)
	for t := 0; t < perBlock; t++ {
		i := t % abNodes
		k := c.nodes[i]
		first := (c.round*perBlock + t) * 7 % abPool
		keys := c.contribs[:0:0]
		for j := 0; j < abContributors; j++ {
			keys = append(keys, c.contribs[(first+j)%abPool])
		}
		start := c.next[i]
		w := testutil.DoWork(testutil.ChainID, 1, compute.Hash{}, testutil.Addr(k), start, start+abContributors, 50_000, keys, nil)
		c.next[i] += abContributors
		txs = append(txs, testutil.SignedTx(k, testutil.ChainID, c.nonces[i], biMinFee, w.Attest))
		c.nonces[i]++
		works = append(works, w)
		nodes = append(nodes, i)
	}
	c.round++
	return txs, works, nodes
}

// revealBlock builds each work's reveal (sent by its node) from the
// receipt and the beacon in committed state, and the sampled indices.
func (c *attestBench) revealBlock(b testing.TB, works []*testutil.Work, nodes []int) ([][]byte, []uint64) {
	txs := make([][]byte, 0, len(works))
	var units []uint64
	for t, w := range works {
		rid := binary.BigEndian.Uint64(biQuery(b, c.a, "/compute/attestation/"+w.Attest.AttestationID.Hex(), 0, false).Value)
		r, err := compute.UnmarshalReceipt(biQuery(b, c.a, "/compute/receipt/"+itoa(rid), 0, false).Value)
		if err != nil {
			b.Fatal(err)
		}
		var s []uint64
		for h := r.Height + 1; h < uint64(c.a.Height); h++ {
			raw := biQuery(b, c.a, "/compute/beacon/"+itoa(h), 0, false).Value
			if len(raw) == 0 {
				continue
			}
			bc, err := bridge.UnmarshalBeacon(raw)
			if err != nil {
				b.Fatal(err)
			}
			s = computekeeper.SampleIndices(&r, bc.Value)
			break
		}
		if s == nil {
			b.Fatalf("no beacon after %d", r.Height)
		}
		i := nodes[t]
		txs = append(txs, testutil.SignedTx(c.nodes[i], testutil.ChainID, c.nonces[i], biMinFee, w.Reveal(s, 0, len(s))))
		c.nonces[i]++
		units = append(units, s...)
	}
	return txs, units
}

// BenchmarkAttestationSettle reports the attest-only and the full (attest
// + settlement) cost of an attestation of 16 contributors in transfers.
func BenchmarkAttestationSettle(b *testing.B) {
	perBlock := benchEnvInt(b, "PINGO_BENCH_ATTEST", 512)
	perBlock -= perBlock % abNodes
	// PINGO_BENCH_MEMPOOL=1: the reveals pass CheckTx before their block
	// (their units memoized, as on a validator whose mempool saw them), so
	// the reveal block is timed with no kernel run to subtract — the
	// steadier figure on a shared machine. Default: cold, subtracted.
	mempool := benchEnvInt(b, "PINGO_BENCH_MEMPOOL", 0) != 0
	tune := func(p *compute.Params) { p.SampleK = 1 } // as newSettleBench
	if benchEnvInt(b, "PINGO_BENCH_DEADLINE", 0) != 0 {
		// Steady state of the reveal deadlines: a round is six blocks
		// (attest, two for the beacon, the two transfer baselines,
		// reveal), so with beacon_window 2 and reveal_blocks 4 a round's
		// deadline (attest height + 6) is the next round's attest block,
		// and every timed attest block also runs a deadline's EndBlock,
		// as on a chain attesting every block (by default a run never
		// reaches one: 120 blocks).
		tune = func(p *compute.Params) { p.SampleK, p.BeaconWindow, p.RevealBlocks = 1, 2, 4 }
	}
	c := newAttestBenchWith(b, perBlock, tune)
	// The pay baseline's recipients: the same perBlock accounts every
	// round, as hot as the ring's (PINGO_BENCH_RECIPIENT_BLOCKS cycles
	// through more of them: colder paths, dearer transfers).
	c.addRecipients(b, perBlock*benchEnvInt(b, "PINGO_BENCH_RECIPIENT_BLOCKS", 1))
	// Wall time and process CPU time (user + system, GC included) of each
	// block: on a shared machine the CPU time is the steadier figure.
	var att, settle, kern, pay, ring, cAtt, cSettle, cKern, cPay, cRing time.Duration
	// Per timed round, (attest + settle) over each baseline block: their
	// medians are robust to a round that a collection or the machine
	// disturbed (a 512-transfer block takes only ~10–25 ms).
	var payRatios, ringRatios []float64
	phase := func(name string, f func()) (wall, cpu time.Duration) {
		// Each phase starts on a collected heap, so a collection owed to
		// the untimed setup (work, signatures) does not land in whichever
		// phase happens to cross the threshold — with 512-tx blocks of
		// ~25 ms that was the largest noise on the transfer baseline.
		// A phase pays for collections its own garbage triggers while it
		// runs; what it leaves is collected before the next, untimed, for
		// every phase alike (so allocation-heavy phases read a little low).
		runtime.GC()
		pprof.Do(context.Background(), pprof.Labels("phase", name), func(context.Context) {
			c0, t0 := processCPU(), time.Now()
			f()
			wall, cpu = time.Since(t0), processCPU()-c0
		})
		return
	}
	// block times one block of txs, their signatures prechecked untimed.
	block := func(name string, txs [][]byte) (wall, cpu time.Duration) {
		c.precheck(txs)
		return phase(name, func() { c.mustBlockRaw(b, txs) })
	}
	round := func(timed bool) {
		atxs, works, nodes := c.workBlock(perBlock)
		ringTxs, payTxs := c.transferBlock(), c.payBlock()
		da, ca := block("attest", atxs)
		// Block x+1 carries no extension of x (raw blocks have none);
		// its own extension becomes block x+2's beacon of x+1.
		c.a.Block()
		c.a.Block()
		dg, cg := block("ring", ringTxs)
		dp, cp := block("transfer", payTxs)
		rtxs, units := c.revealBlock(b, works, nodes)
		c.precheck(rtxs)
		var dr, cr, dk, ck time.Duration
		if mempool {
			// The reveals pass CheckTx first (the normal path), which
			// re-executes their units into the keeper's memo: the
			// block then spends only the state path, timed directly.
			dk, ck = phase("kernel", func() {
				for _, tx := range rtxs {
					if r := c.a.Check(tx); r.Code != 0 {
						b.Fatalf("check reveal: %d %s", r.Code, r.Log)
					}
				}
			})
			dr, cr = phase("reveal", func() { c.mustBlockRaw(b, rtxs) })
			dk, ck = 0, 0 // not part of the block
		} else {
			dr, cr = phase("reveal", func() { c.mustBlockRaw(b, rtxs) })
			dk, ck = phase("kernel", func() {
				for _, u := range units {
					_ = kernel.Digest(compute.Hash{}, u)
				}
			})
		}
		if timed {
			full := float64(da + dr - dk)
			payRatios, ringRatios = append(payRatios, full/float64(dp)), append(ringRatios, full/float64(dg))
			if benchEnvInt(b, "PINGO_BENCH_VERBOSE", 0) != 0 {
				b.Logf("round: attest %v settle %v | pay %v ring %v | full/pay %.2f full/ring %.2f",
					da, dr-dk, dp, dg, payRatios[len(payRatios)-1], ringRatios[len(ringRatios)-1])
			}
			att, settle, kern, pay, ring = att+da, settle+dr-dk, kern+dk, pay+dp, ring+dg
			cAtt, cSettle, cKern, cPay, cRing = cAtt+ca, cSettle+cr-ck, cKern+ck, cPay+cp, cRing+cg
		}
	}
	round(false) // warms the caches and mints the contributors' NFTs
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		round(true)
	}
	b.StopTimer()
	if err := c.a.CheckInvariants(); err != nil {
		b.Fatal(err)
	}
	total := float64(b.N * perBlock)
	perPay, perRing := pay.Seconds()/total, ring.Seconds()/total
	b.ReportMetric(total/att.Seconds(), "attests/s")
	b.ReportMetric(total/settle.Seconds(), "settles/s")
	b.ReportMetric(1/perPay, "transfers/s")
	b.ReportMetric(1/perRing, "ring-transfers/s")
	b.ReportMetric(att.Seconds()/total/perPay, "attest-transfers")
	b.ReportMetric(settle.Seconds()/total/perPay, "settle-transfers")
	b.ReportMetric((att+settle).Seconds()/total/perPay, "full-transfers")
	b.ReportMetric((att+settle).Seconds()/total/perRing, "full-ring-transfers")
	b.ReportMetric(median(payRatios), "median-full-transfers")
	b.ReportMetric(median(ringRatios), "median-full-ring-transfers")
	b.ReportMetric(float64(kern.Nanoseconds())/total, "kernel-ns/receipt")
	cPerPay, cPerRing := cPay.Seconds()/total, cRing.Seconds()/total
	b.ReportMetric(cAtt.Seconds()/total/cPerPay, "cpu-attest-transfers")
	b.ReportMetric(cSettle.Seconds()/total/cPerPay, "cpu-settle-transfers")
	b.ReportMetric((cAtt+cSettle).Seconds()/total/cPerPay, "cpu-full-transfers")
	b.ReportMetric((cAtt+cSettle).Seconds()/total/cPerRing, "cpu-full-ring-transfers")
	b.ReportMetric(float64(cKern.Nanoseconds())/total, "cpu-kernel-ns/receipt")
}

// median of xs (sorted in place); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}

func (c *attestBench) precheck(txs [][]byte) {
	for _, tx := range txs {
		c.a.Precheck(tx)
	}
}

// processCPU is this process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// newSettleBench is newAttestBench with sample_k 1 (one re-executed unit
// per receipt: a block of reveals fits the budget).
func newSettleBench(b testing.TB, perBlock int) *attestBench {
	return newAttestBenchWith(b, perBlock, func(p *compute.Params) { p.SampleK = 1 })
}
