package types

import (
	"encoding/json"
	"fmt"
)

// CollectionName is the one collection this module keeps.
const CollectionName = "PinGo Contributor"

// Params are nft's consensus parameters, set in genesis.
type Params struct {
	// TierThresholds are ascending verified-unit counts; an NFT's tier is
	// how many of them its units reach (0 below the first).
	TierThresholds []uint64 `json:"tier_thresholds"`
	// MaxPerOwner bounds how many NFTs one account may hold (each earns
	// one by contributing; more arrive only by transfer).
	MaxPerOwner uint32 `json:"max_per_owner"`
}

// DefaultParams: tiers at 1k, 10k, 100k and 1M verified units; 64 per owner.
func DefaultParams() Params {
	return Params{TierThresholds: []uint64{1_000, 10_000, 100_000, 1_000_000}, MaxPerOwner: 64}
}

// Validate rejects parameters the chain cannot run with.
func (p Params) Validate() error {
	if len(p.TierThresholds) > 32 {
		return fmt.Errorf("nft params: at most 32 tier thresholds")
	}
	for i := 1; i < len(p.TierThresholds); i++ {
		if p.TierThresholds[i] <= p.TierThresholds[i-1] {
			return fmt.Errorf("nft params: tier_thresholds must be strictly ascending")
		}
	}
	if p.MaxPerOwner == 0 || p.MaxPerOwner > 4096 {
		return fmt.Errorf("nft params: max_per_owner %d out of [1, 4096]", p.MaxPerOwner)
	}
	return nil
}

// Tier is the tier of an NFT with units verified units.
func (p Params) Tier(units uint64) uint32 {
	var t uint32
	for _, th := range p.TierThresholds {
		if units >= th {
			t++
		}
	}
	return t
}

// Marshal is the stored form.
func (p Params) Marshal() []byte {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalParams reads the stored form.
func UnmarshalParams(b []byte) (Params, error) {
	var p Params
	err := json.Unmarshal(b, &p)
	return p, err
}
