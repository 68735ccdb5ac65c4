package checkpoint

import (
	"bytes"
	"testing"
)

// FuzzParseBOC: ParseBOC takes bytes from the network (a relayer reads
// checkpoints back from TON and from peers). It must never panic, and
// whatever it accepts must be canonical: rebuilding the checkpoint gives
// the same cell, so the digest a validator checks is the one it parsed.
// Seeds: testdata/fuzz/FuzzParseBOC plus the cases below.
func FuzzParseBOC(f *testing.F) {
	for _, cp := range sampleCheckpoints() {
		f.Add(cp.Cell().ToBOC())
		f.Add(cp.Cell().ToBOCWithFlags(false))
	}
	f.Add([]byte{})
	f.Add([]byte{0xb5, 0xee, 0x9c, 0x72})
	f.Fuzz(func(t *testing.T, b []byte) {
		cp, err := ParseBOC(b)
		if err != nil {
			return
		}
		root, err := fromBOC(b)
		if err != nil {
			t.Fatalf("ParseBOC accepted what fromBOC refuses: %v", err)
		}
		if !bytes.Equal(cp.Cell().Hash(), root.Hash()) {
			t.Fatalf("accepted a cell that does not rebuild to itself: %+v", cp)
		}
		again, err := ParseBOC(cp.Cell().ToBOC())
		if err != nil || again != cp {
			t.Fatalf("re-encoding does not round-trip: %v", err)
		}
	})
}

// FuzzParseSubmitBOC: the same for whole submit messages (read back from
// TON by validators confirming an anchoring). Accepted input must rebuild
// through SubmitBody to the identical cell.
func FuzzParseSubmitBOC(f *testing.F) {
	old, next := uniformSet(4, 10), newTestSet([]int{1, 2, 3, 4}, []uint64{20, 10, 10, 30})
	cp := testCheckpoint(f, 1, old, old)
	if body, err := SubmitBody(3, cp, old.sign(cp, 0, 1, 2), nil); err == nil {
		f.Add(body.ToBOC())
	}
	rot := testCheckpoint(f, 2, old, next)
	if body, err := SubmitBody(4, rot, old.sign(rot, 1, 2, 3), next.validators()); err == nil {
		f.Add(body.ToBOC())
	}
	f.Add([]byte{0xb5, 0xee, 0x9c, 0x72, 0x41, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		sub, err := ParseSubmitBOC(b)
		if err != nil {
			return
		}
		root, err := fromBOC(b)
		if err != nil {
			t.Fatal(err)
		}
		again, err := SubmitBody(sub.QueryID, sub.Checkpoint, sub.Signatures, sub.NewSet)
		if err != nil {
			t.Fatalf("accepted a body SubmitBody refuses: %v", err)
		}
		if !bytes.Equal(again.Hash(), root.Hash()) {
			t.Fatal("accepted a body that does not rebuild to itself")
		}
	})
}

// FuzzParseWithdrawal: a claim's leaf comes from anyone. Whatever parses
// must rebuild to the same cell hash.
func FuzzParseWithdrawal(f *testing.F) {
	for i := uint64(0); i < 3; i++ {
		c, _ := testWithdrawal(i).Cell()
		f.Add(c.ToBOC())
	}
	f.Fuzz(func(t *testing.T, boc []byte) {
		w, err := ParseWithdrawalBOC(boc)
		if err != nil {
			return
		}
		c, _ := DecodeBOC(boc)
		rc, err := w.Cell()
		if err != nil || string(rc.Hash()) != string(c.Hash()) {
			t.Fatalf("parsed leaf rebuilds differently: %v", err)
		}
	})
}
