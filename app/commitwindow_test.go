package app_test

import (
	"context"
	"crypto/ecdsa"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/stretchr/testify/require"
)

// A node that dies after FinalizeBlock saved a version but before Commit
// marked it reopens at the previous height — what CometBFT's handshake
// expects, since it replays the block — and the replay reaches the same
// AppHash. Without the commit marker the reopened app would report the
// uncommitted height and CometBFT would look for that block's saved results
// (or, if they were saved, skip executing it on this app).
func TestCrashBetweenFinalizeAndCommit(t *testing.T) {
	a := testutil.NewApp(t, testutil.Genesis(3, 1_000_000))
	k0, k1 := testutil.Key(0), testutil.Key(1)
	a.Block(testutil.Transfer(k0, testutil.ChainID, 0, 10_000, testutil.Addr(k1), 500))
	committed := a.Height
	before := account(t, a, k1)

	tx := testutil.Transfer(k0, testutil.ChainID, 1, 10_000, testutil.Addr(k1), 700)
	res, _ := a.Finalize(tx)
	require.Equal(t, uint32(0), res.TxResults[len(res.TxResults)-1].Code, res.TxResults[len(res.TxResults)-1].Log)
	require.NoError(t, a.Close()) // the process dies: no Commit

	b := testutil.OpenApp(t, a.Dir)
	info, err := b.Info(context.Background(), &abci.RequestInfo{})
	require.NoError(t, err)
	require.Equal(t, committed, info.LastBlockHeight, "the uncommitted version must not count")
	require.Equal(t, before, account(t, b, k1), "the uncommitted transfer must not be visible")

	replayed := b.Block(tx)
	require.Equal(t, res.AppHash, replayed.AppHash, "the replay reaches the AppHash of the lost version")
	require.Equal(t, uint32(0), replayed.TxResults[len(replayed.TxResults)-1].Code)
	b.Block()
	require.NoError(t, b.Close())

	// And a clean restart after Commit keeps everything.
	c := testutil.OpenApp(t, a.Dir)
	require.Equal(t, committed+2, c.Height)
	require.NotEqual(t, before, account(t, c, k1))
}

// account is k's committed account record (nonce ‖ balance).
func account(t *testing.T, a *testutil.App, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	q, err := a.Query(context.Background(), &abci.RequestQuery{Path: "/auth/account/" + testutil.Addr(k).Hex()})
	require.NoError(t, err)
	require.Equal(t, uint32(0), q.Code, q.Log)
	require.NotEmpty(t, q.Value)
	return q.Value
}
