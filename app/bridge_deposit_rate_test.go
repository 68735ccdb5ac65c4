package app

import (
	"bytes"
	"context"
	"sort"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// TestBridgeDepositBulkRate: 44 deposits reported in one block, every
// validator confirms everything. Because ExtendVote(h) skips the facts
// block h applies, every block from the third on credits a full
// MaxFactVotes batch (not one batch per two blocks), each deposit exactly
// once, and the supply grows by exactly the amounts.
func TestBridgeDepositBulkRate(t *testing.T) {
	const n = 44
	v := newVNetWith(t, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 1000
		g.Bridge.Params.FactExpiryBlocks = 1000
	})
	v.confirm = func(int, bridge.Hash32) bool { return true }
	var txs [][]byte
	var total uint64
	for i := uint64(0); i < n; i++ {
		m := depositMsg(byte(i+1), 100+i, auth.Address{19: byte(i + 1)}, 1_000+i)
		total += 1_000 + i
		txs = append(txs, depositTx(t, i, m))
	}
	supply0 := v.supply()
	v.dblock(txs...) // block 1: all reported, nobody can vote yet
	if got := len(v.pendingFacts()); got != n {
		t.Fatalf("%d pending", got)
	}
	v.dblock() // block 2: extensions of 2 vote for the first batch
	seen := map[string]bool{}
	var perBlock []int
	for b := 0; b < 12 && len(v.pendingFacts()) > 0; b++ {
		res := v.dblock()
		c := 0
		evs := res.Events
		for _, r := range res.TxResults {
			evs = append(evs, r.Events...)
		}
		for _, e := range evs {
			if e.Type != "deposit_credited" {
				continue
			}
			for _, a := range e.Attributes {
				if a.Key == "ton_tx_hash" {
					if seen[a.Value] {
						t.Fatalf("height %d: %s credited twice", v.h, a.Value)
					}
					seen[a.Value] = true
				}
			}
			c++
		}
		perBlock = append(perBlock, c)
	}
	want := []int{}
	for left := n; left > 0; left -= bridge.MaxFactVotes {
		want = append(want, min(left, bridge.MaxFactVotes))
	}
	if len(perBlock) != len(want) {
		t.Fatalf("credited per block %v, want %v", perBlock, want)
	}
	for i := range want {
		if perBlock[i] != want[i] {
			t.Fatalf("credited per block %v, want %v", perBlock, want)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d distinct deposits credited, want %d", len(seen), n)
	}
	s := v.supply()
	s.Sub(&s, &supply0)
	// Fees leave no supply change (they go to the pool), so the growth is
	// exactly the deposits.
	if s.Uint64() != total {
		t.Fatalf("supply grew by %s, want %d", s.Dec(), total)
	}
}

// TestBridgeExtendVoteSkipsApplied: App.ExtendVote reads block h's own
// vote tx (req.Txs[0], tallied against req.ProposedLastCommit) and votes
// for the pending facts after the ones that block applies; without the tx,
// or with one that does not parse, it votes as before (the oldest).
func TestBridgeExtendVoteSkipsApplied(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = 1000 })
	v.confirm = func(int, bridge.Hash32) bool { return true }
	const k = bridge.MaxFactVotes
	var txs [][]byte
	for i := uint64(0); i < k+k/2; i++ {
		txs = append(txs, depositTx(t, i, depositMsg(byte(i+1), 7, auth.Address{19: 1}, 5)))
	}
	v.dblock(txs...)
	v.dblock() // extensions of 2 vote for the k oldest
	pending := v.pendingFacts()
	ids := make([]bridge.Hash32, len(pending))
	for i, p := range pending {
		ids[i] = p.ID
	}
	block3 := v.prepare()
	if len(block3) == 0 || !bridge.IsVoteTx(block3[0]) {
		t.Fatal("no vote tx in block 3")
	}
	v.a.cfg.BridgeKey = v.bridge[1]
	v.a.SetFactVerdicts(func(bridge.Hash32) bool { return true })
	lc := commitInfo(v.votes(false))
	bad := append([]byte(nil), block3[0][:len(block3[0])-1]...)
	for _, tc := range []struct {
		name string
		txs  [][]byte
		want []bridge.Hash32
	}{
		{"block applies the oldest k", block3, ids[k:]},
		{"no txs", nil, ids[:k]},
		{"unparsable vote tx", [][]byte{bad}, ids[:k]},
		{"empty last commit", block3, ids[:k]}, // no power to tally against: nothing skipped
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &abci.RequestExtendVote{Height: 3, Txs: tc.txs, ProposedLastCommit: lc}
			if tc.name == "empty last commit" {
				req.ProposedLastCommit = abci.CommitInfo{}
			}
			res, err := v.a.ExtendVote(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			e, err := bridge.DecodeVoteExt(res.VoteExtension)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]bridge.Hash32(nil), tc.want...)
			sort.Slice(want, func(i, j int) bool { return bytes.Compare(want[i][:], want[j][:]) < 0 })
			if len(e.Facts) != len(want) {
				t.Fatalf("votes %x, want %x", e.Facts, want)
			}
			for i := range want {
				if e.Facts[i] != want[i] {
					t.Fatalf("votes %x, want %x", e.Facts, want)
				}
			}
		})
	}
	// The skipping extension still passes the proposer's and every
	// validator's checks: the next blocks run with it.
	v.a.cfg.BridgeKey = nil
	v.dblock()
	v.dblock()
	if got := len(v.pendingFacts()); got != 0 {
		t.Fatalf("%d facts still pending", got)
	}
}
