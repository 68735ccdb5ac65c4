package chain_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// One of 4 validators goes down: the other 3 (> 2/3) keep committing; after
// a liveness window with too few signatures it is jailed, slashed
// slash_fraction_downtime_ppb and removed from CometBFT's set. Restarted,
// its operator's Unjail is refused (staking/13) before downtime_jail_blocks
// have passed and accepted after, and the validator rejoins the set and
// signs again.
func TestDowntimeJails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-validator network")
	}
	const (
		window    = 20
		minSigned = 5000
		jailFor   = 30
		down      = 3 // the validator that goes down
	)
	began := time.Now()
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 4, FirstIP: 41, BlockTime: 300 * time.Millisecond,
		Genesis: fastStaking(10, window, minSigned, jailFor)})
	defer func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	}()
	n.StartAll()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	n.WaitHeight(0, 3, 30*time.Second)

	op := chain.DevValidatorOperator(down)
	opAddr := auth.PubkeyToAddress(&op.PublicKey)
	consKey := n.Nodes[down].ConsKey(t)
	consAddr := consKey.ConsAddress()
	c := n.Nodes[0].Client
	rec, _ := validatorRecord(ctx, t, c, opAddr, 0)
	require.False(t, rec.Jailed)
	require.Equal(t, consKey, rec.ConsPubKey)

	n.Stop(down)
	stoppedAt := n.MaxHeight()
	t.Logf("node%d stopped at height %d after %s", down, stoppedAt, time.Since(began).Round(time.Millisecond))

	// Jailed within about one window (bounded in time).
	var jailedAt int64
	require.True(t, within(60*time.Second, func() bool {
		r, h := validatorRecord(ctx, t, c, opAddr, 0)
		if r.Jailed {
			rec, jailedAt = r, h
		}
		return r.Jailed
	}), "validator %d not jailed within 60s of going down (chain at %d)", down, n.MaxHeight())
	jailHeight := rec.JailedUntil - jailFor
	t.Logf("jailed at height %d (seen at %d), jailed_until %d, after %s", jailHeight, jailedAt, rec.JailedUntil, time.Since(began).Round(time.Millisecond))
	require.False(t, rec.Tombstoned)
	require.Greater(t, jailHeight, stoppedAt, "jailed before it went down")
	require.LessOrEqual(t, jailHeight, max(stoppedAt, 1)+window+window/2+2, "jailed too late")
	// Downtime slash: slash_fraction_downtime_ppb of its bonded tokens.
	params := staking.DefaultParams()
	slash := new(uint256.Int).Mul(chain.DevSelfBond, uint256.NewInt(params.SlashFractionDowntimePpb))
	slash.Div(slash, uint256.NewInt(staking.PpbDenom))
	require.Equal(t, new(uint256.Int).Sub(chain.DevSelfBond, slash).Dec(), rec.Tokens.Dec(), "tokens after downtime slash")

	// The chain kept committing with 3 of 4, and the jailed validator left
	// CometBFT's set.
	require.Greater(t, jailHeight, int64(window))
	vals := cometValidators(ctx, t, c, jailHeight+2)
	require.False(t, hasValidator(vals, consAddr), "/validators at %d still lists the jailed validator", jailHeight+2)
	require.Len(t, vals, 3)

	n.Start(down)
	// Too early: refused with staking/13 (validator still jailed).
	now := n.MaxHeight()
	require.Less(t, now, rec.JailedUntil-3, "too late to test an early Unjail")
	_, err := sendTx(ctx, c, op, &staking.Unjail{})
	var txErr *client.TxError
	require.True(t, errors.As(err, &txErr), "early Unjail: want a TxError, got %v", err)
	require.Equal(t, staking.Codespace, txErr.Codespace, txErr.Error())
	require.EqualValues(t, 13, txErr.Code, txErr.Error())
	t.Logf("early Unjail at ~height %d refused: %s", now, txErr.Log)

	// After the jail period: accepted, and it is back in the set.
	n.WaitHeight(0, rec.JailedUntil, 60*time.Second)
	res, err := sendTx(ctx, c, op, &staking.Unjail{})
	require.NoError(t, err, "Unjail after jailed_until %d", rec.JailedUntil)
	unjailed := res.Height
	require.GreaterOrEqual(t, unjailed, rec.JailedUntil)
	rec, _ = validatorRecord(ctx, t, c, opAddr, unjailed)
	require.False(t, rec.Jailed)
	vals = cometValidators(ctx, t, n.Nodes[1].Client, unjailed+2)
	require.True(t, hasValidator(vals, consAddr), "/validators at %d lacks the unjailed validator", unjailed+2)
	require.Len(t, vals, 4)

	// The restarted node signs again.
	signed := false
	for h := unjailed + 2; h <= unjailed+15 && !signed; h++ {
		n.WaitHeight(0, h+1, 20*time.Second)
		signed = signedBy(commitAt(ctx, t, c, h), consAddr)
	}
	require.True(t, signed, "the unjailed validator signed no commit in heights %d..%d", unjailed+2, unjailed+15)
	t.Logf("unjailed at %d and signing; done in %s", unjailed, time.Since(began).Round(time.Millisecond))
}
