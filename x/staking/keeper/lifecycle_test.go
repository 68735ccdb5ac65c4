package keeper_test

import (
	"testing"

	"github.com/pingo-chain/pingo/x/staking/keeper"
	"github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// TestCreateDelegateUndelegateMature follows stake from a balance into a
// validator and back, checking supply conservation after every step.
func TestCreateDelegateUndelegateMature(t *testing.T) {
	e := setup(t, 3, 100*pingo, types.Genesis{})
	e.create(0, 10*pingo, 1000, 1)
	require.Equal(t, uint64(90*pingo), e.balance(0))
	v := e.val(0)
	require.Equal(t, uint64(10*pingo), v.Tokens.Uint64())
	require.Equal(t, uint64(10*pingo), v.Shares.Uint64())

	e.mustExec(addr(1), &types.Delegate{Validator: addr(0), Amount: *u(5 * pingo)}, 2)
	require.Equal(t, uint64(95*pingo), e.balance(1))
	d, found, err := keeper.GetDelegation(e.kv, addr(1), addr(0))
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(5*pingo), d.Shares.Uint64())
	require.Equal(t, uint64(15*pingo), tokens(e.val(0)))

	ups, _ := e.block(2, nil, nil)
	require.Equal(t, []types.ValidatorUpdate{upd(0, 15)}, ups)

	evs := e.mustExec(addr(1), &types.Undelegate{Validator: addr(0), Amount: *u(2 * pingo)}, 3)
	require.Equal(t, "undelegate", evs[0].Type)
	require.Equal(t, uint64(95*pingo), e.balance(1), "unbonding holds the amount")
	require.Equal(t, uint64(13*pingo), tokens(e.val(0)))
	es, err := keeper.UnbondingQueue(e.kv, 3+e.p.UnbondingBlocks)
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.Equal(t, uint64(2*pingo), es[0].Balance.Uint64())

	// Not yet at maturity.
	for h := int64(3); h < 3+e.p.UnbondingBlocks; h++ {
		e.block(h, nil, nil)
		require.Equal(t, uint64(95*pingo), e.balance(1))
	}
	_, evs = e.block(3+e.p.UnbondingBlocks, nil, nil)
	require.Equal(t, uint64(97*pingo), e.balance(1), "maturity credits the delegator")
	require.Equal(t, "complete_unbonding", evs[0].Type)
	require.Empty(t, e.val(0).UnbondingHeights)
	hs, err := keeper.UnbondingHeights(e.kv)
	require.NoError(t, err)
	require.Empty(t, hs)

	// Unbond everything left; the delegation record goes away.
	e.mustExec(addr(1), &types.Undelegate{Validator: addr(0), Amount: *u(3 * pingo)}, 20)
	_, found, err = keeper.GetDelegation(e.kv, addr(1), addr(0))
	require.NoError(t, err)
	require.False(t, found)
	for h := int64(20); h <= 30; h++ {
		e.block(h, nil, nil)
	}
	require.Equal(t, uint64(100*pingo), e.balance(1))
}

// TestActiveSet: top max_validators by power, ties by operator address,
// jailed and zero-power validators excluded.
func TestActiveSet(t *testing.T) {
	p := testParams()
	p.MaxValidators = 3
	p.MinSelfBond = u(1)
	e := setup(t, 6, 100*pingo, types.Genesis{Params: p})
	e.create(0, 5*pingo, 0, 1)
	e.create(1, 7*pingo, 0, 1)
	e.create(2, 5*pingo+999, 0, 1) // power 5, ties with 0 and 3
	e.create(3, 5*pingo, 0, 1)
	e.create(4, pingo-1, 0, 1) // power 0: never active
	e.create(5, 9*pingo, 0, 1)

	set, err := keeper.ActiveSet(e.kv, &e.p)
	require.NoError(t, err)
	got := map[int]int64{}
	for _, v := range set {
		for i := 0; i < 6; i++ {
			if v.Operator == addr(i) {
				got[i] = v.Power
			}
		}
	}
	require.Equal(t, map[int]int64{5: 9, 1: 7, 0: 5}, got, "tie at power 5 goes to the lowest operator address")
	// Ascending operator order.
	for i := 1; i < len(set); i++ {
		require.Less(t, string(set[i-1].Operator[:]), string(set[i].Operator[:]))
	}

	// Jail 5: next in line (power 5, lowest address after 0) is 2.
	v := e.val(5)
	v.Jailed = true
	e.setVal(v)
	set, err = keeper.ActiveSet(e.kv, &e.p)
	require.NoError(t, err)
	require.Len(t, set, 3)
	require.Equal(t, addr(0), set[0].Operator)
	require.Equal(t, addr(1), set[1].Operator)
	require.Equal(t, addr(2), set[2].Operator)

	// max_validators larger than the candidates: all with power ≥ 1.
	e.p.MaxValidators = 100
	set, err = keeper.ActiveSet(e.kv, &e.p)
	require.NoError(t, err)
	require.Len(t, set, 4)
}

