package app_test

// Block time under the proof layer (issue #5): "block time at 10 reveals/s
// against a chain also carrying 1,000 transfers/s. Target: verification
// takes ≤ 20% of block time at that load."
//
//	go test -run '^$' -bench BenchmarkRevealBlockTime -benchtime 5x ./app/
//
// Each timed block is a steady-state block at the stated interval: per
// second of interval, 10 attestations (64 units by 4 contributors, so
// k = 64 samples every unit), 10 reveals of the attestations three blocks
// back (the first block a revealer can build once their beacon is
// committed), each the whole k = 64 sample in chunks of 16 openings (4
// txs, as max_tx_bytes 8192 needs), and 1,000 transfers. Intervals: 1 s (the localnet's
// timeout_commit) and 200 ms (the dev chain's).
//
// Measured per block, as a validator that did not propose it spends it:
// ProcessProposal (which executes the block), ExtendVote, FinalizeBlock
// (reusing that execution) and Commit — testutil.App.Exec. Two cases per
// interval: "mempool", the normal one, where every tx passed this node's
// CheckTx before the block (untimed), so the reveals' unit digests are in
// the keeper's re-execution memo (x/compute/keeper/reexec.go); "cold",
// where the memo is emptied before each block, as for reveals this node
// never saw before the block. Verification is
// the Reveal txs' own execution time (checks, folds, re-execution, verdict
// with settle), summed through keeper.RevealClock, which only benchmarks
// set; reexec is the kernel re-execution alone. Signatures are checked
// before the timer (Precheck), as CheckTx does before a block arrives.
// Metrics: exec-ms and verify-ms per block, verify share of execution, and
// execution and verification as shares of the block interval; with
// "mempool", checktx-verify-ms is the Reveal execution time CheckTx spent
// on the block's reveals beforehand (off the block path, but the same
// core-seconds).

import (
	"crypto/ecdsa"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

const (
	rbUnits   = 64 // units per attestation = k: every unit is sampled
	rbChunk   = 16 // openings per Reveal tx
	rbContrib = 4  // contributors per attestation (16-unit shares)
)

type revealBench struct {
	b         *testing.B
	a         *testutil.App
	keys      []*ecdsa.PrivateKey
	nonces    []uint64
	next      []uint64
	contribs  []*ecdsa.PrivateKey
	senders   []*ecdsa.PrivateKey
	sNonce    uint64
	seed      [32]byte
	attested  map[int64][]*testutil.Work // by inclusion height
	revealers map[*testutil.Work]int     // node index
}

func newRevealBench(b *testing.B, reveals, transfers int) *revealBench {
	g := testutil.Genesis(reveals+1, 1_000_000_000_000_000_000)
	owner := testutil.Key(uint64(reveals))
	g.NFT.NFTs = []nft.NFT{{ID: 1, Contributor: testutil.Addr(owner), Owner: testutil.Addr(owner)}}
	senders := testutil.KeysFrom(5_000, transfers)
	for _, k := range senders {
		g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: testutil.Addr(k), Amount: uint256.NewInt(1_000_000_000_000)})
	}
	p := &g.Compute.Params
	p.NetworkJobsPerEpoch = 0
	p.SampleK = rbUnits
	// The default budget (512 units) holds 8 reveals of k = 64 per block;
	// the 10 per 1 s block need 640.
	p.RevealBudget = max(p.RevealBudget, uint32(reveals*rbUnits))
	rb := &revealBench{b: b, a: testutil.NewApp(b, g), keys: testutil.KeysFrom(0, reveals), nonces: make([]uint64, reveals),
		next: make([]uint64, reveals), contribs: testutil.KeysFrom(1_000, rbContrib), senders: senders,
		attested: map[int64][]*testutil.Work{}, revealers: map[*testutil.Work]int{}}
	share := uint64(rbUnits * 10_000)
	var setup [][]byte
	for i, k := range rb.keys {
		setup = append(setup, testutil.SignedTx(k, testutil.ChainID, 0, biMinFee, &compute.RegisterNode{
			Endpoint: "https://cdn.example", Region: "eu", UnitKinds: []uint32{kernel.KindMatmulI8}, Bond: *p.MinNodeBond}))
		rb.nonces[i] = 1
		rb.next[i] = uint64(i) * share
	}
	rb.seed = [32]byte{0x5e}
	setup = append(setup, testutil.SignedTx(owner, testutil.ChainID, 0, biMinFee, &compute.SubmitJob{
		UnitKind: kernel.KindMatmulI8, SpecHash: compute.Hash(kernel.SpecMatmulI8), Seed: rb.seed,
		Units: uint64(reveals) * share, PricePerUnit: *uint256.NewInt(1_000), MaxNodes: uint32(reveals), Expiry: 50_000}))
	rb.ok(rb.a.Block(setup...).TxResults)
	var accepts [][]byte
	for i, k := range rb.keys {
		accepts = append(accepts, testutil.SignedTx(k, testutil.ChainID, rb.nonces[i], biMinFee, &compute.AcceptJob{JobID: 1}))
		rb.nonces[i]++
	}
	rb.ok(rb.a.Block(accepts...).TxResults)
	return rb
}

