package keeper

import (
	"encoding/hex"
	"strconv"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/nft/types"
)

// Credit records units of verified work by contributor in epoch: it mints
// the contributor's NFT (owned by the contributor) on its first credit and
// updates units, epochs, tier and receipt count after. It is the only way
// an NFT comes to exist; x/compute calls it when a receipt is accepted
// (in the proof issue: when it PASSes). It returns the contributor's
// receipt count including this one, and a mint event or nil.
//
// A mint never fails on max_per_owner: a contributor that already holds the
// maximum by transfer still gets the NFT recording its own work (the bound
// only stops transfers piling NFTs on one account).
func Credit(kv KV, p *types.Params, contributor auth.Address, units, epoch uint64) (uint64, *Event, error) {
	return CreditBlock(kv, p, contributor, units, epoch, epoch, 1)
}

// CreditBlock is Credit for several receipts at once: x/compute credits
// each contributor once per block (at EndBlock) with the block's PASSed
// receipts naming it — units summed, receipts their number, firstEpoch
// the epoch of the first of them (the NFT's first epoch if this mints
// it), lastEpoch the highest. One read and one write of the NFT instead
// of one per receipt. It returns the receipt count after the credit.
func CreditBlock(kv KV, p *types.Params, contributor auth.Address, units, firstEpoch, lastEpoch, receipts uint64) (uint64, *Event, error) {
	id, err := ByContributor(kv, contributor)
	if err != nil {
		return 0, nil, err
	}
	if id == 0 {
		if id, err = nextID(kv); err != nil {
			return 0, nil, err
		}
		setNextID(kv, id+1)
		kv.Set(types.ContributorKey(contributor), types.MarshalIDs([]uint64{id}))
		n := types.NFT{ID: id, Contributor: contributor, Owner: contributor, Units: units,
			FirstEpoch: firstEpoch, LastEpoch: max(firstEpoch, lastEpoch), Tier: p.Tier(units), Receipts: receipts}
		setNFT(kv, &n)
		owned, err := Owned(kv, contributor)
		if err != nil {
			return 0, nil, err
		}
		setOwned(kv, contributor, insertID(owned, id))
		return receipts, &Event{Type: "nft_mint", Attrs: [][2]string{
			{"id", strconv.FormatUint(id, 10)}, {"collection", types.CollectionName},
			{"contributor", lowerHex(contributor)}, {"units", strconv.FormatUint(units, 10)},
		}}, nil
	}
	n, found, err := GetNFT(kv, id)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, codes.Wrapf(codes.Internal, "contributor %s links missing nft %d", contributor, id)
	}
	if n.Units+units < n.Units || n.Receipts+receipts < n.Receipts {
		return 0, nil, codes.Wrapf(codes.Internal, "nft %d units overflow", id)
	}
	n.Units += units
	n.Receipts += receipts
	n.LastEpoch = max(n.LastEpoch, firstEpoch, lastEpoch)
	n.Tier = p.Tier(n.Units)
	setNFT(kv, &n)
	return n.Receipts, nil, nil
}

func insertID(ids []uint64, id uint64) []uint64 {
	i := 0
	for i < len(ids) && ids[i] < id {
		i++
	}
	if i < len(ids) && ids[i] == id {
		return ids
	}
	ids = append(ids, 0)
	copy(ids[i+1:], ids[i:])
	ids[i] = id
	return ids
}

// lowerHex is lowercase 0x hex without the EIP-55 checksum, as x/compute's
// contributor events use (one keccak less per contributor per receipt).
func lowerHex(a auth.Address) string { return "0x" + hex.EncodeToString(a[:]) }
