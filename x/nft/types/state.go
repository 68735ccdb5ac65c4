package types

import (
	"fmt"

	"github.com/ethereum/go-ethereum/rlp"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// NFT is one "PinGo Contributor" token. Contributor is the account whose
// verified work it records (fixed at mint); Owner holds the rights (to
// submit jobs) and changes by TransferNFT.
//
// Stored as the RLP list [id, contributor, owner, units, firstEpoch,
// lastEpoch, tier, receipts]: compact and cheap to rewrite, since every
// accepted receipt updates one NFT per contributor.
type NFT struct {
	ID          uint64       `json:"id"`
	Contributor auth.Address `json:"contributor"`
	Owner       auth.Address `json:"owner"`
	// Units is the contributor's verified units to date.
	Units      uint64 `json:"units"`
	FirstEpoch uint64 `json:"first_epoch"`
	LastEpoch  uint64 `json:"last_epoch"`
	Tier       uint32 `json:"tier"`
	// Receipts counts the receipts that credited this contributor.
	Receipts uint64 `json:"receipts"`
}

// Marshal is the stored form.
func (n *NFT) Marshal() []byte {
	b, err := rlp.EncodeToBytes(n)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalNFT reads the stored form (canonical RLP only).
func UnmarshalNFT(b []byte) (NFT, error) {
	var n NFT
	if err := rlp.DecodeBytes(b, &n); err != nil {
		return n, fmt.Errorf("nft record: %w", err)
	}
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