// ok requires every tx of a block to have succeeded.
func (rb *revealBench) ok(res []*abci.ExecTxResult) {
	for i, r := range res {
		if r.Code != 0 {
			rb.b.Fatalf("block %d tx %d: %s/%d %s", rb.a.Height, i, r.Codespace, r.Code, r.Log)
		}
	}
}

// block builds the next steady-state block: one attestation per node, the
// reveals of the attestations included three blocks back (an attestation
// of x is sampled by the beacon of x+1, which block x+2 writes; the
// revealer reads it once x+2 is committed), the transfers.
// It returns the txs and how many reveals (whole samples) they carry.
func (rb *revealBench) block() ([][]byte, int) {
	h := rb.a.Height + 1
	var txs [][]byte
	for i, k := range rb.keys {
		start := rb.next[i]
		rb.next[i] += rbUnits
		w := testutil.DoWork(testutil.ChainID, 1, rb.seed, testutil.Addr(k), start, start+rbUnits, 50_000, rb.contribs, nil)
		txs = append(txs, testutil.SignedTx(k, testutil.ChainID, rb.nonces[i], biMinFee, w.Attest))
		rb.nonces[i]++
		rb.attested[h] = append(rb.attested[h], w)
		rb.revealers[w] = i
	}
	due := rb.attested[h-3]
	delete(rb.attested, h-3)
	for _, w := range due {
		i := rb.revealers[w]
		delete(rb.revealers, w)
		sample := rb.sample(w)
		for first := 0; first < len(sample); first += rbChunk {
			r := w.Reveal(sample, first, min(rbChunk, len(sample)-first))
			txs = append(txs, testutil.SignedTx(rb.keys[i], testutil.ChainID, rb.nonces[i], biMinFee, r))
			rb.nonces[i]++
		}
	}
	for i, k := range rb.senders {
		to := testutil.Addr(rb.senders[(i+1)%len(rb.senders)])
		txs = append(txs, testutil.Transfer(k, testutil.ChainID, rb.sNonce, biMinFee, to, 1))
	}
	rb.sNonce++
	return txs, len(due)
}

// sample is w's sample under the beacon of the height after its
// inclusion, read from committed state as a revealer would.
func (rb *revealBench) sample(w *testutil.Work) []uint64 {
	q := biQuery(rb.b, rb.a, "/compute/attestation/"+w.Attest.AttestationID.Hex(), 0, false)
	r, err := compute.UnmarshalReceipt(biQuery(rb.b, rb.a, "/compute/receipt/"+fmt.Sprint(binary.BigEndian.Uint64(q.Value)), 0, false).Value)
	if err != nil {
		rb.b.Fatal(err)
	}
	bc, err := bridge.UnmarshalBeacon(biQuery(rb.b, rb.a, "/compute/beacon/"+fmt.Sprint(r.Height+1), 0, false).Value)
	if err != nil {
		rb.b.Fatalf("beacon of %d: %v", r.Height+1, err)
	}
	return computekeeper.SampleIndices(&r, bc.Value)
}

