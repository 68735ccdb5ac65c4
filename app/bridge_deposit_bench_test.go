package app

import (
	"testing"
	"time"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// BenchmarkDepositSaturation: the deposit path at saturation on 4
// validators. Every block carries MaxFactVotes new ReportDeposit txs, and
// every validator's watcher confirms every pending fact. An extension
// votes for at most MaxFactVotes of the oldest pending facts; ExtendVote(h)
// reads the state of h-1, in which the facts block h applies are still
// pending, so it skips those (keeper.AppliedFacts of block h's vote tx) and
// votes for the next ones: the ceiling is MaxFactVotes deposits per block
// (asserted over the measured blocks; before the skip every other block
// repeated the batch just applied). One op = one whole block (prepare,
// process, finalize, commit, with every validator's ExtendVote), reported
// as CPU time per block and per deposit, and deposits credited per CPU
// second. The supply invariant is checked after the run.
//
//	go test -run '^$' -bench DepositSaturation -benchtime 50x ./app/
//
// Reports in equal credits out, so the pending list (capped at 256,
// bridge/13) does not grow.
func BenchmarkDepositSaturation(b *testing.B) {
	v := newVNetWith(b, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 1000 // no checkpoint signatures in the way
		g.Bridge.Params.FactExpiryBlocks = 1000
	})
	v.confirm = func(int, bridge.Hash32) bool { return true }
	nonce := uint64(0)
	next := func() [][]byte {
		txs := make([][]byte, bridge.MaxFactVotes)
		for i := range txs {
			lt := nonce + 1
			m := &bridge.ReportDeposit{TONTxHash: bridge.Hash32{byte(lt), byte(lt >> 8), byte(lt >> 16), 31: 1}, TONLt: lt,
				Recipient: auth.Address{byte(lt), 19: 1}}
			m.Amount.SetUint64(1_000_000 + lt)
			txs[i] = depositTx(b, nonce, m)
			nonce++
		}
		return txs
	}
	// Fill the pipeline: reports, then votes.
	v.block(next()...)
	v.block(next()...)
	batches := make([][][]byte, b.N)
	for i := range batches {
		batches[i] = next()
	}
	credited := 0
	b.ResetTimer()
	stop := cpuPerOp(b)
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		res := v.block(batches[i]...)
		for _, r := range res.TxResults {
			for _, e := range r.Events {
				if e.Type == "deposit_credited" {
					credited++
				}
			}
		}
		for _, e := range res.Events {
			if e.Type == "deposit_credited" {
				credited++
			}
		}
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	stop()
	b.StopTimer()
	if credited < bridge.MaxFactVotes*(b.N-1) {
		b.Fatalf("credited %d deposits in %d blocks", credited, b.N)
	}
	b.ReportMetric(float64(credited)/float64(b.N), "deposits/block")
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(credited), "cpu-ms/deposit")
	b.ReportMetric(float64(credited)/cpu.Seconds(), "deposits/cpu-s")
	b.ReportMetric(float64(credited)/wall.Seconds(), "deposits/wall-s")
	if err := v.a.CheckInvariants(); err != nil {
		b.Fatal(err)
	}
}
