package app

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/app/store"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// BenchmarkVoteExtensions measures what vote extensions add to one block at
// 4 validators, in the worst case (every extension carries a beacon and a
// checkpoint signature, and with facts=8 also votes for 8 pending TON
// facts): ExtendVote on every validator, the proposer's verification and
// encoding (build), and every validator's verification in
// ProcessProposal/FinalizeBlock (apply). A validator pays extend + apply per
// block, the proposer extend + build + apply.
//
//	go test -run '^$' -bench VoteExtensions -benchtime 200x ./app/
func BenchmarkVoteExtensions(b *testing.B) {
	for _, facts := range []int{0, bridge.MaxFactVotes} {
		b.Run(fmt.Sprintf("facts=%d", facts), func(b *testing.B) { benchVoteExtensions(b, facts) })
	}
}

func benchVoteExtensions(b *testing.B, facts int) {
	v := newVNetWith(b, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 5
		g.Bridge.Params.FactExpiryBlocks = 1_000_000
	})
	for v.h < 7 { // epoch 1 sealed in block 7
		v.block()
	}
	var txs [][]byte
	for i := 0; i < facts; i++ {
		txs = append(txs, reportTx(b, uint64(i), &bridge.ReportAnchor{Epoch: 1, TONTxHash: hash32(byte(i + 1)), TONLt: uint64(i + 1)}))
	}
	v.block(txs...)
	if len(v.pendingFacts()) != facts {
		b.Fatalf("%d pending facts", len(v.pendingFacts()))
	}
	for v.h < 10 { // epoch 2 ends at 10: extensions of 11 sign its checkpoint
		v.block()
	}
	v.confirm = func(int, bridge.Hash32) bool { return true } // every validator votes for every fact
	const h = 11
	kv := kvReader{v.a.tree}
	confirm := func(bridge.Hash32) bool { return true }
	exts := v.extendAll(h, nil)
	if e, err := bridge.DecodeVoteExt(exts[0]); err != nil || len(e.Facts) != facts || len(e.Checkpoints) != 1 || e.Beacon == nil {
		b.Fatalf("extension: %v %+v", err, e)
	}
	b.ReportMetric(float64(len(exts[0])), "ext-bytes")
	votes := make([]bridgekeeper.Vote, 4)
	for i := range votes {
		votes[i] = bridgekeeper.Vote{ConsAddr: v.cons[i], Power: v.power[i], Committed: true, Ext: exts[i]}
	}
	base := beginBlock(v, h) // block h+1's state before its txs, as far as x/bridge reads
	raw, err := bridgekeeper.BuildVoteTx(base, testChainID, h, votes)
	if err != nil || raw == nil {
		b.Fatal(err)
	}
	// extend at an epoch boundary: it also derives the new checkpoint, and
	// parses a full vote tx for the facts the block applies (the result is
	// dropped so the extension still votes for every fact: worst case).
	blockTxs := [][]byte{raw}
	b.Run("extend", func(b *testing.B) {
		defer cpuPerOp(b)()
		for i := 0; i < b.N; i++ {
			_ = bridgekeeper.AppliedFacts(blockTxs, votes)
			if _, err := bridgekeeper.Extend(kv, testChainID, h, v.a.tree.Hash(), v.bridge[0], confirm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("build", func(b *testing.B) {
		defer cpuPerOp(b)()
		for i := 0; i < b.N; i++ {
			if _, err := bridgekeeper.BuildVoteTx(base, testChainID, h, votes); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("apply", func(b *testing.B) {
		defer cpuPerOp(b)()
		for i := 0; i < b.N; i++ {
			if _, err := bridgekeeper.ApplyVoteTx(store.NewCache(base), testChainID, h+1, raw, votes); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("proposer-total", func(b *testing.B) {
		defer cpuPerOp(b)()
		for i := 0; i < b.N; i++ {
			_ = bridgekeeper.AppliedFacts(blockTxs, votes)
			if _, err := bridgekeeper.Extend(kv, testChainID, h, v.a.tree.Hash(), v.bridge[0], confirm); err != nil {
				b.Fatal(err)
			}
			c := store.NewCache(base)
			tx, err := bridgekeeper.BuildVoteTx(c, testChainID, h, votes)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := bridgekeeper.ApplyVoteTx(c, testChainID, h+1, tx, votes); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBlockWithVoteExtensions runs whole empty blocks (prepare,
// process, finalize, commit) with and without extensions, 4 validators;
// with-facts keeps 8 TON facts pending that validators 0 and 1 (30% of the
// power, so never applied) vote for in every extension.
func BenchmarkBlockWithVoteExtensions(b *testing.B) {
	for _, name := range []string{"without", "with", "with-facts"} {
		b.Run(name, func(b *testing.B) {
			v := newVNetWith(b, 4, func(g *GenesisState) {
				g.Bridge.Params.EpochBlocks = 5
				g.Bridge.Params.FactExpiryBlocks = 1_000_000
			})
			switch name {
			case "without":
				v.override = func(int, int64, []byte) []byte { return nil }
			case "with-facts":
				for v.h < 7 {
					v.block()
				}
				var txs [][]byte
				for i := 0; i < bridge.MaxFactVotes; i++ {
					txs = append(txs, reportTx(b, uint64(i), &bridge.ReportAnchor{Epoch: 1, TONTxHash: hash32(byte(i + 1)), TONLt: uint64(i + 1)}))
				}
				v.block(txs...)
				v.confirm = func(i int, _ bridge.Hash32) bool { return i < 2 }
			}
			b.ResetTimer()
			stop := cpuPerOp(b)
			for i := 0; i < b.N; i++ {
				v.block()
			}
			stop()
			if name == "with-facts" && len(v.pendingFacts()) != bridge.MaxFactVotes {
				b.Fatal("facts applied or expired")
			}
		})
	}
}

// beginBlock is the overlay of block h after the bridge's BeginBlock (which
// takes the checkpoint the extensions sign).
func beginBlock(v *vnet, h int64) *store.Cache {
	c := store.NewCache(v.a.tree)
	if _, err := bridgekeeper.BeginBlock(c, testChainID, h, v.a.tree.Hash()); err != nil {
		v.t.Fatal(err)
	}
	return c
}

// cpuPerOp reports the process's CPU time (user + system, every goroutine)
// per op as "cpu-ms/op" when the returned func is called: on a shared
// machine wall time per op measures the neighbours; CPU time much less so.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
