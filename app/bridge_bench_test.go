package app

import (
	"testing"

	"github.com/pingo-chain/pingo/app/store"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
)

// BenchmarkVoteExtensions measures what vote extensions add to one block at
// 4 validators, in the worst case (every extension carries a beacon and a
// checkpoint signature): ExtendVote on every validator, the proposer's
// verification and encoding (build), and every validator's verification in
// ProcessProposal/FinalizeBlock (apply). A validator pays extend + apply per
// block, the proposer extend + build + apply.
//
//	go test -run '^$' -bench VoteExtensions -benchtime 200x ./app/
func BenchmarkVoteExtensions(b *testing.B) {
	v := newVNet(b, 4, 5)
	for v.h < 5 { // epoch 1 ends at 5: extensions of 6 sign its checkpoint
		v.block()
	}
	kv := kvReader{v.a.tree}
	exts := v.extendAll(6)
	votes := make([]bridgekeeper.Vote, 4)
	for i := range votes {
		votes[i] = bridgekeeper.Vote{ConsAddr: v.cons[i], Power: v.power[i], Committed: true, Ext: exts[i]}
	}
	base := beginBlock(v, 6) // block 7's state before its txs, as far as x/bridge reads
	raw, err := bridgekeeper.BuildVoteTx(base, testChainID, 6, votes)
	if err != nil || raw == nil {
		b.Fatal(err)
	}
	// extend at an epoch boundary: it also derives the new checkpoint.
	b.Run("extend", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := bridgekeeper.Extend(kv, testChainID, 6, v.a.tree.Hash(), v.bridge[0], nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("build", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := bridgekeeper.BuildVoteTx(base, testChainID, 6, votes); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("apply", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := bridgekeeper.ApplyVoteTx(store.NewCache(base), testChainID, 7, raw, votes); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("proposer-total", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := bridgekeeper.Extend(kv, testChainID, 6, v.a.tree.Hash(), v.bridge[0], nil); err != nil {
				b.Fatal(err)
			}
			c := store.NewCache(base)
			tx, err := bridgekeeper.BuildVoteTx(c, testChainID, 6, votes)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := bridgekeeper.ApplyVoteTx(c, testChainID, 7, tx, votes); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBlockWithVoteExtensions runs whole empty blocks (prepare,
// process, finalize, commit) with and without extensions, 4 validators.
func BenchmarkBlockWithVoteExtensions(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "without"
		if on {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			v := newVNet(b, 4, 5)
			if !on {
				v.override = func(int, int64, []byte) []byte { return nil }
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v.block()
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
