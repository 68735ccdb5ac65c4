package app_test

import (
	"encoding/hex"
	"testing"
)

// settleGolden is the AppHash after TestSettleAppHashGolden's blocks, as
// computed by the code before the settlement fast paths (integ a9cf045:
// per-tx sorted overlay flush, page copied on every append, fresh tx
// overlays). Those changes claim byte-identical state; a change that
// alters it must say why and record the new value.
const settleGolden = "01ce661169b6ae8baedc6e1fa7f0466d3323f892e48635165e1316fb6a55c6de"

// TestSettleAppHashGolden runs the settlement benchmark's path at a small
// size — attestations of 16 contributors, transfers, reveals that PASS and
// settle (payments, NFT credits, receipt-list pages extended several
// times per block and across blocks), half the reveals seen by CheckTx
// first — and compares the final AppHash with the recorded one.
func TestSettleAppHashGolden(t *testing.T) {
	const perBlock = 48 // 48×16 credits a block over 256 contributors
	c := newSettleBench(t, perBlock)
	var last []byte
	for round := 0; round < 4; round++ {
		atxs, works, nodes := c.workBlock(perBlock)
		last = c.mustBlockRaw(t, atxs).AppHash
		last = c.mustBlockRaw(t, c.transferBlock()).AppHash
		c.a.Block()
		c.a.Block()
		rtxs, _ := c.revealBlock(t, works, nodes)
		for i, tx := range rtxs {
			if i%2 == 0 {
				if r := c.a.Check(tx); r.Code != 0 {
					t.Fatalf("check reveal %d: %d %s", i, r.Code, r.Log)
				}
			}
		}
		last = c.mustBlockRaw(t, rtxs).AppHash
		if err := c.a.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	if got := hex.EncodeToString(last); got != settleGolden {
		t.Fatalf("AppHash %s, want %s", got, settleGolden)
	}
}
