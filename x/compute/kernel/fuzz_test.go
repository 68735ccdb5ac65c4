package kernel_test

import (
	"bytes"
	"testing"

	"github.com/pingo-chain/pingo/x/compute/kernel"
)

// FuzzDecodePath: no input panics the path decoder, a decoded path
// re-encodes to the same bytes (one encoding per path), and folding it
// never panics. Seeds: testdata/fuzz/FuzzDecodePath and real paths.
func FuzzDecodePath(f *testing.F) {
	ls := leaves(3, 0, 11, [20]byte{9})
	for pos := uint64(0); pos < 11; pos += 5 {
		f.Add(kernel.EncodePath(kernel.Path(ls, pos)), pos, uint64(11))
	}
	f.Fuzz(func(t *testing.T, b []byte, pos, n uint64) {
		p, err := kernel.DecodePath(b)
		if err != nil {
			return
		}
		if !bytes.Equal(kernel.EncodePath(p), b) {
			t.Fatalf("re-encoding differs")
		}
		kernel.Fold(ls[0], pos, n, p)
	})
}