// BenchmarkRevealBlockTime reports, per block at each interval, the
// execution time, the verification time and their shares (see the file
// comment). ns/op is the execution time per block.
func BenchmarkRevealBlockTime(b *testing.B) {
	for _, sc := range []struct {
		name      string
		interval  time.Duration
		reveals   int
		transfers int
		mempool   bool
	}{
		{"interval=1s/mempool", time.Second, 10, 1_000, true},
		{"interval=1s/cold", time.Second, 10, 1_000, false},
		{"interval=200ms/mempool", 200 * time.Millisecond, 2, 200, true},
		{"interval=200ms/cold", 200 * time.Millisecond, 2, 200, false},
	} {
		b.Run(sc.name, func(b *testing.B) {
			rb := newRevealBench(b, sc.reveals, sc.transfers)
			var verify, reexec time.Duration
			reveals := 0
			var checkVerify time.Duration
			clock := func(total, re time.Duration) { verify += total; reexec += re }
			checkClock := func(total, _ time.Duration) { checkVerify += total }
			defer func() { computekeeper.RevealClock = nil }()
			// Three untimed blocks fill the pipeline (attestations whose
			// reveals are due from the fourth), one more warms the caches.
			for i := 0; i < 4; i++ {
				txs, _ := rb.block()
				rb.ok(rb.a.Block(txs...).TxResults)
			}
			verify, reexec = 0, 0
			var exec time.Duration
			b.ResetTimer()
			b.StopTimer()
			for n := 0; n < b.N; n++ {
				txs, due := rb.block()
				if due != sc.reveals {
					b.Fatalf("block %d carries %d reveals, want %d", rb.a.Height+1, due, sc.reveals)
				}
				if sc.mempool {
					// As on a validator: every tx passed this node's
					// CheckTx before the block (which re-executes the
					// reveals and memoizes the digests).
					computekeeper.RevealClock = checkClock
					for i, tx := range txs {
						rb.a.Precheck(tx)
						if r := rb.a.Check(tx); r.Code != 0 {
							b.Fatalf("CheckTx of tx %d: %s/%d %s", i, r.Codespace, r.Code, r.Log)
						}
					}
					computekeeper.RevealClock = nil
				} else {
					// A block whose reveals this node never saw: every
					// sampled unit is re-executed in the block.
					computekeeper.ResetDigestMemo()
					for _, tx := range txs {
						rb.a.Precheck(tx)
					}
				}
				computekeeper.RevealClock = clock // the block's executions only, not CheckTx's
				res := rb.a.Block(txs...)         // checks the invariants after the block, outside Exec
				computekeeper.RevealClock = nil
				rb.ok(res.TxResults)
				pass := 0
				for _, r := range res.TxResults {
					for _, ev := range r.Events {
						if ev.Type != "reveal" {
							continue
						}
						for _, at := range ev.Attributes {
							if at.Key == "verdict" && at.Value == "pass" {
								pass++
							}
						}
					}
				}
				if pass != sc.reveals {
					b.Fatalf("block %d: %d PASS verdicts, want %d", rb.a.Height, pass, sc.reveals)
				}
				reveals += pass
				exec += rb.a.Exec
			}
			perBlock := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
			b.ReportMetric(perBlock(exec), "ns/op")
			b.ReportMetric(perBlock(exec)/1e6, "exec-ms/block")
			b.ReportMetric(perBlock(verify)/1e6, "verify-ms/block")
			b.ReportMetric(perBlock(reexec)/1e6, "reexec-ms/block")
			b.ReportMetric(100*float64(verify)/float64(exec), "verify-%-of-exec")
			b.ReportMetric(100*perBlock(exec)/float64(sc.interval.Nanoseconds()), "exec-%-of-interval")
			b.ReportMetric(100*perBlock(verify)/float64(sc.interval.Nanoseconds()), "verify-%-of-interval")
			b.ReportMetric(float64(reveals)/float64(b.N), "reveals/block")
			if sc.mempool {
				// Where the re-execution went: CheckTx, before the block.
				b.ReportMetric(perBlock(checkVerify)/1e6, "checktx-verify-ms/block")
			}
		})
	}
}
