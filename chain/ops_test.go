package chain_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/stretchr/testify/require"
)

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}

// pingod export → new chain: same balances and nonces, and a transaction
// signed before the export cannot replay after it.
func TestExportRoundTrip(t *testing.T) {
	n := testutil.StartNode(t, testutil.Genesis(4, 1_000_000_000))
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	k0, k1, k2 := testutil.Key(0), testutil.Key(1), testutil.Key(2)
	old := testutil.Transfer(k0, testutil.ChainID, 0, 10_000, testutil.Addr(k1), 5)
	h, err := c.Broadcast(ctx, old)
	require.NoError(t, err)
	_, err = c.WaitTx(ctx, h)
	require.NoError(t, err)
	_, _, err = c.Transfer(ctx, k2, testutil.Addr(k1), uint256.NewInt(1234), uint256.NewInt(20_000))
	require.NoError(t, err)
	want := map[auth.Address]auth.Account{}
	for i := uint64(0); i < 4; i++ {
		acc, _, err := c.Account(ctx, testutil.Addr(testutil.Key(i)))
		require.NoError(t, err)
		want[testutil.Addr(testutil.Key(i))] = acc
	}
	require.NoError(t, n.Stop())

	doc, err := chain.Export(n.Cfg)
	require.NoError(t, err)
	st, err := app.ParseGenesis(doc.AppState)
	require.NoError(t, err)
	require.Len(t, st.Bank.Nonces, 2)
	// The 30,000 upingo of fees went to the node's validator (the test
	// validator, which signs every block and is paid the previous block's
	// fees in each BeginBlock), so the exported pool holds at most the fees
	// of the last block: the second transfer's 20,000, or nothing.
	if st.Bank.FeePool != nil {
		require.Contains(t, []string{"0", "20000"}, st.Bank.FeePool.Dec())
	}

	// Same validator key, new chain from the export.
	home2, err := os.MkdirTemp("", "pingo-export-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(home2) })
	_, err = chain.InitHome(home2, chain.InitOptions{Moniker: "b", ChainID: doc.ChainID, L2ChainID: testutil.ChainID})
	require.NoError(t, err)
	copyFile(t, filepath.Join(n.Home, "config", "priv_validator_key.json"), filepath.Join(home2, "config", "priv_validator_key.json"))
	require.NoError(t, doc.SaveAs(chain.GenesisFile(home2)))
	n2 := testutil.StartHome(t, home2)
	c2, err := client.New(n2.RPC)
	require.NoError(t, err)
	for addr, acc := range want {
		got, _, err := c2.Account(ctx, addr)
		require.NoError(t, err)
		require.Equal(t, acc.Nonce, got.Nonce, addr.Hex())
		require.True(t, acc.Balance.Eq(&got.Balance), addr.Hex())
	}
	_, err = c2.Broadcast(ctx, old)
	var te *client.TxError
	require.True(t, errors.As(err, &te), "%v", err)
	require.Equal(t, auth.ErrNonceTooLow.Code(), te.Code)
	require.NoError(t, n2.App.CheckInvariants())
}

// pingod rollback: back one height, restart, re-execute to the same AppHash.
func TestRollback(t *testing.T) {
	n := testutil.StartNode(t, testutil.Genesis(2, 1_000_000_000))
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, _, err = c.Transfer(ctx, testutil.Key(0), testutil.Addr(testutil.Key(1)), uint256.NewInt(1), uint256.NewInt(10_000))
	require.NoError(t, err)
	seen := n.Cmt.BlockStore().Height()
	hashes := map[int64][]byte{}
	for h := int64(1); h <= seen; h++ {
		hashes[h] = []byte(n.Cmt.BlockStore().LoadBlockMeta(h).Header.AppHash)
	}
	require.NoError(t, n.Stop())
	h, _, err := chain.Rollback(n.Cfg, false)
	require.NoError(t, err)
	require.GreaterOrEqual(t, h, seen-1)
	top := h + 1

	n2 := testutil.StartHome(t, n.Home)
	n2.WaitHeight(t, top+2, 30*time.Second)
	for hh := int64(1); hh <= seen; hh++ {
		require.Equal(t, hashes[hh], []byte(n2.Cmt.BlockStore().LoadBlockMeta(hh).Header.AppHash), "height %d", hh)
	}
	// Block top+1 carries the AppHash after re-executing block top.
	require.NotEmpty(t, n2.Cmt.BlockStore().LoadBlockMeta(top+1).Header.AppHash)
	require.NoError(t, n2.App.CheckInvariants())
}
