package keeper

import (
	"fmt"

	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/nft/types"
)

// Iterator walks a key range of committed state in ascending order.
type Iterator interface {
	Iterate(start, end []byte, fn func(k, v []byte) bool) error
}

// InitGenesis writes params and any exported NFTs with their indexes.
func InitGenesis(kv KV, g *types.Genesis) error {
	if err := g.Validate(); err != nil {
		return err
	}
	kv.Set(types.ParamsKey, g.Params.Marshal())
	next := uint64(1)
	for i := range g.NFTs {
		n := g.NFTs[i]
		setNFT(kv, &n)
		kv.Set(types.ContributorKey(n.Contributor), types.MarshalIDs([]uint64{n.ID}))
		owned, err := Owned(kv, n.Owner)
		if err != nil {
			return err
		}
		setOwned(kv, n.Owner, insertID(owned, n.ID))
		if n.ID >= next {
			next = n.ID + 1
		}
	}
	setNextID(kv, next)
	return nil
}

// ExportGenesis reads params and every NFT, in id order, from committed
// state.
func ExportGenesis(kv KV, it Iterator) (*types.Genesis, error) {
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	g := &types.Genesis{Params: p}
	var decodeErr error
	end := []byte{types.ModulePrefix, types.NFTPrefix[1] + 1}
	err = it.Iterate(types.NFTPrefix, end, func(k, v []byte) bool {
		n, err := types.UnmarshalNFT(v)
		if err != nil {
			decodeErr = fmt.Errorf("nft %x: %w", k, err)
			return false
		}
		g.NFTs = append(g.NFTs, n)
		return true
	})
	if err != nil {
		return nil, codes.Wrapf(codes.Internal, "iterate nfts: %v", err)
	}
	return g, decodeErr
}
