package chain_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// A second node running one validator's consensus key (fresh signing state,
// so nothing stops it from signing what the original signed) double-signs
// on a 4-validator network. CometBFT commits DuplicateVoteEvidence; staking
// jails and tombstones the validator, slashes slash_fraction_double_sign_ppb
// of its tokens and removes it from the set; the 3 honest validators keep
// committing.
func TestDoubleSignSlashedAndJailed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 5-node network")
	}
	const evil = 3
	began := time.Now()
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 4, FirstIP: 51, BlockTime: 300 * time.Millisecond,
		Genesis: fastStaking(10, 1000, 500, 10)})
	// The twin: its own node key and data, node3's validator key, signing
	// state at height 0.
	twin := n.AddNode("twin", 55, nil)
	key, err := os.ReadFile(filepath.Join(n.Nodes[evil].Home, "config", "priv_validator_key.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(twin.Home, "config", "priv_validator_key.json"), key, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(twin.Home, "data", "priv_validator_state.json"),
		[]byte(`{"height":"0","round":0,"step":0}`), 0o600))
	defer func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	}()
	for i := 0; i < 4; i++ {
		n.Start(i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	n.WaitHeight(0, 3, 30*time.Second)

	op := chain.DevValidatorOperator(evil)
	opAddr := auth.PubkeyToAddress(&op.PublicKey)
	consKey := n.Nodes[evil].ConsKey(t)
	require.Equal(t, consKey, twin.ConsKey(t))
	consAddr := consKey.ConsAddress()
	c := n.Nodes[0].Client
	rec, _ := validatorRecord(ctx, t, c, opAddr, 0)
	require.False(t, rec.Jailed)

	n.Start(4) // the twin
	twinStart := n.MaxHeight()
	t.Logf("twin started at height %d after %s", twinStart, time.Since(began).Round(time.Millisecond))

	var seenAt int64
	ok := within(45*time.Second, func() bool {
		r, h := validatorRecord(ctx, t, c, opAddr, 0)
		if r.Tombstoned {
			rec, seenAt = r, h
		}
		return r.Tombstoned
	})
	if !ok {
		t.Skipf("no double sign was committed within 45s of starting the twin (chain at %d): CometBFT's timing did not produce conflicting votes", n.MaxHeight())
	}
	t.Logf("tombstoned (seen at height %d) after %s", seenAt, time.Since(began).Round(time.Millisecond))
	// The twin and the original stop: the honest 3 carry on.
	n.Stop(4)
	n.Stop(evil)

	require.True(t, rec.Jailed)
	require.Equal(t, int64(1<<63-1), rec.JailedUntil)
	params := staking.DefaultParams()
	slash := new(uint256.Int).Mul(chain.DevSelfBond, uint256.NewInt(params.SlashFractionDoubleSignPpb))
	slash.Div(slash, uint256.NewInt(staking.PpbDenom))
	require.Equal(t, new(uint256.Int).Sub(chain.DevSelfBond, slash).Dec(), rec.Tokens.Dec(), "tokens after the double-sign slash")

	// The evidence is in a committed block between the twin's start and the
	// height the record showed the tombstone.
	var evHeight int64
	for h := twinStart; h <= seenAt && evHeight == 0; h++ {
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		b, err := c.RPC().Block(cctx, &h)
		ccancel()
		require.NoError(t, err, "block %d", h)
		for _, ev := range b.Block.Evidence.Evidence {
			dve, isDup := ev.(*cmttypes.DuplicateVoteEvidence)
			if isDup && bytes.Equal(dve.VoteA.ValidatorAddress, consAddr) {
				require.NotEqual(t, dve.VoteA.BlockID.Key(), dve.VoteB.BlockID.Key())
				evHeight = h
				t.Logf("DuplicateVoteEvidence in block %d: votes at height %d round %d type %v", h, dve.VoteA.Height, dve.VoteA.Round, dve.VoteA.Type)
			}
		}
	}
	require.Positive(t, evHeight, "no DuplicateVoteEvidence against the validator in blocks %d..%d", twinStart, seenAt)
	r, _ := validatorRecord(ctx, t, c, opAddr, evHeight)
	require.True(t, r.Tombstoned, "tombstoned in the block carrying the evidence")
	if evHeight > 1 {
		r, _ = validatorRecord(ctx, t, c, opAddr, evHeight-1)
		require.False(t, r.Tombstoned)
	}
	vals := cometValidators(ctx, t, c, evHeight+2)
	require.False(t, hasValidator(vals, consAddr), "/validators at %d still lists the tombstoned validator", evHeight+2)
	require.Len(t, vals, 3)

	// Unjail can never work for it: staking/14.
	_, err = sendTx(ctx, c, op, &staking.Unjail{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "staking/14")

	// The 3 honest validators keep committing, and agree.
	from := n.MaxHeight()
	n.WaitHeight(0, from+5, 30*time.Second)
	for i := 1; i < 3; i++ {
		n.WaitHeight(i, from+5, 10*time.Second)
	}
	want := commitAt(ctx, t, n.Nodes[0].Client, from+4).Header.AppHash.String()
	for i := 1; i < 3; i++ {
		require.Equal(t, want, commitAt(ctx, t, n.Nodes[i].Client, from+4).Header.AppHash.String(), "node%d", i)
	}
	t.Logf("done in %s", time.Since(began).Round(time.Millisecond))
}
