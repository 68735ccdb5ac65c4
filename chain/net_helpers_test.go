package chain_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"testing"
	"time"

	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// Shared helpers of the net_*_test.go network tests.

var netFee = uint256.NewInt(10_000)

// fastStaking shrinks staking's time-based params so network tests see
// unbonding, liveness and jail periods in seconds.
func fastStaking(unbonding, window int64, minSignedBps uint32, jail int64) func(*chain.Genesis) {
	return func(g *chain.Genesis) {
		p := &g.State.Staking.Params
		p.UnbondingBlocks = unbonding
		p.SignedBlocksWindow = window
		p.MinSignedPerWindowBps = minSignedBps
		p.DowntimeJailBlocks = jail
	}
}

// sendTx signs msg from key through c, broadcasts it and waits for it to be
// committed. A refusal (CheckTx or DeliverTx) is a *client.TxError.
func sendTx(ctx context.Context, c *client.Client, key *ecdsa.PrivateKey, msg auth.Msg) (*coretypes.ResultTx, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	tx, err := c.Sign(ctx, key, msg, netFee, nil)
	if err != nil {
		return nil, err
	}
	hash, err := c.Broadcast(ctx, tx)
	if err != nil {
		return nil, err
	}
	return c.WaitTx(ctx, hash)
}

// txEvent returns attribute key of the first event of type typ.
func txEvent(res *coretypes.ResultTx, typ, key string) string {
	for _, ev := range res.TxResult.Events {
		if ev.Type != typ {
			continue
		}
		for _, a := range ev.Attributes {
			if a.Key == key {
				return a.Value
			}
		}
	}
	return ""
}

// queryRetry runs a verified query, retrying transient failures (the node
// not at that height yet, restarts) until ctx or 15 s end.
func queryRetry(ctx context.Context, t *testing.T, c *client.Client, path string, height int64) *client.Result {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		res, err := c.Query(qctx, path, height)
		cancel()
		if err == nil {
			require.True(t, res.Verified, "%s at %d not verified", path, height)
			return res
		}
		if errors.Is(err, client.ErrNotVerified) {
			t.Fatalf("%s at %d: %v", path, height, err)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("%s at %d: %v", path, height, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// validatorRecord reads op's staking record (verified) at height (0 = newest).
func validatorRecord(ctx context.Context, t *testing.T, c *client.Client, op auth.Address, height int64) (staking.Validator, int64) {
	t.Helper()
	res := queryRetry(ctx, t, c, "/staking/validator/"+op.Hex(), height)
	require.NotNil(t, res.Value, "no validator record for %s at %d", op.Hex(), res.Height)
	v, err := staking.UnmarshalValidator(res.Value)
	require.NoError(t, err)
	return v, res.Height
}

// balance reads addr's balance (verified) at height (0 = newest).
func balance(ctx context.Context, t *testing.T, c *client.Client, addr auth.Address, height int64) *uint256.Int {
	t.Helper()
	res := queryRetry(ctx, t, c, "/bank/balance/"+addr.Hex(), height)
	if res.Value == nil {
		return new(uint256.Int)
	}
	acc, err := auth.UnmarshalAccount(res.Value)
	require.NoError(t, err)
	return &acc.Balance
}

// cometValidators is CometBFT's /validators at height h (retried until the
// node has h or 15 s pass).
func cometValidators(ctx context.Context, t *testing.T, c *client.Client, h int64) []*cmttypes.Validator {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	perPage := 100
	for {
		qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		res, err := c.RPC().Validators(qctx, &h, nil, &perPage)
		cancel()
		if err == nil {
			return res.Validators
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("/validators at %d: %v", h, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func hasValidator(vals []*cmttypes.Validator, addr []byte) bool {
	for _, v := range vals {
		if bytes.Equal(v.Address, addr) {
			return true
		}
	}
	return false
}

// commitAt is CometBFT's /commit at height h (retried ≤ 15 s).
func commitAt(ctx context.Context, t *testing.T, c *client.Client, h int64) *coretypes.ResultCommit {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		res, err := c.RPC().Commit(qctx, &h)
		cancel()
		if err == nil && res.Commit != nil {
			return res
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("/commit at %d: %v", h, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// signedBy: the commit of h carries a commit signature from addr.
func signedBy(cm *coretypes.ResultCommit, addr []byte) bool {
	for _, s := range cm.Commit.Signatures {
		if s.BlockIDFlag == cmttypes.BlockIDFlagCommit && bytes.Equal(s.ValidatorAddress, addr) {
			return true
		}
	}
	return false
}

// rpcHeight is the node's latest block height from /status (0 on error).
func rpcHeight(ctx context.Context, c *client.Client) int64 {
	h, err := latestHeight(ctx, c)
	if err != nil {
		return 0
	}
	return h
}

// within polls cond every 100 ms until it holds or timeout passes.
func within(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
