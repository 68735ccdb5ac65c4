package keeper

import (
	"testing"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// TestNodeHex: the memo returns exactly op.Hex(), on the first call and
// from the memo, for mixed-case checksums.
func TestNodeHex(t *testing.T) {
	for i := 0; i < 40; i++ {
		var a auth.Address
		for j := range a {
			a[j] = byte(i*31 + j*7 + 0xa0)
		}
		for pass := 0; pass < 2; pass++ {
			if got, want := nodeHex(a), a.Hex(); got != want {
				t.Fatalf("address %d pass %d: %s, want %s", i, pass, got, want)
			}
		}
	}
}
