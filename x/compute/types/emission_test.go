package types_test

import (
	"testing"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// The split of one PASS-verified network receipt into emission weights,
// by network_node_share_bps.
func TestEmissionWeights(t *testing.T) {
	node, c1, c2 := auth.Address{1}, auth.Address{2}, auth.Address{3}
	shares := []types.ReceiptShare{{Contributor: c1, Units: 6}, {Contributor: c2, Units: 10}}
	for _, tc := range []struct {
		name   string
		node   auth.Address
		shares []types.ReceiptShare
		bps    uint32
		want   []types.AccountWeight
	}{
		{"default 20% to the node", node, shares, 2_000,
			[]types.AccountWeight{{Account: node, Weight: 16 * 2_000}, {Account: c1, Weight: 6 * 8_000}, {Account: c2, Weight: 10 * 8_000}}},
		{"nothing to the node", node, shares, 0,
			[]types.AccountWeight{{Account: c1, Weight: 60_000}, {Account: c2, Weight: 100_000}}},
		{"everything to the node", node, shares, 10_000,
			[]types.AccountWeight{{Account: node, Weight: 160_000}}},
		{"node is also a contributor", c1, shares, 5_000,
			[]types.AccountWeight{{Account: c1, Weight: 80_000}, {Account: c1, Weight: 30_000}, {Account: c2, Weight: 50_000}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := types.EmissionWeights(tc.node, tc.shares, tc.bps)
			require.Equal(t, tc.want, got)
			var sum uint64
			for _, w := range got {
				sum += w.Weight
			}
			require.Equal(t, uint64(16*types.BpsDenom), sum, "weights add up to units × 10,000")
		})
	}
}

// Payouts round down; Σ payouts ≤ share and the remainder (returned to the
// pool) is below the number of accounts.
func TestEmissionPaidRounding(t *testing.T) {
	for _, tc := range []struct {
		name    string
		share   uint64
		weights []uint64
		want    []uint64
	}{
		{"exact", 64_000_000, []uint64{32_000, 64_000, 64_000}, []uint64{12_800_000, 25_600_000, 25_600_000}},
		{"thirds", 100, []uint64{1, 1, 1}, []uint64{33, 33, 33}},
		{"remainder 2", 64_000_007, []uint64{32_000, 48_000, 40_000, 40_000}, []uint64{12_800_001, 19_200_002, 16_000_001, 16_000_001}},
		{"share below the accounts", 2, []uint64{1, 1, 1}, []uint64{0, 0, 0}},
		{"one account takes all", 7, []uint64{5}, []uint64{7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			share := uint256.NewInt(tc.share)
			want := tc.want
			var total uint64
			for _, w := range tc.weights {
				total += w
			}
			var sum uint64
			for i, w := range tc.weights {
				got := types.EmissionPaid(w, total, share)
				require.Equal(t, want[i], got.Uint64(), "account %d", i)
				sum += got.Uint64()
			}
			require.LessOrEqual(t, sum, tc.share)
			require.Less(t, tc.share-sum, uint64(len(tc.weights))+1)
		})
	}
	zero := types.EmissionPaid(5, 0, uint256.NewInt(10))
	require.True(t, zero.IsZero(), "no weight: nothing to pay")
	// A 2^255 share: the product needs the 512-bit intermediate.
	huge := new(uint256.Int).Lsh(uint256.NewInt(1), 255)
	third := types.EmissionPaid(1<<40, 3<<40, huge)
	require.Equal(t, new(uint256.Int).Div(huge, uint256.NewInt(3)), &third)
	all := types.EmissionPaid(3<<40, 3<<40, huge)
	require.Equal(t, huge, &all)
}

// emission_payouts_per_block must let the payout progress and stay
// bounded; the stored record round-trips.
func TestEmissionParamsAndRecord(t *testing.T) {
	for _, tc := range []struct {
		n  uint32
		ok bool
	}{{0, false}, {1, true}, {256, true}, {100_000, true}, {100_001, false}} {
		p := types.DefaultParams()
		p.EmissionPayoutsPerBlock = tc.n
		require.Equal(t, tc.ok, p.Validate() == nil, "emission_payouts_per_block %d", tc.n)
	}
	e := types.EmissionEpoch{Epoch: 3, Share: *uint256.NewInt(64_000_007), End: 40, Pending: 2, Units: 16, Weight: 160_000,
		Accounts: 4, Cursor: 1, Distributed: *uint256.NewInt(12_800_001)}
	got, err := types.UnmarshalEmissionEpoch(e.Marshal())
	require.NoError(t, err)
	require.Equal(t, e, got)
	u := got.Undistributed()
	require.Equal(t, uint64(64_000_007-12_800_001), u.Uint64())
	_, err = types.UnmarshalEmissionEpoch([]byte{0xc1, 0x80})
	require.Error(t, err)
}
