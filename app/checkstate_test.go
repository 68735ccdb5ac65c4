package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/stretchr/testify/require"
)

// CheckTx reads the last committed state through a cache of recent values
// (store.Hot): after each block it must see exactly that block's writes —
// new nonces and balances, received funds — never a value from before, and
// an account it read earlier must not keep a stale value.
func TestCheckTxSeesEachCommit(t *testing.T) {
	const fee = 10_000
	a := testutil.NewApp(t, testutil.Genesis(2, 1_000_000))
	k0, k1 := testutil.Key(0), testutil.Key(1)
	fresh := testutil.Key(500) // no genesis balance
	// Warm the cache with the fresh account's absence and k0's nonce 0.
	r0 := a.Check(testutil.Transfer(fresh, testutil.ChainID, 0, fee, testutil.Addr(k1), 1))
	require.True(t, isCode(r0, auth.ErrInsufficientFee), "%s/%d %s", r0.Codespace, r0.Code, r0.Log)
	require.Zero(t, a.Check(testutil.Transfer(k0, testutil.ChainID, 0, fee, testutil.Addr(k1), 1)).Code)

	for h := uint64(0); h < 5; h++ {
		// Block h funds the fresh account and advances k0's nonce.
		res := a.Block(testutil.Transfer(k0, testutil.ChainID, h, fee, testutil.Addr(fresh), 2*fee))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
		// The old nonce is now too low; the next one is accepted.
		r := a.Check(testutil.Transfer(k0, testutil.ChainID, h, fee, testutil.Addr(k1), 1))
		require.True(t, isCode(r, auth.ErrNonceTooLow), "height %d: %s", h, r.Log)
		r = a.Check(testutil.Transfer(k0, testutil.ChainID, h+1, fee, testutil.Addr(k1), 1))
		require.Zero(t, r.Code, "height %d: %s", h, r.Log)
		// The fresh account spends what the block gave it (it received
		// 2·fee per block and spends fee+1 per check, nonce = h).
		r = a.Check(testutil.Transfer(fresh, testutil.ChainID, h, fee, testutil.Addr(k1), 1))
		require.Zero(t, r.Code, "height %d: fresh account: %s", h, r.Log)
		// Include it so its nonce moves on with the chain.
		res = a.Block(testutil.Transfer(fresh, testutil.ChainID, h, fee, testutil.Addr(k1), 1))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	}
}

func isCode(r *abci.ResponseCheckTx, e *codes.Error) bool {
	return r.Codespace == e.Codespace() && r.Code == e.Code()
}
