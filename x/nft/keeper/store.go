// Package keeper keeps the "PinGo Contributor" NFTs: reads, the owner's
// TransferNFT, and Credit, the only way an NFT comes to exist (called by
// x/compute when a receipt is accepted).
//
// Every function takes the KV it works on (a tx overlay, a block overlay or
// a committed snapshot) and only does point reads, so block execution sees
// its own staged writes. Only ExportGenesis iterates, on committed state.
package keeper

import (
	"encoding/binary"
	"sort"

	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/nft/types"
)

// KV is the slice of the state store this module needs.
type KV interface {
	authkeeper.KV
	Delete(key []byte)
}

// Event is bank's typed event; the app turns it into an ABCI event.
type Event = bankkeeper.Event

// GetParams reads nft's parameters.
func GetParams(kv authkeeper.KV) (types.Params, error) {
	b, err := kv.Get(types.ParamsKey)
	if err != nil || b == nil {
		return types.Params{}, codes.Wrapf(codes.Internal, "nft params missing: %v", err)
	}
	p, err := types.UnmarshalParams(b)
	if err != nil {
		return p, codes.Wrapf(codes.Internal, "nft params: %v", err)
	}
	return p, nil
}

// GetNFT returns NFT id; found is false if none.
func GetNFT(kv KV, id uint64) (n types.NFT, found bool, err error) {
	key := types.NFTKey(id)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return n, false, err
	}
	n, err = types.UnmarshalNFT(b)
	if err != nil {
		return n, false, codes.Wrapf(codes.Internal, "record %x: %v", key, err)
	}
	return n, true, nil
}

func setNFT(kv KV, n *types.NFT) { kv.Set(types.NFTKey(n.ID), n.Marshal()) }

// ByContributor returns the id of the NFT recording contributor's work
// (0 if it has none yet).
func ByContributor(kv KV, contributor auth.Address) (uint64, error) {
	key := types.ContributorKey(contributor)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, codes.Wrapf(codes.Internal, "record %x: want 8 bytes", key)
	}
	return binary.BigEndian.Uint64(b), nil
}

// Owned lists the ids owner holds, ascending.
func Owned(kv KV, owner auth.Address) ([]uint64, error) {
	key := types.OwnerKey(owner)
	b, err := bankkeeper.Get(kv, key)
	if err != nil {
		return nil, err
	}
	ids, ok := types.UnmarshalIDs(b)
	if !ok {
		return nil, codes.Wrapf(codes.Internal, "record %x: not a list of ids", key)
	}
	return ids, nil
}

// HoldsNFT is the right to submit jobs: the account owns at least one NFT.
func HoldsNFT(kv KV, owner auth.Address) (bool, error) {
	b, err := bankkeeper.Get(kv, types.OwnerKey(owner))
	return len(b) > 0, err
}

func setOwned(kv KV, owner auth.Address, ids []uint64) {
	if len(ids) == 0 {
		kv.Delete(types.OwnerKey(owner))
		return
	}
	kv.Set(types.OwnerKey(owner), types.MarshalIDs(ids))
}

func addOwned(kv KV, p *types.Params, owner auth.Address, id uint64) error {
	ids, err := Owned(kv, owner)
	if err != nil {
		return err
	}
	if uint32(len(ids)) >= p.MaxPerOwner {
		return codes.Wrapf(types.ErrTooManyHeld, "%s holds %d (max_per_owner %d)", owner, len(ids), p.MaxPerOwner)
	}
	i := sort.Search(len(ids), func(i int) bool { return ids[i] >= id })
	if i < len(ids) && ids[i] == id {
		return nil
	}
	ids = append(ids, 0)
	copy(ids[i+1:], ids[i:])
	ids[i] = id
	setOwned(kv, owner, ids)
	return nil
}

func removeOwned(kv KV, owner auth.Address, id uint64) error {
	ids, err := Owned(kv, owner)
	if err != nil {
		return err
	}
	i := sort.Search(len(ids), func(i int) bool { return ids[i] >= id })
	if i == len(ids) || ids[i] != id {
		return codes.Wrapf(codes.Internal, "nft %d missing from %s's list", id, owner)
	}
	setOwned(kv, owner, append(ids[:i], ids[i+1:]...))
	return nil
}

func nextID(kv KV) (uint64, error) {
	b, err := bankkeeper.Get(kv, types.NextIDKey)
	if err != nil {
		return 0, err
	}
	if b == nil {
		return 1, nil
	}
	if len(b) != 8 {
		return 0, codes.Wrap(codes.Internal, "nft next id: want 8 bytes")
	}
	return binary.BigEndian.Uint64(b), nil
}

func setNextID(kv KV, id uint64) { kv.Set(types.NextIDKey, binary.BigEndian.AppendUint64(nil, id)) }
