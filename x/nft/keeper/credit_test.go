package keeper_test

import (
	"testing"

	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/nft/keeper"
	"github.com/pingo-chain/pingo/x/nft/types"
	"github.com/stretchr/testify/require"
)

type memKV map[string][]byte

func (m memKV) Get(k []byte) ([]byte, error) { return m[string(k)], nil }
func (m memKV) Set(k, v []byte)              { m[string(k)] = append([]byte(nil), v...) }
func (m memKV) Delete(k []byte)              { delete(m, string(k)) }

func addr(i uint64) auth.Address { return testutil.Addr(testutil.Key(i)) }

// Credit mints once per contributor, then updates units, epochs, tier and
// receipts; ids are sequential; the owner list follows transfers and is
// bounded by max_per_owner for transfers only.
func TestCreditAndTransfer(t *testing.T) {
	kv := memKV{}
	g := types.Genesis{Params: types.Params{TierThresholds: []uint64{10, 100}, MaxPerOwner: 1}}
	require.NoError(t, keeper.InitGenesis(kv, &g))
	p := g.Params

	n, ev, err := keeper.Credit(kv, &p, addr(1), 5, 3)
	require.NoError(t, err)
	require.Equal(t, uint64(1), n)
	require.NotNil(t, ev)
	require.Equal(t, "nft_mint", ev.Type)
	n, ev, err = keeper.Credit(kv, &p, addr(1), 6, 7)
	require.NoError(t, err)
	require.Equal(t, uint64(2), n)
	require.Nil(t, ev)
	_, _, err = keeper.Credit(kv, &p, addr(2), 200, 4)
	require.NoError(t, err)

	one, found, err := keeper.GetNFT(kv, 1)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, types.NFT{ID: 1, Contributor: addr(1), Owner: addr(1), Units: 11, FirstEpoch: 3, LastEpoch: 7, Tier: 1, Receipts: 2}, one)
	two, _, _ := keeper.GetNFT(kv, 2)
	require.Equal(t, uint32(2), two.Tier)
	require.Equal(t, uint64(2), two.ID)

	// Transfer 1 → 3; 3 now holds one (the max): a second transfer to it
	// is refused, but 3's own first credit still mints its NFT.
	h := &auth.Header{From: addr(1)}
	_, err = keeper.Execute(kv, &p, h, &types.TransferNFT{ID: 1, To: addr(3)})
	require.NoError(t, err)
	held, _ := keeper.HoldsNFT(kv, addr(1))
	require.False(t, held)
	_, err = keeper.Execute(kv, &p, &auth.Header{From: addr(2)}, &types.TransferNFT{ID: 2, To: addr(3)})
	require.ErrorIs(t, err, types.ErrTooManyHeld)
	_, _, err = keeper.Credit(kv, &p, addr(3), 1, 9)
	require.NoError(t, err)
	ids, err := keeper.Owned(kv, addr(3))
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 3}, ids)
	// Work by 1 still lands on NFT 1, held by 3.
	_, _, err = keeper.Credit(kv, &p, addr(1), 1, 9)
	require.NoError(t, err)
	one, _, _ = keeper.GetNFT(kv, 1)
	require.Equal(t, uint64(12), one.Units)
	require.Equal(t, addr(3), one.Owner)
}

func TestNFTRecordRoundTrip(t *testing.T) {
	n := types.NFT{ID: 9, Contributor: addr(1), Owner: addr(2), Units: 1 << 40, FirstEpoch: 1, LastEpoch: 2, Tier: 3, Receipts: 4}
	b := n.Marshal()
	require.Len(t, b, types.RecordLen)
	back, err := types.UnmarshalNFT(b)
	require.NoError(t, err)
	require.Equal(t, n, back)
	_, err = types.UnmarshalNFT(b[:83])
	require.Error(t, err)
}
