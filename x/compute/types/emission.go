package types

import (
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// EmissionEpoch is one epoch's pooled network emission (README §"Emission
// over PASS-verified units"). Share leaves the incentive pool in the
// epoch's first block; PASS-verified units of the epoch's network jobs
// earn weights (node units × network_node_share_bps, contributor units ×
// the rest); once the epoch's jobs have expired (height ≥ End) and no
// receipt of them is pending, accounts are paid weight × Share / Weight
// in list order, emission_payouts_per_block per block, and what rounding
// (or an epoch without PASS units) leaves returns to the pool.
//
// Weights fit in 64 bits: network_jobs_per_epoch ≤ 64 jobs of ≤ 2^40
// units, × 10,000 < 2^60.
type EmissionEpoch struct {
	Epoch uint64 `json:"epoch"`
	// Share is the upingo set aside for the epoch: min(emission, pool).
	Share uint256.Int `json:"share"`
	// End is the epoch's last height; its network jobs expire there.
	End uint64 `json:"end"`
	// Pending counts the epoch's network receipts awaiting their verdict.
	Pending uint64 `json:"pending"`
	// Units are the PASS-verified units; Weight = Units × 10,000 is the
	// sum of the accounts' weights.
	Units  uint64 `json:"units"`
	Weight uint64 `json:"weight"`
	// Accounts is the length of the epoch's account list; Cursor how many
	// of them are paid.
	Accounts uint64 `json:"accounts"`
	Cursor   uint64 `json:"cursor"`
	// Distributed is what accounts were paid; Returned what went back to
	// the pool when the payout finished (nonzero only then, or 0 when the
	// remainder was 0 — Done tells).
	Distributed uint256.Int `json:"distributed"`
	Returned    uint256.Int `json:"returned"`
	Done        bool        `json:"done"`
}

// Marshal is the stored form (canonical RLP, field order as above).
func (e *EmissionEpoch) Marshal() []byte {
	b, err := rlp.EncodeToBytes(e)
	if err != nil {
		panic(err) // fixed-shape struct: encoding cannot fail
	}
	return b
}

// UnmarshalEmissionEpoch reads the stored form.
func UnmarshalEmissionEpoch(b []byte) (EmissionEpoch, error) {
	var e EmissionEpoch
	err := rlp.DecodeBytes(b, &e)
	return e, err
}

// Undistributed is what compute still holds for the epoch:
// Share − Distributed − Returned.
func (e *EmissionEpoch) Undistributed() uint256.Int {
	var r uint256.Int
	r.Sub(&e.Share, &e.Distributed)
	r.Sub(&r, &e.Returned)
	return r
}

// EmissionPaid is an account's payout: weight × share / totalWeight,
// rounded down (512-bit intermediate; weight ≤ totalWeight, so it fits).
func EmissionPaid(weight, totalWeight uint64, share *uint256.Int) uint256.Int {
	var out uint256.Int
	if totalWeight == 0 {
		return out
	}
	out.MulDivOverflow(share, uint256.NewInt(weight), uint256.NewInt(totalWeight))
	return out
}

// EmissionWeights are the weights one PASS-verified network receipt adds:
// the node's (units × nodeBps) first, then each contributor's (its units ×
// (10,000 − nodeBps)), zero weights left out; a node that is also a
// contributor appears twice and its weights add up. Their sum is units ×
// 10,000.
func EmissionWeights(node auth.Address, shares []ReceiptShare, nodeBps uint32) []AccountWeight {
	out := make([]AccountWeight, 0, 1+len(shares))
	var units uint64
	for i := range shares {
		units += shares[i].Units
	}
	if w := units * uint64(nodeBps); w > 0 {
		out = append(out, AccountWeight{Account: node, Weight: w})
	}
	rest := uint64(BpsDenom - nodeBps)
	for i := range shares {
		if w := shares[i].Units * rest; w > 0 {
			out = append(out, AccountWeight{Account: shares[i].Contributor, Weight: w})
		}
	}
	return out
}

// AccountWeight is an account's emission weight.
type AccountWeight struct {
	Account auth.Address
	Weight  uint64
}
