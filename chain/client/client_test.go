package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/stretchr/testify/require"
)

// A wallet's whole path on a real node over real RPC: sign, broadcast, wait,
// read the new balance with a verified proof.
func TestTransferOverRPCWithVerifiedProof(t *testing.T) {
	n := testutil.StartNode(t, testutil.Genesis(2, 1_000_000_000))
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	from, to := testutil.Key(0), testutil.Addr(testutil.Key(1))
	_, height, err := c.Transfer(ctx, from, to, uint256.NewInt(123_456), uint256.NewInt(10_000))
	require.NoError(t, err)
	require.Positive(t, height)

	res, err := c.Query(ctx, "/bank/balance/"+to.Hex(), height)
	require.NoError(t, err)
	require.True(t, res.Verified)
	acc, err := auth.UnmarshalAccount(res.Value)
	require.NoError(t, err)
	require.Equal(t, uint64(1_000_000_000+123_456), acc.Balance.Uint64())

	// Absent accounts are proven absent.
	stranger := testutil.Addr(testutil.Key(99))
	res, err = c.Query(ctx, "/auth/account/"+stranger.Hex(), height)
	require.NoError(t, err)
	require.True(t, res.Verified)
	require.Nil(t, res.Value)

	// A replay of the same nonce is refused with its stable code.
	_, _, err = c.Transfer(ctx, from, to, uint256.NewInt(1), uint256.NewInt(10_000))
	require.NoError(t, err)
	tx := testutil.Transfer(from, testutil.ChainID, 0, 10_000, to, 1)
	_, err = c.Broadcast(ctx, tx)
	var te *client.TxError
	require.True(t, errors.As(err, &te), "%v", err)
	require.Equal(t, "auth", te.Codespace)
	require.Equal(t, auth.ErrNonceTooLow.Code(), te.Code)
}
