package types

import (
	"encoding/binary"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// ModulePrefix is bridge's first key byte (module map in
// docs/architecture.md). Never renumber.
const ModulePrefix byte = 0x06

// Record kinds (second key byte). Never renumber or reuse.
//
// As in x/staking, everything block execution reads is reachable by point
// reads (the open-epoch list is an explicit index), because the app's
// Iterator sees committed state only.
var (
	// ParamsKey: 0x06 0x01 → Params as JSON.
	ParamsKey = []byte{ModulePrefix, 0x01}
	// BridgeKeyPrefix: 0x06 0x02 ‖ operator(20) → the operator's current
	// bridge public key (32 bytes).
	BridgeKeyPrefix = []byte{ModulePrefix, 0x02}
	// KeyOwnerPrefix: 0x06 0x03 ‖ bridge pubkey(32) → operator(20). Never
	// deleted: a key, once registered, stays reserved for its operator.
	KeyOwnerPrefix = []byte{ModulePrefix, 0x03}
	// CheckpointPrefix: 0x06 0x04 ‖ epoch(8, BE) → CheckpointRecord JSON.
	CheckpointPrefix = []byte{ModulePrefix, 0x04}
	// OpenEpochsKey: 0x06 0x05 → epochs whose checkpoint still accepts
	// signatures, 8 bytes BE each, ascending.
	OpenEpochsKey = []byte{ModulePrefix, 0x05}
	// BeaconPrefix: 0x06 0x06 ‖ height(8, BE) → Beacon (48 bytes:
	// value(32) ‖ signed power(8) ‖ total power(8)).
	BeaconPrefix = []byte{ModulePrefix, 0x06}
	// LatestBeaconKey: 0x06 0x07 → height(8) ‖ Beacon(48) of the newest beacon.
	LatestBeaconKey = []byte{ModulePrefix, 0x07}
	// AnchoredSetKey: 0x06 0x08 → the set the next checkpoint is signed by
	// (the previous checkpoint's next set), SetEntry records of 60 bytes,
	// in canonical (TON index) order.
	AnchoredSetKey = []byte{ModulePrefix, 0x08}
	// LatestSealedKey: 0x06 0x09 → epoch(8) of the newest sealed checkpoint.
	LatestSealedKey = []byte{ModulePrefix, 0x09}
	// FactPrefix: 0x06 0x0A ‖ fact id(32) → Fact JSON, while the fact is
	// pending (deleted when applied or expired).
	FactPrefix = []byte{ModulePrefix, 0x0A}
	// PendingFactsKey: 0x06 0x0B → the pending facts in report order,
	// id(32) ‖ expires_height(8 BE) each, at most MaxPendingFacts.
	PendingFactsKey = []byte{ModulePrefix, 0x0B}
)

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

func join(a []byte, b ...[]byte) []byte {
	k := append([]byte(nil), a...)
	for _, x := range b {
		k = append(k, x...)
	}
	return k
}

// BridgeKeyKey is op's current bridge key record.
func BridgeKeyKey(op auth.Address) []byte { return join(BridgeKeyPrefix, op[:]) }

// KeyOwnerKey reserves pub for its operator.
func KeyOwnerKey(pub [32]byte) []byte { return join(KeyOwnerPrefix, pub[:]) }

// CheckpointKey is epoch's checkpoint record.
func CheckpointKey(epoch uint64) []byte { return join(CheckpointPrefix, u64(epoch)) }

// BeaconKey is the beacon of height h.
func BeaconKey(h uint64) []byte { return join(BeaconPrefix, u64(h)) }

// FactKey is a pending fact's record.
func FactKey(id Hash32) []byte { return join(FactPrefix, id[:]) }
