package keeper_test

import (
	"encoding/json"
	"testing"

	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/staking/keeper"
	"github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

func rewardGenesis(reserve, blockReward uint64) types.Genesis {
	p := testParams()
	p.BlockReward = u(blockReward)
	return types.Genesis{Params: p, RewardReserve: u(reserve)}
}

// TestRewards: fees + block reward split by signed power, commission to
// the operator, the rest proportional to shares, remainder to dust.
func TestRewards(t *testing.T) {
	e := setup(t, 5, 100*pingo, rewardGenesis(1_000_000, 1000))
	e.create(0, 30*pingo, 1000, 1) // A: 10% commission
	e.mustExec(addr(2), &types.Delegate{Validator: addr(0), Amount: *u(10 * pingo)}, 1)
	e.create(1, 20*pingo, 0, 1) // B: no commission
	e.create(3, 10*pingo, 0, 1) // C: will not sign
	e.block(1, nil, nil)
	bal := map[int]uint64{}
	for i := 0; i < 5; i++ {
		bal[i] = e.balance(i)
	}

	e.payFee(4, 5004)
	power := map[int]int64{0: 40, 1: 20, 3: 10}
	_, evs := e.block(2, votes(map[int]bool{0: true, 1: true}, power, 0, 1, 3), nil)

	// pot = 5004 + 1000 = 6004; A: 6004×40/60 = 4002, B: 2001, remainder 1.
	// A: commission 400, delegators 3602; B: delegators 2001.
	require.Equal(t, bal[0]+400, e.balance(0), "commission paid to the operator")
	require.Equal(t, bal[3], e.balance(3), "a validator that did not sign earns nothing")
	fp, err := bankkeeper.FeePool(e.kv)
	require.NoError(t, err)
	require.True(t, fp.IsZero(), "fee pool distributed")
	dust, err := keeper.Dust(e.kv)
	require.NoError(t, err)
	require.Equal(t, uint64(1), dust.Uint64())
	reserve, err := keeper.RewardReserve(e.kv)
	require.NoError(t, err)
	require.Equal(t, uint64(1_000_000-1000), reserve.Uint64())
	require.Equal(t, uint64(3602), outstanding(e.val(0)))
	require.Equal(t, uint64(2001), outstanding(e.val(1)))
	var dist int
	for _, ev := range evs {
		if ev.Type == "distribution" {
			dist++
		}
	}
	require.Equal(t, 1, dist)

	// Pending: operator 30/40, delegator 10/40 of 3602 (floored).
	v := e.val(0)
	pend := func(i int) uint64 {
		d, found, err := keeper.GetDelegation(e.kv, addr(i), addr(0))
		require.NoError(t, err)
		require.True(t, found)
		r, err := keeper.PendingRewards(&v, &d)
		require.NoError(t, err)
		return r.Uint64()
	}
	require.Equal(t, uint64(2701), pend(0))
	require.Equal(t, uint64(900), pend(2))

	e.mustExec(addr(2), &types.WithdrawRewards{Validator: addr(0)}, 3)
	require.Equal(t, bal[2]+900, e.balance(2))
	e.mustExec(addr(2), &types.WithdrawRewards{Validator: addr(0)}, 3)
	require.Equal(t, bal[2]+900, e.balance(2), "nothing twice")
	e.mustExec(addr(1), &types.WithdrawRewards{Validator: addr(1)}, 3)
	require.Equal(t, bal[1]+2001, e.balance(1))

	// Next block: only the block reward plus the carried dust (1001), all
	// to A. Delegating settles pending rewards first.
	e.block(3, votes(map[int]bool{0: true}, power, 0, 1), nil)
	// A: 1001 → commission 100, 901 to shares: Δ = 901e18/40e9.
	require.Equal(t, bal[0]+400+100, e.balance(0))
	before := e.balance(2)
	e.mustExec(addr(2), &types.Delegate{Validator: addr(0), Amount: *u(pingo)}, 4)
	require.Equal(t, before-pingo+225, e.balance(2), "10/40 of 901, floored, settled on delegate")
	e.mustExec(addr(0), &types.WithdrawRewards{Validator: addr(0)}, 4)
	// The operator never withdrew: floor(30e9 × (Δ1+Δ2) / 1e18) = 3377.
	require.Equal(t, bal[0]+500+3377, e.balance(0))
	require.Equal(t, uint64(3602+901-900-225-3377), outstanding(e.val(0)))
}

// TestRewardsNoSigners: with nobody to pay, nothing moves.
func TestRewardsNoSigners(t *testing.T) {
	e := setup(t, 2, 100*pingo, rewardGenesis(1000, 10))
	e.create(0, 10*pingo, 0, 1)
	e.payFee(1, 77)
	e.block(2, votes(map[int]bool{}, map[int]int64{0: 10}, 0), nil)
	fp, err := bankkeeper.FeePool(e.kv)
	require.NoError(t, err)
	require.Equal(t, uint64(77), fp.Uint64())
	r, err := keeper.RewardReserve(e.kv)
	require.NoError(t, err)
	require.Equal(t, uint64(1000), r.Uint64())
}

// TestReserveExhaustion: the block reward never exceeds the reserve.
func TestReserveExhaustion(t *testing.T) {
	e := setup(t, 1, 100*pingo, rewardGenesis(2500, 1000))
	e.create(0, 10*pingo, 10_000, 1) // 100% commission: rewards land in the balance
	bal := e.balance(0)
	vs := votes(map[int]bool{0: true}, map[int]int64{0: 10}, 0)
	paid := []uint64{1000, 1000, 500, 0, 0}
	for i, want := range paid {
		before := e.balance(0)
		e.block(int64(i+2), vs, nil)
		require.Equal(t, before+want, e.balance(0), "block %d", i+2)
	}
	r, err := keeper.RewardReserve(e.kv)
	require.NoError(t, err)
	require.True(t, r.IsZero())
	require.Equal(t, bal+2500, e.balance(0))
}

func TestRewardSchedule(t *testing.T) {
	p := types.DefaultParams()
	p.BlockReward = u(1000)
	p.HalvingBlocks = 10
	for h, want := range map[int64]uint64{0: 0, 1: 1000, 10: 1000, 11: 500, 20: 500, 21: 250, 101: 0} {
		r := p.RewardAt(h)
		require.Equal(t, want, r.Uint64(), "height %d", h)
	}
	p.HalvingBlocks = 0
	r := p.RewardAt(1 << 40)
	require.Equal(t, uint64(1000), r.Uint64())
}

// TestGenesisRoundTrip: export → JSON → init on a fresh store → export
// gives the same state, the same supply and the same validator set.
func TestGenesisRoundTrip(t *testing.T) {
	p := testParams()
	p.UnbondingBlocks = 50
	e := setup(t, 5, 100*pingo, types.Genesis{Params: p, RewardReserve: u(1_000_000)})
	e.p.BlockReward = u(333)
	keeper.SetParams(e.kv, e.p)
	e.create(0, 30*pingo, 700, 1)
	e.create(1, 20*pingo, 0, 1)
	e.create(2, 5*pingo, 0, 1)
	e.mustExec(addr(3), &types.Delegate{Validator: addr(0), Amount: *u(7 * pingo)}, 1)
	e.mustExec(addr(4), &types.Delegate{Validator: addr(1), Amount: *u(3 * pingo)}, 1)
	e.block(1, nil, nil)
	power := map[int]int64{0: 37, 1: 23, 2: 5}
	e.payFee(4, 12345)
	e.block(2, votes(map[int]bool{0: true, 1: true, 2: true}, power, 0, 1, 2), nil)
	e.mustExec(addr(3), &types.Undelegate{Validator: addr(0), Amount: *u(2 * pingo)}, 3)
	e.block(3, votes(map[int]bool{0: true, 1: true}, power, 0, 1, 2), []types.Evidence{{ConsAddr: consAddr(2), Height: 2, DoubleSign: true}})

	sg, err := keeper.ExportGenesis(e.kv, e.kv)
	require.NoError(t, err)
	bg, err := bankkeeper.ExportGenesis(e.kv, e.kv)
	require.NoError(t, err)
	raw, err := json.Marshal(sg)
	require.NoError(t, err)
	var sg2 types.Genesis
	require.NoError(t, json.Unmarshal(raw, &sg2))
	require.Len(t, sg2.Validators, 3)
	require.Len(t, sg2.Unbondings, 1)
	require.NotEmpty(t, sg2.Delegations)

	kv2 := newKV()
	require.NoError(t, bankkeeper.InitGenesis(kv2, bg))
	ups, err := keeper.InitGenesis(kv2, &sg2)
	require.NoError(t, err)
	require.Equal(t, sortUpdates([]types.ValidatorUpdate{upd(0, 35), upd(1, 23)}), ups)
	require.NoError(t, keeper.CheckSupply(kv2, kv2))
	s2, err := bankkeeper.Supply(kv2)
	require.NoError(t, err)
	require.Equal(t, e.supply, s2)

	sg3, err := keeper.ExportGenesis(kv2, kv2)
	require.NoError(t, err)
	raw3, err := json.Marshal(sg3)
	require.NoError(t, err)
	require.JSONEq(t, string(raw), string(raw3))
	h1, err := keeper.Holdings(e.kv, e.kv)
	require.NoError(t, err)
	h2, err := keeper.Holdings(kv2, kv2)
	require.NoError(t, err)
	require.Equal(t, h1, h2)
	l1, err := keeper.LastValidatorSet(e.kv)
	require.NoError(t, err)
	l2, err := keeper.LastValidatorSet(kv2)
	require.NoError(t, err)
	require.Equal(t, l1, l2)

	// The restored chain keeps working: the unbonding matures, rewards are
	// withdrawable.
	e2 := &env{t: t, kv: kv2, p: sg2.Params, supply: s2}
	before := e2.balance(3)
	e2.mustExec(addr(3), &types.WithdrawRewards{Validator: addr(0)}, 4)
	for h := int64(4); h <= 53; h++ {
		e2.block(h, nil, nil)
	}
	require.Greater(t, e2.balance(3), before+2*pingo-1)
}
