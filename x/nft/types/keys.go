package types

import (
	"encoding/binary"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// ModulePrefix is nft's first key byte (module map in
// x/auth/types/keys.go: 0x01 auth, 0x02 bank, 0x03 staking, 0x04 nft,
// 0x05 compute, 0x06 bridge). Never renumber.
const ModulePrefix byte = 0x04

// Record kinds (second key byte). Never renumber or reuse.
//
// Every record x/compute's block execution needs (the contributor's NFT,
// the owner's list) is reachable by a point read: the app's Iterator sees
// committed state only, not the block's overlay.
var (
	// ParamsKey: 0x04 0x01 → Params as JSON (fixed field order).
	ParamsKey = []byte{ModulePrefix, 0x01}
	// NFTPrefix: 0x04 0x02 ‖ id(8, BE) → NFT, 84 fixed bytes (see state.go).
	NFTPrefix = []byte{ModulePrefix, 0x02}
	// ContributorPrefix: 0x04 0x03 ‖ contributor(20) → id(8, BE): the NFT
	// that records this contributor account's verified work. Set once, at
	// mint; a transfer changes the owner, never this link.
	ContributorPrefix = []byte{ModulePrefix, 0x03}
	// OwnerPrefix: 0x04 0x04 ‖ owner(20) → ids (8 bytes BE each,
	// ascending) of the NFTs the owner holds. Absent when it holds none.
	OwnerPrefix = []byte{ModulePrefix, 0x04}
	// NextIDKey: 0x04 0x05 → the next id to mint, uint64 BE (ids start at 1).
	NextIDKey = []byte{ModulePrefix, 0x05}
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

// NFTKey is the record of NFT id.
func NFTKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(join(NFTPrefix), id)
}

// ContributorKey links a contributor account to its NFT.
func ContributorKey(c auth.Address) []byte { return join(ContributorPrefix, c[:]) }

// OwnerKey lists the NFTs an owner holds.
func OwnerKey(o auth.Address) []byte { return join(OwnerPrefix, o[:]) }

// MarshalIDs concatenates uint64 BE ids.
func MarshalIDs(ids []uint64) []byte {
	out := make([]byte, 0, 8*len(ids))
	for _, id := range ids {
		out = binary.BigEndian.AppendUint64(out, id)
	}
	return out
}

// UnmarshalIDs splits MarshalIDs' form.
func UnmarshalIDs(b []byte) ([]uint64, bool) {
	if len(b)%8 != 0 {
		return nil, false
	}
	ids := make([]uint64, len(b)/8)
	for i := range ids {
		ids[i] = binary.BigEndian.Uint64(b[i*8:])
	}
	return ids, true
}
