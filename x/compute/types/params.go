package types

import (
	"encoding/json"
	"fmt"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/x/compute/kernel"
)

// BpsDenom is the denominator of basis-point fractions; PpbDenom of
// parts-per-billion ones. No floating point anywhere in consensus.
const (
	BpsDenom = 10_000
	PpbDenom = 1_000_000_000
)

// Hard bounds that hold before parameters are known (decoders).
const (
	MaxWireShares    = 256
	MaxWireUnitKinds = 16
	MaxEndpointLen   = 256
	MaxRegionLen     = 32
)

// Params are compute's consensus parameters, set in genesis.
type Params struct {
	// MinNodeBond is the least bond a node must hold to take or attest jobs.
	MinNodeBond *uint256.Int `json:"min_node_bond"`
	// NodeUnbondingBlocks: an UnbondNode pays the bond back this many
	// blocks later; it stays slashable meanwhile.
	NodeUnbondingBlocks uint64 `json:"node_unbonding_blocks"`
	// NodeJailBlocks: a jailed node may UnjailNode at height ≥ jail height
	// + this.
	NodeJailBlocks uint64 `json:"node_jail_blocks"`
	// MaxNodes bounds registrations (the node list is one record).
	MaxNodes uint32 `json:"max_nodes"`
	// EpochBlocks: epoch(h) = (h-1) / epoch_blocks. Network jobs open in
	// the first block of each epoch.
	EpochBlocks uint64 `json:"epoch_blocks"`
	// NodeShareBps of each attested payment goes to the CDN node; the rest
	// is split over the contributors by units (remainders to the node).
	NodeShareBps uint32 `json:"node_share_bps"`
	// MaxJobUnits, MaxNodesPerJob, MaxLiveJobs and MaxJobTTL bound jobs.
	MaxJobUnits    uint64 `json:"max_job_units"`
	MaxNodesPerJob uint32 `json:"max_nodes_per_job"`
	MaxLiveJobs    uint32 `json:"max_live_jobs"`
	MaxJobTTL      uint64 `json:"max_job_ttl"`
	// MaxShares bounds the contributors of one attestation. A share takes
	// about 130 bytes on the wire, so keep max_shares × 130 + 300 under
	// auth's max_tx_bytes (48 fits the default 8192).
	MaxShares uint32 `json:"max_shares"`

	// Network contribution jobs, opened by the chain every epoch and paid
	// from the incentive pool: NetworkJobsPerEpoch jobs of NetworkJobUnits
	// units each, sharing the epoch's emission; each expires at the end of
	// its epoch.
	NetworkJobsPerEpoch uint32 `json:"network_jobs_per_epoch"`
	NetworkJobUnits     uint64 `json:"network_job_units"`
	NetworkJobMaxNodes  uint32 `json:"network_job_max_nodes"`
	NetworkUnitKind     uint32 `json:"network_unit_kind"`
	NetworkSpecHash     Hash   `json:"network_spec_hash"`
	// EpochEmission is the emission of epoch 0 in upingo; it halves every
	// EmissionHalvingEpochs epochs (0 = never) and is capped by the pool.
	EpochEmission         *uint256.Int `json:"epoch_emission"`
	EmissionHalvingEpochs uint64       `json:"emission_halving_epochs"`

	// Proof layer (README §Proof). SampleK units of each attestation are
	// re-executed (all when fewer). The sample is fixed by the first
	// beacon at a height in (inclusion, inclusion + BeaconWindow]; reveals
	// are taken until the deadline inclusion + BeaconWindow + RevealBlocks.
	SampleK      uint32 `json:"sample_k"`
	BeaconWindow uint64 `json:"beacon_window"`
	RevealBlocks uint64 `json:"reveal_blocks"`
	// RevealBudget is the units a block may re-execute (deterministic,
	// never time-based); reveals beyond it wait for the next block.
	RevealBudget uint32 `json:"reveal_budget"`
	// FailSlashPpb of the node's bond is slashed on a FAIL or a missed
	// reveal; the node is jailed once its slash count reaches
	// JailAfterFails (0 = never).
	FailSlashPpb   uint64 `json:"fail_slash_ppb"`
	JailAfterFails uint64 `json:"jail_after_fails"`
	// NetworkNodeShareBps is the CDN node's share of the emission paid for
	// PASS-verified units of network contribution jobs (node_share_bps
	// applies to user jobs); the rest goes to the contributors by units.
	NetworkNodeShareBps uint32 `json:"network_node_share_bps"`
	// EmissionPayoutsPerBlock bounds the accounts an epoch's emission
	// payout credits in one block (EndBlock work stays bounded however
	// many contributors an epoch had).
	EmissionPayoutsPerBlock uint32 `json:"emission_payouts_per_block"`
}

