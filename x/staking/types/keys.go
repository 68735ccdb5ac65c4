package types

import (
	"encoding/binary"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// ModulePrefix is staking's first key byte (module map in
// x/auth/types/keys.go: 0x01 auth, 0x02 bank, 0x03 staking). Never renumber.
const ModulePrefix byte = 0x03

// Record kinds (second key byte). Never renumber or reuse.
//
// Design note: the app's Iterator reads committed state only, while a block
// stages its writes in an overlay. Every record the block hooks must find is
// therefore reachable by point reads: the validator list, the unbonding
// queue's height list and each validator's own list of queue heights are
// explicit index records. Only ExportGenesis (which runs on committed state)
// iterates, over delegations.
var (
	// ParamsKey: 0x03 0x01 → Params as JSON (fixed field order).
	ParamsKey = []byte{ModulePrefix, 0x01}
	// ValidatorPrefix: 0x03 0x02 ‖ operator(20) → Validator as JSON
	// (see state.go; field order fixed, uint256 as decimal strings).
	ValidatorPrefix = []byte{ModulePrefix, 0x02}
	// DelegationPrefix: 0x03 0x03 ‖ delegator(20) ‖ operator(20) →
	// 64 bytes: shares uint256 BE ‖ reward-per-share snapshot uint256 BE.
	// Delegator first, so a prefix scan lists one account's delegations.
	DelegationPrefix = []byte{ModulePrefix, 0x03}
	// ValidatorListKey: 0x03 0x04 → every validator operator ever created,
	// 20 bytes each, concatenated in ascending byte order. Validators are
	// never deleted, so a consensus key can never be reused.
	ValidatorListKey = []byte{ModulePrefix, 0x04}
	// ConsAddrPrefix: 0x03 0x05 ‖ consAddr(20) → operator(20). consAddr is
	// CometBFT's address of the ed25519 key, sha256(pubkey)[:20].
	ConsAddrPrefix = []byte{ModulePrefix, 0x05}
	// UnbondingQueuePrefix: 0x03 0x06 ‖ completionHeight(8, BE) → the
	// unbonding entries maturing at that height, each 120 bytes
	// (see UnbondingEntry.marshal), concatenated in creation order.
	UnbondingQueuePrefix = []byte{ModulePrefix, 0x06}
	// UnbondingHeightsKey: 0x03 0x07 → completion heights that have a queue
	// record, 8 bytes BE each, ascending.
	UnbondingHeightsKey = []byte{ModulePrefix, 0x07}
	// LastValidatorSetKey: 0x03 0x08 → the set last sent to CometBFT,
	// entries of operator(20) ‖ pubkey(32) ‖ power int64 BE(8), ascending
	// by operator.
	LastValidatorSetKey = []byte{ModulePrefix, 0x08}
	// SigningInfoPrefix: 0x03 0x09 ‖ operator(20) → liveness record:
	// blocksCounted int64 BE(8) ‖ missed int64 BE(8) ‖ bitmap
	// (ceil(window/8) bytes, bit i set = missed at window index i).
	SigningInfoPrefix = []byte{ModulePrefix, 0x09}
	// RewardReserveKey: 0x03 0x0a → validator reward reserve, uint256 BE.
	// Funded in genesis; pays the per-block reward; receives slashed stake.
	RewardReserveKey = []byte{ModulePrefix, 0x0a}
	// DustKey: 0x03 0x0b → undistributed integer remainders, uint256 BE.
	// Carried into the next block's distribution.
	DustKey = []byte{ModulePrefix, 0x0b}
)

func join(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

// ValidatorKey is the record of the validator operated by op.
func ValidatorKey(op auth.Address) []byte { return join(ValidatorPrefix, op[:]) }

// DelegationKey is delegator's delegation to the validator op.
func DelegationKey(delegator, op auth.Address) []byte {
	return join(DelegationPrefix, delegator[:], op[:])
}

// ConsAddrKey maps a consensus address to its operator.
func ConsAddrKey(consAddr []byte) []byte { return join(ConsAddrPrefix, consAddr) }

// UnbondingQueueKey holds the entries maturing at height.
func UnbondingQueueKey(height int64) []byte {
	var h [8]byte
	binary.BigEndian.PutUint64(h[:], uint64(height))
	return join(UnbondingQueuePrefix, h[:])
}

// SigningInfoKey is op's liveness record.
func SigningInfoKey(op auth.Address) []byte { return join(SigningInfoPrefix, op[:]) }

// PrefixEnd is the exclusive upper bound of a prefix scan.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
