package chain_test

import (
	"context"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// A full node joins a running 3-validator network as a validator through
// CreateValidator (its own consensus key, a funded dev account as
// operator): CometBFT's set includes it two heights later on every node and
// it signs commits. Undelegating its whole self-bond takes it out of the
// set, and unbonding_blocks later exactly the self-bond is credited to the
// operator (verified queries).
func TestValidatorJoinsAndLeaves(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-node network")
	}
	const unbonding = 10
	began := time.Now()
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 3, FirstIP: 31, BlockTime: 300 * time.Millisecond,
		Genesis: fastStaking(unbonding, 100, 500, 10)})
	full := n.AddNode("full", 34, nil)
	defer func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	}()
	n.StartAll()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	n.WaitHeight(0, 3, 30*time.Second)
	n.WaitHeight(3, 3, 30*time.Second)
	t.Logf("network at height 3 after %s", time.Since(began).Round(time.Millisecond))

	op := chain.DevKey(0)
	opAddr := auth.PubkeyToAddress(&op.PublicKey)
	consKey := full.ConsKey(t)
	consAddr := consKey.ConsAddress()
	selfBond := new(uint256.Int).Set(chain.DevSelfBond)

	// Not a validator yet.
	require.False(t, hasValidator(cometValidators(ctx, t, n.Nodes[0].Client, rpcHeight(ctx, n.Nodes[0].Client)), consAddr))

	res, err := sendTx(ctx, full.Client, op, &staking.CreateValidator{ConsensusKey: consKey, Moniker: "joiner", CommissionBps: 1000, Amount: *selfBond})
	require.NoError(t, err, "CreateValidator")
	created := res.Height
	t.Logf("CreateValidator committed at height %d", created)

	// Updates from EndBlock(H) are in CometBFT's set from H+2, on every node.
	for i, nn := range n.Nodes {
		vals := cometValidators(ctx, t, nn.Client, created+2)
		require.True(t, hasValidator(vals, consAddr), "%s: /validators at %d lacks the new validator", nn.Name, created+2)
		require.Len(t, vals, 4, "node %d", i)
	}
	rec, _ := validatorRecord(ctx, t, n.Nodes[1].Client, opAddr, 0)
	require.Equal(t, consKey, rec.ConsPubKey)
	require.Equal(t, selfBond.Dec(), rec.Tokens.Dec())
	require.False(t, rec.Jailed)

	// It signs: commits of the next heights carry its signature.
	signed := 0
	for h := created + 2; h <= created+8 && signed < 3; h++ {
		n.WaitHeight(0, h+1, 20*time.Second)
		if signedBy(commitAt(ctx, t, n.Nodes[2].Client, h), consAddr) {
			signed++
		}
	}
	require.GreaterOrEqual(t, signed, 3, "the new validator signed only %d commits in heights %d..%d", signed, created+2, created+8)
	t.Logf("joined and signing after %s", time.Since(began).Round(time.Millisecond))

	// Leave: undelegate the whole self-bond.
	res, err = sendTx(ctx, n.Nodes[0].Client, op, &staking.Undelegate{Validator: opAddr, Amount: *selfBond})
	require.NoError(t, err, "Undelegate")
	left := res.Height
	require.Equal(t, selfBond.Dec(), txEvent(res, "undelegate", "amount"))
	completion := left + unbonding
	require.Equal(t, uint256.NewInt(uint64(completion)).Dec(), txEvent(res, "undelegate", "completion_height"))
	t.Logf("Undelegate committed at height %d, completes at %d", left, completion)

	for _, nn := range n.Nodes {
		vals := cometValidators(ctx, t, nn.Client, left+2)
		require.False(t, hasValidator(vals, consAddr), "%s: /validators at %d still has the validator", nn.Name, left+2)
		require.Len(t, vals, 3)
	}
	rec, _ = validatorRecord(ctx, t, n.Nodes[0].Client, opAddr, left)
	require.True(t, rec.Tokens.IsZero(), "tokens after full undelegate: %s", rec.Tokens.Dec())
	// The chain goes on without it; it does not sign any more.
	n.WaitHeight(0, left+4, 20*time.Second)
	require.False(t, signedBy(commitAt(ctx, t, n.Nodes[0].Client, left+3), consAddr))

	// Credited exactly at the completion height, not before.
	n.WaitHeight(0, completion+1, 30*time.Second)
	before := balance(ctx, t, n.Nodes[1].Client, opAddr, completion-1)
	after := balance(ctx, t, full.Client, opAddr, completion)
	diff := new(uint256.Int).Sub(after, before)
	require.Equal(t, selfBond.Dec(), diff.Dec(), "balance change at the completion height (before %s, after %s)", before.Dec(), after.Dec())
	// Commission for the commits it still signed (heights left, left+1) is
	// paid in blocks left+1 and left+2; from then until completion nothing
	// moves.
	outOfSet := balance(ctx, t, n.Nodes[2].Client, opAddr, left+2)
	require.Equal(t, outOfSet.Dec(), before.Dec(), "balance moved while unbonding (heights %d..%d)", left+2, completion-1)

	// Every node agrees on the app hash at the completion height.
	var want string
	for _, nn := range n.Nodes {
		cm := commitAt(ctx, t, nn.Client, completion+1)
		if want == "" {
			want = cm.Header.AppHash.String()
		}
		require.Equal(t, want, cm.Header.AppHash.String(), nn.Name)
	}
	t.Logf("done in %s", time.Since(began).Round(time.Millisecond))
}
