package app_test

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/testutil"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	"github.com/stretchr/testify/require"
)

func TestTransferSmoke(t *testing.T) {
	a := testutil.NewApp(t, testutil.Genesis(3, 1_000_000))
	k0, k1 := testutil.Key(0), testutil.Key(1)
	tx := testutil.Transfer(k0, testutil.ChainID, 0, 10_000, testutil.Addr(k1), 500)
	require.Equal(t, uint32(0), a.Check(tx).Code, a.Check(tx).Log)
	res := a.Block(tx)
	require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)
	q, err := a.Query(context.Background(), &abci.RequestQuery{Path: "/auth/account/" + testutil.Addr(k1).Hex(), Prove: true})
	require.NoError(t, err)
	require.Equal(t, uint32(0), q.Code, q.Log)
	_ = authkeeper.GetAccount
	t.Logf("value %x proof ops %d", q.Value, len(q.ProofOps.Ops))
}
