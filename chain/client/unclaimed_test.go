package client

import (
	"context"
	"errors"
	"testing"

	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

type fakeWithdrawals map[uint64]string // id → status as the chain derives it

func (f fakeWithdrawals) WithdrawalStatus(_ context.Context, id uint64) (*WithdrawalClaim, error) {
	st, ok := f[id]
	if !ok {
		return nil, errors.New("no such withdrawal")
	}
	w := &WithdrawalClaim{Status: st, Record: bridge.WithdrawalRecord{ID: id, Epoch: id, Amount: uint256.NewInt(id)}}
	if id == 4 {
		w.Record.RefundOf = &bridge.DepositRef{TONTxHash: bridge.Hash32{4}, TONLt: 4}
	}
	return w, nil
}

// fakeAnchor answers isClaimed from a set; asking about an id outside
// asked is a test failure (a stuck withdrawal never reached TON).
type fakeAnchor struct {
	paid  map[uint64]bool
	asked map[uint64]bool
	fail  bool
}

func (a *fakeAnchor) IsClaimed(_ context.Context, id uint64) (bool, error) {
	a.asked[id] = true
	if a.fail {
		return false, errors.New("liteserver down")
	}
	return a.paid[id], nil
}

func ids(l []*WithdrawalClaim) []uint64 {
	var out []uint64
	for _, w := range l {
		out = append(out, w.Record.ID)
	}
	return out
}

// TestStuckLeavesOutClaimed: UnclaimedWithdrawals (`pingod query
// transfers --stuck`) with the anchor's
// getter leaves out withdrawals TON already paid and never asks about a
// stuck (never anchored) or still-burning one; without TON it lists every
// withdrawal past its epoch (it cannot know); a refund carries refund_of;
// --limit bounds the walk; a TON error is an error, not "unclaimed".
func TestStuckLeavesOutClaimed(t *testing.T) {
	ctx := context.Background()
	chain := fakeWithdrawals{1: WithdrawStuck, 2: WithdrawCheckpointed, 3: WithdrawConfirmed,
		4: WithdrawAnchored, 5: WithdrawBurned}
	ton := &fakeAnchor{paid: map[uint64]bool{2: true}, asked: map[uint64]bool{}}
	l, paid, err := UnclaimedWithdrawals(ctx, chain, ton, 6, 0)
	require.NoError(t, err)
	require.Equal(t, []uint64{4, 3, 1}, ids(l))
	require.EqualValues(t, 1, paid)
	require.Equal(t, map[uint64]bool{2: true, 3: true, 4: true}, ton.asked)
	require.Equal(t, false, *l[0].ClaimedOnTON)
	require.Equal(t, &bridge.DepositRef{TONTxHash: bridge.Hash32{4}, TONLt: 4}, l[0].Record.RefundOf)
	require.Nil(t, l[2].ClaimedOnTON, "stuck: not asked")

	l, paid, err = UnclaimedWithdrawals(ctx, chain, nil, 6, 0)
	require.NoError(t, err)
	require.Equal(t, []uint64{4, 3, 2, 1}, ids(l), "without TON the paid one cannot be told apart")
	require.Zero(t, paid)

	l, _, err = UnclaimedWithdrawals(ctx, chain, nil, 6, 2)
	require.NoError(t, err)
	require.Equal(t, []uint64{4}, ids(l))

	_, _, err = UnclaimedWithdrawals(ctx, chain, &fakeAnchor{fail: true, asked: map[uint64]bool{}}, 6, 0)
	require.ErrorContains(t, err, "isClaimed")
}
