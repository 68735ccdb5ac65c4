package types_test

import (
	"testing"

	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// Genesis records must be compute keys other than params and the pool,
// strictly ascending, with well-formed totals: a genesis cannot smuggle
// in another module's keys or a second copy of a record.
func TestGenesisRecords(t *testing.T) {
	ok := types.Genesis{Params: types.DefaultParams(), Records: []types.Record{
		{Key: types.NodeKey([20]byte{1}), Value: []byte{1}},
		{Key: types.EscrowTotalKey, Value: make([]byte, 32)},
		{Key: types.EmissionTotalKey, Value: make([]byte, 32)},
	}}
	require.NoError(t, ok.Validate())
	for name, rs := range map[string][]types.Record{
		"bank key":             {{Key: []byte{0x02, 0x01}, Value: []byte{1}}},
		"params":               {{Key: types.ParamsKey, Value: []byte("{}")}},
		"pool":                 {{Key: types.IncentivePoolKey, Value: make([]byte, 32)}},
		"duplicate":            {{Key: types.JobKey(1), Value: []byte{1}}, {Key: types.JobKey(1), Value: []byte{2}}},
		"unsorted":             {{Key: types.JobKey(2), Value: []byte{1}}, {Key: types.JobKey(1), Value: []byte{2}}},
		"short total":          {{Key: types.BondTotalKey, Value: []byte{1}}},
		"short emission total": {{Key: types.EmissionTotalKey, Value: []byte{1}}},
		"module byte":          {{Key: []byte{0x05}, Value: []byte{1}}},
	} {
		g := types.Genesis{Params: types.DefaultParams(), Records: rs}
		require.Error(t, g.Validate(), name)
	}
}

// An attestation with the default max_shares contributors fits the default
// max_tx_bytes, so the parameter is reachable.
func TestMaxSharesFitTxSize(t *testing.T) {
	p := types.DefaultParams()
	k := testutil.Key(0)
	att := testutil.Attestation(testutil.ChainID, ^uint64(0)>>1, testutil.Addr(k), 1<<40, 1<<40+uint64(p.MaxShares)*1000, ^uint64(0)>>1, testutil.KeysFrom(100, int(p.MaxShares)))
	tx := testutil.SignedTx(k, testutil.ChainID, ^uint64(0)>>1, 1<<62, att)
	require.LessOrEqual(t, uint64(len(tx)), auth.DefaultParams().MaxTxBytes, "%d shares take %d bytes", p.MaxShares, len(tx))
}
