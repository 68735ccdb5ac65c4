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
