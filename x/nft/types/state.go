package types

import (
	"encoding/binary"
	"fmt"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// NFT is one "PinGo Contributor" token. Contributor is the account whose
// verified work it records (fixed at mint); Owner holds the rights (to
// submit jobs) and changes by TransferNFT.
//
// Stored as 84 fixed bytes, big-endian: id(8) ‖ contributor(20) ‖
// owner(20) ‖ units(8) ‖ firstEpoch(8) ‖ lastEpoch(8) ‖ tier(4) ‖
// receipts(8). Every accepted receipt rewrites one NFT per contributor, so
// the record is a flat layout rather than a reflective encoding.
type NFT struct {
	ID          uint64       `json:"id"`
	Contributor auth.Address `json:"contributor"`
	Owner       auth.Address `json:"owner"`
	// Units is the contributor's verified units to date.
	Units      uint64 `json:"units"`
	FirstEpoch uint64 `json:"first_epoch"`
	LastEpoch  uint64 `json:"last_epoch"`
	Tier       uint32 `json:"tier"`
	// Receipts counts the receipts that credited this contributor (the
	// length of its receipt list in x/compute).
	Receipts uint64 `json:"receipts"`
}

// RecordLen is the stored size of an NFT.
const RecordLen = 84

// Marshal is the stored form.
func (n *NFT) Marshal() []byte {
	b := make([]byte, 0, RecordLen)
	b = binary.BigEndian.AppendUint64(b, n.ID)
	b = append(b, n.Contributor[:]...)
	b = append(b, n.Owner[:]...)
	b = binary.BigEndian.AppendUint64(b, n.Units)
	b = binary.BigEndian.AppendUint64(b, n.FirstEpoch)
	b = binary.BigEndian.AppendUint64(b, n.LastEpoch)
	b = binary.BigEndian.AppendUint32(b, n.Tier)
	return binary.BigEndian.AppendUint64(b, n.Receipts)
}

// UnmarshalNFT reads the stored form (exactly RecordLen bytes).
func UnmarshalNFT(b []byte) (NFT, error) {
	var n NFT
	if len(b) != RecordLen {
		return n, fmt.Errorf("nft record: want %d bytes, got %d", RecordLen, len(b))
	}
	n.ID = binary.BigEndian.Uint64(b)
	copy(n.Contributor[:], b[8:28])
	copy(n.Owner[:], b[28:48])
	n.Units = binary.BigEndian.Uint64(b[48:])
	n.FirstEpoch = binary.BigEndian.Uint64(b[56:])
	n.LastEpoch = binary.BigEndian.Uint64(b[64:])
	n.Tier = binary.BigEndian.Uint32(b[72:])
	n.Receipts = binary.BigEndian.Uint64(b[76:])
	return n, nil
}

// Genesis is nft's part of app_state.
type Genesis struct {
	Params Params `json:"params"`
	// NFTs of an exported state (a fresh chain has none: only the chain
	// mints, from receipts).
	NFTs []NFT `json:"nfts,omitempty"`
}

// DefaultGenesis has no NFTs.
func DefaultGenesis() Genesis { return Genesis{Params: DefaultParams()} }

// Validate checks parameters, unique ids, unique contributors and owner
// limits.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	ids := map[uint64]bool{}
	contributors := map[auth.Address]bool{}
	held := map[auth.Address]uint32{}
	for _, n := range g.NFTs {
		if n.ID == 0 || ids[n.ID] {
			return fmt.Errorf("nft genesis: id %d zero or duplicate", n.ID)
		}
		ids[n.ID] = true
		if n.Contributor == auth.ZeroAddress || n.Owner == auth.ZeroAddress || contributors[n.Contributor] {
			return fmt.Errorf("nft genesis: nft %d: contributor zero or duplicate, or owner zero", n.ID)
		}
		contributors[n.Contributor] = true
		held[n.Owner]++
		if held[n.Owner] > g.Params.MaxPerOwner {
			return fmt.Errorf("nft genesis: %s holds more than max_per_owner", n.Owner)
		}
	}
	return nil
}
