package types

import (
	"encoding/json"

	"github.com/pingo-chain/pingo/bridge/checkpoint"

	"github.com/pingo-chain/pingo/x/codes"
)

// Params are bridge's consensus parameters.
type Params struct {
	// EpochBlocks: a checkpoint is taken at every height that is a multiple
	// of it (the epoch's last height).
	EpochBlocks uint64 `json:"epoch_blocks"`
	// LateEpochs: a checkpoint keeps accepting signatures (late ones, after
	// sealing, for credit) until this many newer checkpoints exist.
	LateEpochs uint64 `json:"late_epochs"`
	// BeaconRetentionBlocks: beacons older than this many blocks are
	// deleted (one point delete per block), so state does not grow without
	// bound; consumers must use a beacon within this window.
	BeaconRetentionBlocks uint64 `json:"beacon_retention_blocks"`
	// MaxWithdrawalsPerEpoch caps one epoch's withdrawal tree (and so the
	// checkpoint's work building its root and the leaf list a claimant
	// downloads). At most checkpoint.MaxWithdrawalsPerEpoch (2^16, the
	// anchor's path bound); 0, in a state written before the parameter
	// existed, means that bound.
	MaxWithdrawalsPerEpoch uint64 `json:"max_withdrawals_per_epoch,omitempty"`
	// FactExpiryBlocks: a reported TON fact that has not reached > 2/3 of
	// the votes this many blocks after its report is dropped, so a bogus
	// report costs nothing but its fee (a true one can be reported again).
	// 0 (a state written before facts existed) means DefaultFactExpiry.
	FactExpiryBlocks uint64 `json:"fact_expiry_blocks,omitempty"`
}

// DefaultFactExpiry is FactExpiryBlocks' default: 600 blocks.
const DefaultFactExpiry = 600

// FactExpiry is FactExpiryBlocks with 0 read as the default.
func (p Params) FactExpiry() uint64 {
	if p.FactExpiryBlocks == 0 {
		return DefaultFactExpiry
	}
	return p.FactExpiryBlocks
}

// MaxLateEpochs bounds LateEpochs so a vote extension carries at most
// MaxLateEpochs+1 checkpoint signatures.
const MaxLateEpochs = 3

// DefaultParams: an epoch of 100 blocks, 3 epochs of late signatures,
// beacons kept for 100,000 blocks, up to 4096 withdrawals an epoch.
func DefaultParams() Params {
	return Params{EpochBlocks: 100, LateEpochs: 3, BeaconRetentionBlocks: 100_000, MaxWithdrawalsPerEpoch: 4096}
}

// WithdrawalCap is the effective MaxWithdrawalsPerEpoch.
func (p Params) WithdrawalCap() uint64 {
	if p.MaxWithdrawalsPerEpoch == 0 {
		return checkpoint.MaxWithdrawalsPerEpoch
	}
	return p.MaxWithdrawalsPerEpoch
}

// Validate checks the ranges.
func (p Params) Validate() error {
	if p.EpochBlocks < 2 || p.EpochBlocks > 1_000_000 {
		return codes.Wrapf(ErrInvalidParams, "epoch_blocks %d out of [2, 1000000]", p.EpochBlocks)
	}
	if p.BeaconRetentionBlocks < 100 {
		return codes.Wrapf(ErrInvalidParams, "beacon_retention_blocks %d < 100", p.BeaconRetentionBlocks)
	}
	if p.FactExpiryBlocks != 0 && (p.FactExpiryBlocks < 10 || p.FactExpiryBlocks > 1_000_000) {
		return codes.Wrapf(ErrInvalidParams, "fact_expiry_blocks %d out of [10, 1000000]", p.FactExpiryBlocks)
	}
	if p.MaxWithdrawalsPerEpoch > checkpoint.MaxWithdrawalsPerEpoch {
		return codes.Wrapf(ErrInvalidParams, "max_withdrawals_per_epoch %d > %d", p.MaxWithdrawalsPerEpoch, checkpoint.MaxWithdrawalsPerEpoch)
	}
	if p.LateEpochs > MaxLateEpochs {
		return codes.Wrapf(ErrInvalidParams, "late_epochs %d > %d", p.LateEpochs, MaxLateEpochs)
	}
	return nil
}

// Marshal is the stored JSON (fixed field order).
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
