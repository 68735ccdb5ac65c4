package keeper

import (
	"math"
	"testing"

	"github.com/pingo-chain/pingo/x/bridge/types"
)

func TestSuperMajority(t *testing.T) {
	for _, tc := range []struct {
		signed, total uint64
		want          bool
	}{
		{0, 0, false}, {2, 3, false}, {3, 3, true}, {3, 4, true}, {66, 100, false}, {67, 100, true},
		{200, 300, false}, {201, 300, true},
		{math.MaxUint64 / 3 * 2, math.MaxUint64 / 3 * 3, false},
		{math.MaxUint64/3*2 + 1, math.MaxUint64 / 3 * 3, true},
		{math.MaxUint64, math.MaxUint64, true},
	} {
		if got := superMajority(tc.signed, tc.total); got != tc.want {
			t.Errorf("%d of %d: %v", tc.signed, tc.total, got)
		}
	}
}

func TestAddSignatureKeepsIndexOrderAndSeals(t *testing.T) {
	r := &types.CheckpointRecord{Status: types.StatusAccumulating, TotalPower: 100,
		Valset: []types.SetEntry{{Power: 10}, {Power: 20}, {Power: 30}, {Power: 40}}}
	if addSignature(r, 3, [64]byte{}, 5) || addSignature(r, 1, [64]byte{}, 5) {
		t.Fatal("sealed at 60/100")
	}
	if !addSignature(r, 2, [64]byte{}, 6) || r.Status != types.StatusSealed || r.SealedHeight != 6 {
		t.Fatal("not sealed at 90/100")
	}
	if addSignature(r, 0, [64]byte{}, 7) || r.SignedPower != 100 {
		t.Fatal("late signature re-sealed or not counted")
	}
	for i, s := range r.Signatures {
		if int(s.Index) != i {
			t.Fatalf("signatures not ascending: %+v", r.Signatures)
		}
	}
}
