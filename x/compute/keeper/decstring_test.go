package keeper

import (
	"testing"

	"github.com/holiman/uint256"
)

// TestDecString: the event fast path formats exactly as uint256's Dec.
func TestDecString(t *testing.T) {
	max64 := uint256.NewInt(^uint64(0))
	over := new(uint256.Int).AddUint64(max64, 1)
	for _, u := range []*uint256.Int{
		uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(9), uint256.NewInt(10),
		uint256.NewInt(1_000_000_007), max64, over,
		new(uint256.Int).Lsh(uint256.NewInt(1), 200), new(uint256.Int).Not(uint256.NewInt(0)),
	} {
		if got, want := decString(u), u.Dec(); got != want {
			t.Errorf("decString(%s) = %s", want, got)
		}
	}
}