// TestValidatorUpdates: join, power change, leave, jail removal, no-op.
func TestValidatorUpdates(t *testing.T) {
	g := types.Genesis{Params: testParams()}
	g.GenesisValidators = []types.GenesisValidator{
		{Operator: addr(0), ConsPubKey: consKey(0), Moniker: "zero", CommissionBps: 0, SelfBond: u(10 * pingo)},
		{Operator: addr(1), ConsPubKey: consKey(1), Moniker: "one", CommissionBps: 0, SelfBond: u(20 * pingo)},
	}
	e := setup(t, 4, 100*pingo, g)
	require.Equal(t, uint64(90*pingo), e.balance(0), "self-bond taken from the genesis balance")
	last, err := keeper.LastValidatorSet(e.kv)
	require.NoError(t, err)
	require.Len(t, last, 2)

	ups, _ := e.block(1, nil, nil)
	require.Empty(t, ups, "nothing changed")

	e.create(2, 3*pingo, 0, 2)
	ups, _ = e.block(2, nil, nil)
	require.Equal(t, sortUpdates([]types.ValidatorUpdate{upd(2, 3)}), ups, "join")

	e.mustExec(addr(3), &types.Delegate{Validator: addr(0), Amount: *u(4 * pingo)}, 3)
	ups, _ = e.block(3, nil, nil)
	require.Equal(t, []types.ValidatorUpdate{upd(0, 14)}, ups, "power change")

	e.mustExec(addr(2), &types.Undelegate{Validator: addr(2), Amount: *u(3 * pingo)}, 4)
	ups, _ = e.block(4, nil, nil)
	require.Equal(t, []types.ValidatorUpdate{upd(2, 0)}, ups, "leave")

	// Sub-PINGO change: tokens move, power does not.
	e.mustExec(addr(3), &types.Delegate{Validator: addr(1), Amount: *u(pingo / 2)}, 5)
	ups, _ = e.block(5, nil, nil)
	require.Empty(t, ups)

	v := e.val(1)
	v.Jailed, v.JailedUntil = true, 100
	e.setVal(v)
	ups, _ = e.block(6, nil, nil)
	require.Equal(t, []types.ValidatorUpdate{upd(1, 0)}, ups, "jail removes")

	_, err = e.exec(addr(1), &types.Unjail{}, 100)
	require.NoError(t, err)
	ups, _ = e.block(100, nil, nil)
	require.Equal(t, []types.ValidatorUpdate{upd(1, 20)}, ups, "unjail re-adds")
}

// TestMaxValidatorsUpdates: a stronger newcomer pushes the weakest out.
func TestMaxValidatorsUpdates(t *testing.T) {
	p := testParams()
	p.MaxValidators = 2
	e := setup(t, 3, 100*pingo, types.Genesis{Params: p})
	e.create(0, 5*pingo, 0, 1)
	e.create(1, 6*pingo, 0, 1)
	ups, _ := e.block(1, nil, nil)
	require.Equal(t, sortUpdates([]types.ValidatorUpdate{upd(0, 5), upd(1, 6)}), ups)
	e.create(2, 7*pingo, 0, 2)
	ups, _ = e.block(2, nil, nil)
	require.Equal(t, sortUpdates([]types.ValidatorUpdate{upd(0, 0), upd(2, 7)}), ups)
}

// TestNeverEmptySet: jailing the only validator keeps the last set.
func TestNeverEmptySet(t *testing.T) {
	e := setup(t, 2, 100*pingo, types.Genesis{Params: testParams()})
	e.create(0, 5*pingo, 0, 1)
	ups, _ := e.block(1, nil, nil)
	require.Equal(t, []types.ValidatorUpdate{upd(0, 5)}, ups)
	v := e.val(0)
	v.Jailed, v.JailedUntil = true, 50
	e.setVal(v)
	ups, _ = e.block(2, nil, nil)
	require.Empty(t, ups)
	e.create(1, 3*pingo, 0, 3)
	ups, _ = e.block(3, nil, nil)
	require.Equal(t, sortUpdates([]types.ValidatorUpdate{upd(0, 0), upd(1, 3)}), ups)
}
