package keeper_test

import (
	"errors"
	"math"
	"testing"

	"github.com/pingo-chain/pingo/x/staking/keeper"
	"github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// TestDoubleSign: slash the fraction of bonded tokens and of unbonding
// entries created at or after the infraction height (not before), jail,
// tombstone, no unjail ever, removal from the set, punished once.
func TestDoubleSign(t *testing.T) {
	p := testParams()
	p.UnbondingBlocks = 100
	e := setup(t, 3, 100*pingo, types.Genesis{Params: p})
	e.create(0, 20*pingo, 0, 1)
	e.mustExec(addr(1), &types.Delegate{Validator: addr(0), Amount: *u(10 * pingo)}, 1)
	e.create(2, 5*pingo, 0, 1) // keeps the set non-empty once 0 is removed
	ups, _ := e.block(1, nil, nil)
	require.Equal(t, sortUpdates([]types.ValidatorUpdate{upd(0, 30), upd(2, 5)}), ups)

	e.mustExec(addr(1), &types.Undelegate{Validator: addr(0), Amount: *u(2 * pingo)}, 5)  // before the infraction
	e.mustExec(addr(1), &types.Undelegate{Validator: addr(0), Amount: *u(4 * pingo)}, 12) // after it
	e.mustExec(addr(1), &types.Undelegate{Validator: addr(0), Amount: *u(1 * pingo)}, 10) // at it
	e.block(12, nil, nil)
	require.Equal(t, uint64(23*pingo), tokens(e.val(0)))

	ev := []types.Evidence{{ConsAddr: consAddr(0), Height: 10, Power: 30, DoubleSign: true}}
	ups, evs := e.block(14, nil, ev)
	v := e.val(0)
	// 5% of 23 PINGO.
	require.Equal(t, uint64(23*pingo-23*pingo/20), tokens(v))
	require.True(t, v.Jailed)
	require.True(t, v.Tombstoned)
	require.Equal(t, int64(math.MaxInt64), v.JailedUntil)
	require.Equal(t, []types.ValidatorUpdate{upd(0, 0)}, ups, "removed from the set")
	require.Equal(t, "slash", evs[0].Type)

	balances := map[int64]uint64{}
	for _, h := range []int64{105, 110, 112} {
		es, err := keeper.UnbondingQueue(e.kv, h)
		require.NoError(t, err)
		require.Len(t, es, 1)
		balances[es[0].CreationHeight] = es[0].Balance.Uint64()
	}
	require.Equal(t, map[int64]uint64{
		5:  2 * pingo,            // created before the infraction: untouched
		10: pingo - pingo/20,     // at the infraction height: slashed
		12: 4*pingo - 4*pingo/20, // after: slashed
	}, balances)
	reserve, err := keeper.RewardReserve(e.kv)
	require.NoError(t, err)
	require.Equal(t, uint64(23*pingo/20+pingo/20+4*pingo/20), reserve.Uint64(), "slashed stake goes to the reward reserve")

	// The delegator's remaining 3 shares are worth 3 × 21.85/23.
	_, err = e.exec(addr(1), &types.Undelegate{Validator: addr(0), Amount: *u(3*pingo - 3*pingo/20 + 1)}, 15)
	require.True(t, errors.Is(err, types.ErrInsufficientStake))
	e.mustExec(addr(1), &types.Undelegate{Validator: addr(0), Amount: *u(3*pingo - 3*pingo/20)}, 15)

	for _, h := range []int64{15, 1000, math.MaxInt64} {
		_, err = e.exec(addr(0), &types.Unjail{}, h)
		require.True(t, errors.Is(err, types.ErrTombstoned), "height %d: %v", h, err)
	}

	// Second evidence for the same validator: no second slash.
	before := tokens(e.val(0))
	e.block(16, nil, []types.Evidence{{ConsAddr: consAddr(0), Height: 15, DoubleSign: true}})
	require.Equal(t, before, tokens(e.val(0)))
	// Unknown validator: ignored.
	e.block(17, nil, []types.Evidence{{ConsAddr: consAddr(9), Height: 15, DoubleSign: true}})

	// Entries mature with their slashed balances.
	bal := e.balance(1)
	for h := int64(100); h <= 115; h++ {
		e.block(h, nil, nil)
	}
	require.Equal(t, bal+2*pingo+(pingo-pingo/20)+(4*pingo-4*pingo/20)+(3*pingo-3*pingo/20), e.balance(1))
}

// TestDowntime: jailed once misses exceed the window threshold, slashed,
// unjail only after downtime_jail_blocks; a validator at the threshold
// stays.
func TestDowntime(t *testing.T) {
	e := setup(t, 3, 100*pingo, types.Genesis{Params: testParams()}) // window 10, 50% → max 5 missed
	e.create(0, 10*pingo, 0, 1)
	e.create(1, 10*pingo, 0, 1)
	e.create(2, 10*pingo, 0, 1)
	e.block(1, nil, nil)
	power := map[int]int64{0: 10, 1: 10, 2: 10}
	var jailedAt int64
	for h := int64(2); h <= 25; h++ {
		signed := map[int]bool{
			0: h <= 5,   // signs 4, then misses
			1: true,     // always signs
			2: h%2 == 0, // misses every other block: exactly 5 of 10
		}
		ups, _ := e.block(h, votes(signed, power, 0, 1, 2), nil)
		if jailedAt == 0 && e.val(0).Jailed {
			jailedAt = h
			require.Equal(t, []types.ValidatorUpdate{upd(0, 0)}, ups)
		}
	}
	require.Equal(t, int64(11), jailedAt, "4 signed + 6 missed: jailed when the window is full")
	v := e.val(0)
	require.Equal(t, int64(11+20), v.JailedUntil)
	require.False(t, v.Tombstoned)
	require.Equal(t, uint64(10*pingo-10*pingo/100), tokens(v), "1% downtime slash")
	require.False(t, e.val(1).Jailed)
	require.False(t, e.val(2).Jailed, "5 of 10 missed is at the threshold, not over")

	_, err := e.exec(addr(0), &types.Unjail{}, 30)
	require.True(t, errors.Is(err, types.ErrJailPeriod), "%v", err)
	_, err = e.exec(addr(0), &types.Unjail{}, 31)
	require.NoError(t, err)
	ups, _ := e.block(31, nil, nil)
	require.Equal(t, []types.ValidatorUpdate{upd(0, 9)}, ups)
	_, err = e.exec(addr(0), &types.Unjail{}, 32)
	require.True(t, errors.Is(err, types.ErrNotJailed))

	// A fresh window after unjail: 5 misses do not jail again.
	for h := int64(32); h <= 45; h++ {
		e.block(h, votes(map[int]bool{0: h%2 == 0, 1: true, 2: true}, power, 0, 1, 2), nil)
	}
	require.False(t, e.val(0).Jailed)
}