// DefaultParams: 1,000 PINGO node bond, one-week unbonding at ~6 s
// blocks, hour-long epochs, 20% to the node, 4 network jobs of 4,096
// units per epoch sharing 10,000 PINGO, halving yearly; 64 units sampled
// per attestation, reveals within ~10 minutes, 10% slashed per FAIL, jail
// at the third.
func DefaultParams() Params {
	return Params{
		MinNodeBond:             new(uint256.Int).Mul(uint256.NewInt(1_000), uint256.NewInt(1_000_000_000)),
		NodeUnbondingBlocks:     100_800,
		NodeJailBlocks:          600,
		MaxNodes:                1_000,
		EpochBlocks:             600,
		NodeShareBps:            2_000,
		MaxJobUnits:             1 << 24,
		MaxNodesPerJob:          64,
		MaxLiveJobs:             10_000,
		MaxJobTTL:               100_800,
		MaxShares:               48,
		NetworkJobsPerEpoch:     4,
		NetworkJobUnits:         4_096,
		NetworkJobMaxNodes:      8,
		NetworkUnitKind:         1,
		EpochEmission:           new(uint256.Int).Mul(uint256.NewInt(10_000), uint256.NewInt(1_000_000_000)),
		EmissionHalvingEpochs:   8_760,
		NetworkSpecHash:         kernel.SpecMatmulI8,
		SampleK:                 64,
		BeaconWindow:            20,
		RevealBlocks:            100,
		RevealBudget:            512,
		FailSlashPpb:            100_000_000,
		JailAfterFails:          3,
		NetworkNodeShareBps:     2_000,
		EmissionPayoutsPerBlock: 256,
	}
}

// Validate rejects parameters the chain cannot run with.
func (p Params) Validate() error {
	switch {
	case p.MinNodeBond == nil || p.MinNodeBond.IsZero():
		return fmt.Errorf("compute params: min_node_bond must be positive")
	case p.NodeUnbondingBlocks < 1:
		return fmt.Errorf("compute params: node_unbonding_blocks must be ≥ 1")
	case p.MaxNodes == 0 || p.MaxNodes > 100_000:
		return fmt.Errorf("compute params: max_nodes %d out of [1, 100000]", p.MaxNodes)
	case p.EpochBlocks < 1:
		return fmt.Errorf("compute params: epoch_blocks must be ≥ 1")
	case p.NodeShareBps > BpsDenom:
		return fmt.Errorf("compute params: node_share_bps %d > 10000", p.NodeShareBps)
	case p.MaxJobUnits == 0 || p.MaxJobUnits > 1<<40:
		return fmt.Errorf("compute params: max_job_units out of [1, 2^40]")
	case p.MaxNodesPerJob == 0 || p.MaxNodesPerJob > 1_024:
		return fmt.Errorf("compute params: max_nodes_per_job out of [1, 1024]")
	case p.MaxLiveJobs == 0 || p.MaxLiveJobs > 100_000:
		return fmt.Errorf("compute params: max_live_jobs out of [1, 100000]")
	case p.MaxJobTTL < 1:
		return fmt.Errorf("compute params: max_job_ttl must be ≥ 1")
	case p.MaxShares == 0 || p.MaxShares > MaxWireShares:
		return fmt.Errorf("compute params: max_shares out of [1, %d]", MaxWireShares)
	case p.NetworkJobsPerEpoch > 64:
		return fmt.Errorf("compute params: network_jobs_per_epoch > 64")
	case p.NetworkJobsPerEpoch > 0 && (p.NetworkJobUnits == 0 || p.NetworkJobUnits > p.MaxJobUnits):
		return fmt.Errorf("compute params: network_job_units out of [1, max_job_units]")
	case p.NetworkJobsPerEpoch > 0 && (p.NetworkJobMaxNodes == 0 || p.NetworkJobMaxNodes > p.MaxNodesPerJob):
		return fmt.Errorf("compute params: network_job_max_nodes out of [1, max_nodes_per_job]")
	case p.NetworkJobsPerEpoch > 0 && p.NetworkUnitKind == 0:
		return fmt.Errorf("compute params: network_unit_kind must be positive")
	case p.EpochEmission == nil:
		return fmt.Errorf("compute params: epoch_emission missing")
	case p.NetworkJobsPerEpoch > 0 && !kernel.Known(p.NetworkUnitKind, p.NetworkSpecHash):
		return fmt.Errorf("compute params: network unit kind %d with spec hash %s is not a known kernel", p.NetworkUnitKind, p.NetworkSpecHash.Hex())
	case p.SampleK == 0 || p.SampleK > MaxWireOpenings:
		return fmt.Errorf("compute params: sample_k out of [1, %d]", MaxWireOpenings)
	case p.BeaconWindow < 1 || p.BeaconWindow > 10_000:
		return fmt.Errorf("compute params: beacon_window out of [1, 10000]")
	case p.RevealBlocks < 1 || p.RevealBlocks > 100_000:
		return fmt.Errorf("compute params: reveal_blocks out of [1, 100000]")
	case p.RevealBudget == 0:
		return fmt.Errorf("compute params: reveal_budget must be ≥ 1")
	case p.NetworkNodeShareBps > BpsDenom:
		return fmt.Errorf("compute params: network_node_share_bps %d > 10000", p.NetworkNodeShareBps)
	case p.FailSlashPpb > PpbDenom:
		return fmt.Errorf("compute params: fail_slash_ppb > 1e9")
	case p.EmissionPayoutsPerBlock == 0 || p.EmissionPayoutsPerBlock > 100_000:
		return fmt.Errorf("compute params: emission_payouts_per_block out of [1, 100000]")
	}
	return nil
}

// Epoch is the epoch of height h (h ≥ 1).
func (p Params) Epoch(h uint64) uint64 {
	if h == 0 {
		return 0
	}
	return (h - 1) / p.EpochBlocks
}

// EmissionAt is the scheduled emission of epoch e (before the pool cap).
func (p Params) EmissionAt(e uint64) uint256.Int {
	var r uint256.Int
	if p.EpochEmission == nil {
		return r
	}
	r.Set(p.EpochEmission)
	if p.EmissionHalvingEpochs > 0 {
		n := e / p.EmissionHalvingEpochs
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
