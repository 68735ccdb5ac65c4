package types

import (
	"encoding/json"
	"fmt"

	"github.com/holiman/uint256"
)

// Fractions are integers: basis points (1/10_000) or parts per billion
// (1/1_000_000_000). No floating point anywhere in consensus.
const (
	BpsDenom = 10_000
	PpbDenom = 1_000_000_000
)

// Params are staking's consensus parameters, set in genesis.
type Params struct {
	// UnbondingBlocks: an Undelegate matures (credits the account) this
	// many blocks after the height it executed in. Keep it longer than
	// CometBFT's evidence max_age_num_blocks so unbonding stake stays
	// slashable for every admissible piece of evidence.
	UnbondingBlocks int64 `json:"unbonding_blocks"`
	// MaxValidators is the size of the active (consensus) set.
	MaxValidators uint32 `json:"max_validators"`
	// MaxCandidates bounds how many validators may ever be created (the
	// hooks walk them all every block).
	MaxCandidates uint32 `json:"max_candidates"`
	// PowerReduction: voting power = tokens / power_reduction (upingo).
	PowerReduction *uint256.Int `json:"power_reduction"`
	// MinSelfBond is the least amount a CreateValidator bonds.
	MinSelfBond *uint256.Int `json:"min_self_bond"`
	// MaxCommissionBps caps commission_bps (never above 10000).
	MaxCommissionBps uint32 `json:"max_commission_bps"`
	// SignedBlocksWindow is the liveness window in blocks.
	SignedBlocksWindow int64 `json:"signed_blocks_window"`
	// MinSignedPerWindowBps: a validator that signed fewer than
	// window × bps / 10000 of the last window blocks is jailed.
	MinSignedPerWindowBps uint32 `json:"min_signed_per_window_bps"`
	// DowntimeJailBlocks: a validator jailed for downtime may Unjail at
	// height ≥ jail height + this.
	DowntimeJailBlocks int64 `json:"downtime_jail_blocks"`
	// SlashFractionDowntimePpb of the bonded tokens is slashed for downtime.
	SlashFractionDowntimePpb uint64 `json:"slash_fraction_downtime_ppb"`
	// SlashFractionDoubleSignPpb of the bonded tokens and of unbonding
	// entries created at or after the infraction height is slashed for
	// double signing. Must be < 1e9 (a slash never empties a validator).
	SlashFractionDoubleSignPpb uint64 `json:"slash_fraction_double_sign_ppb"`
	// BlockReward is the reward of block 1 in upingo, paid from the reward
	// reserve; it halves every HalvingBlocks blocks (0 = never halves) and
	// is capped by what the reserve holds.
	BlockReward *uint256.Int `json:"block_reward"`
	// HalvingBlocks: reward(h) = block_reward >> ((h-1) / halving_blocks).
	HalvingBlocks int64 `json:"halving_blocks"`
}

// DefaultParams: 1-week unbonding at ~6 s blocks, 100 validators, 1 PINGO
// of stake per unit of power, 5% double-sign slash, 0.01% downtime slash,
// 0.1 PINGO per block halving every ~4 years.
func DefaultParams() Params {
	return Params{
		UnbondingBlocks:            100_800,
		MaxValidators:              100,
		MaxCandidates:              1_000,
		PowerReduction:             uint256.NewInt(1_000_000_000),
		MinSelfBond:                uint256.NewInt(1_000_000_000),
		MaxCommissionBps:           10_000,
		SignedBlocksWindow:         10_000,
		MinSignedPerWindowBps:      500,
		DowntimeJailBlocks:         600,
		SlashFractionDowntimePpb:   100_000,
		SlashFractionDoubleSignPpb: 50_000_000,
		BlockReward:                uint256.NewInt(100_000_000),
		HalvingBlocks:              21_024_000,
	}
}

// Validate rejects parameters the chain cannot run with.
func (p Params) Validate() error {
	switch {
	case p.UnbondingBlocks < 1:
		return fmt.Errorf("staking params: unbonding_blocks must be ≥ 1")
	case p.MaxValidators == 0 || p.MaxValidators > 10_000:
		return fmt.Errorf("staking params: max_validators %d out of [1, 10000]", p.MaxValidators)
	case p.MaxCandidates < p.MaxValidators || p.MaxCandidates > 100_000:
		return fmt.Errorf("staking params: max_candidates %d out of [max_validators, 100000]", p.MaxCandidates)
	case p.PowerReduction == nil || p.PowerReduction.IsZero():
		return fmt.Errorf("staking params: power_reduction must be positive")
	case p.MinSelfBond == nil:
		return fmt.Errorf("staking params: min_self_bond missing")
	case p.MaxCommissionBps > BpsDenom:
		return fmt.Errorf("staking params: max_commission_bps %d > 10000", p.MaxCommissionBps)
	case p.SignedBlocksWindow < 1 || p.SignedBlocksWindow > 1_000_000:
		return fmt.Errorf("staking params: signed_blocks_window %d out of [1, 1000000]", p.SignedBlocksWindow)
	case p.MinSignedPerWindowBps > BpsDenom:
		return fmt.Errorf("staking params: min_signed_per_window_bps %d > 10000", p.MinSignedPerWindowBps)
	case p.DowntimeJailBlocks < 0:
		return fmt.Errorf("staking params: downtime_jail_blocks must be ≥ 0")
	case p.SlashFractionDowntimePpb >= PpbDenom:
		return fmt.Errorf("staking params: slash_fraction_downtime_ppb must be < 1e9")
	case p.SlashFractionDoubleSignPpb >= PpbDenom:
		return fmt.Errorf("staking params: slash_fraction_double_sign_ppb must be < 1e9")
	case p.BlockReward == nil:
		return fmt.Errorf("staking params: block_reward missing")
	case p.HalvingBlocks < 0:
		return fmt.Errorf("staking params: halving_blocks must be ≥ 0")
	}
	return nil
}

// RewardAt is the scheduled block reward at height (before the reserve cap).
func (p Params) RewardAt(height int64) uint256.Int {
	var r uint256.Int
	if p.BlockReward == nil || height < 1 {
		return r
	}
	r.Set(p.BlockReward)
	if p.HalvingBlocks > 0 {
		n := (height - 1) / p.HalvingBlocks
		if n >= 256 {
			return uint256.Int{}
		}
		r.Rsh(&r, uint(n))
	}
	return r
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
