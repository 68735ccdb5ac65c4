package keeper_test

import (
	"errors"
	"testing"

	"github.com/oasisprotocol/curve25519-voi/curve"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/staking/keeper"
	"github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// offCurveKey is a 32-byte string that does not decode to a curve point.
func offCurveKey(t *testing.T) types.ConsPubKey {
	for i := 0; i < 256; i++ {
		var k types.ConsPubKey
		k[0], k[1] = byte(i), 0x42
		var c curve.CompressedEdwardsY
		if _, err := c.SetBytes(k[:]); err != nil {
			continue
		}
		var p curve.EdwardsPoint
		if _, err := p.SetCompressedY(&c); err != nil {
			return k
		}
	}
	t.Fatal("no off-curve key found")
	return types.ConsPubKey{}
}

// TestBadInput: every refused action returns its stable code and writes
// nothing (Execute runs straight on the state, no overlay to discard).
func TestBadInput(t *testing.T) {
	cv := func(key types.ConsPubKey, moniker string, bps uint32, amount uint64) auth.Msg {
		return &types.CreateValidator{ConsensusKey: key, Moniker: moniker, CommissionBps: bps, Amount: *u(amount)}
	}
	jail := func(until int64, tomb bool) func(e *env) {
		return func(e *env) {
			v := e.val(0)
			v.Jailed, v.JailedUntil, v.Tombstoned = true, until, tomb
			e.setVal(v)
		}
	}
	var smallOrder types.ConsPubKey
	smallOrder[0] = 1 // the identity point (0, 1)
	cases := []struct {
		name    string
		prepare func(e *env)
		from    int
		msg     auth.Msg
		height  int64
		want    *codes.Error
	}{
		{"create: all-zero key", nil, 1, cv(types.ConsPubKey{}, "a", 0, pingo), 5, types.ErrInvalidConsKey},
		{"create: small-order key", nil, 1, cv(smallOrder, "a", 0, pingo), 5, types.ErrInvalidConsKey},
		{"create: off-curve key", nil, 1, cv(offCurveKey(t), "a", 0, pingo), 5, types.ErrInvalidConsKey},
		{"create: key used by another validator", nil, 1, cv(consKey(0), "a", 0, pingo), 5, types.ErrConsKeyInUse},
		{"create: operator already a validator", nil, 0, cv(consKey(9), "a", 0, pingo), 5, types.ErrValidatorExists},
		{"create: zero bond", nil, 1, cv(consKey(1), "a", 0, 0), 5, types.ErrZeroAmount},
		{"create: bond above balance", nil, 1, cv(consKey(1), "a", 0, 100*pingo+1), 5, types.ErrInsufficientFunds},
		{"create: below min self-bond", nil, 1, cv(consKey(1), "a", 0, pingo-1), 5, types.ErrSelfBondTooLow},
		{"create: commission 10001 bps", nil, 1, cv(consKey(1), "a", 10_001, pingo), 5, types.ErrCommission},
		{"create: commission above max param", func(e *env) { e.p.MaxCommissionBps = 2000 }, 1, cv(consKey(1), "a", 2001, pingo), 5, types.ErrCommission},
		{"create: empty moniker", nil, 1, cv(consKey(1), "", 0, pingo), 5, types.ErrMoniker},
		{"create: moniker too long", nil, 1, cv(consKey(1), string(make([]byte, 65)), 0, pingo), 5, types.ErrMoniker},
		{"create: control char moniker", nil, 1, cv(consKey(1), "a\nb", 0, pingo), 5, types.ErrMoniker},
		{"create: too many candidates", func(e *env) { e.p.MaxCandidates = 1 }, 1, cv(consKey(1), "a", 0, pingo), 5, types.ErrTooManyValidators},
		{"delegate: zero", nil, 1, &types.Delegate{Validator: addr(0)}, 5, types.ErrZeroAmount},
		{"delegate: above balance", nil, 1, &types.Delegate{Validator: addr(0), Amount: *u(100*pingo + 1)}, 5, types.ErrInsufficientFunds},
		{"delegate: unknown validator", nil, 1, &types.Delegate{Validator: addr(7), Amount: *u(1)}, 5, types.ErrNoValidator},
		{"delegate: zero address", nil, 1, &types.Delegate{Validator: auth.ZeroAddress, Amount: *u(1)}, 5, types.ErrInvalidValidator},
		{"delegate: tombstoned validator", jail(1<<62, true), 1, &types.Delegate{Validator: addr(0), Amount: *u(1)}, 5, types.ErrTombstoned},
		{"undelegate: more than bonded", nil, 0, &types.Undelegate{Validator: addr(0), Amount: *u(10*pingo + 1)}, 5, types.ErrInsufficientStake},
		{"undelegate: zero", nil, 0, &types.Undelegate{Validator: addr(0)}, 5, types.ErrZeroAmount},
		{"undelegate: no delegation", nil, 1, &types.Undelegate{Validator: addr(0), Amount: *u(1)}, 5, types.ErrNoDelegation},
		{"undelegate: unknown validator", nil, 1, &types.Undelegate{Validator: addr(7), Amount: *u(1)}, 5, types.ErrNoValidator},
		{"unjail: not jailed", nil, 0, &types.Unjail{}, 5, types.ErrNotJailed},
		{"unjail: not a validator", nil, 1, &types.Unjail{}, 5, types.ErrNoValidator},
		{"unjail: before jail period", jail(30, false), 0, &types.Unjail{}, 29, types.ErrJailPeriod},
		{"unjail: tombstoned", jail(1<<62, true), 0, &types.Unjail{}, 1 << 62, types.ErrTombstoned},
		{"withdraw: no delegation", nil, 1, &types.WithdrawRewards{Validator: addr(0)}, 5, types.ErrNoDelegation},
		{"withdraw: unknown validator", nil, 1, &types.WithdrawRewards{Validator: addr(7)}, 5, types.ErrNoValidator},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t, 2, 100*pingo, types.Genesis{})
			e.create(0, 10*pingo, 500, 1)
			if tc.prepare != nil {
				tc.prepare(e)
			}
			before := e.kv.snapshot()
			_, err := keeper.Execute(e.kv, &e.p, &auth.Header{From: addr(tc.from)}, tc.msg, tc.height)
			require.Error(t, err)
			require.True(t, errors.Is(err, tc.want), "got %v, want %v", err, tc.want)
			cs, code, _ := codes.ABCIInfo(err)
			require.Equal(t, types.Codespace, cs)
			require.Equal(t, tc.want.Code(), code)
			require.Equal(t, before, e.kv.snapshot(), "state changed by a refused action")
		})
	}
}

// TestCodesStable pins the published numbers.
func TestCodesStable(t *testing.T) {
	want := map[uint32]*codes.Error{
		2: types.ErrInvalidConsKey, 3: types.ErrConsKeyInUse, 4: types.ErrValidatorExists,
		5: types.ErrNoValidator, 6: types.ErrZeroAmount, 7: types.ErrInsufficientFunds,
		8: types.ErrNoDelegation, 9: types.ErrInsufficientStake, 10: types.ErrCommission,
		11: types.ErrMoniker, 12: types.ErrNotJailed, 13: types.ErrJailPeriod,
		14: types.ErrTombstoned, 15: types.ErrTooManyValidators, 16: types.ErrOverflow,
		17: types.ErrSelfBondTooLow, 18: types.ErrInvalidValidator,
	}
	for c, e := range want {
		require.Equal(t, c, e.Code())
		require.Equal(t, "staking", e.Codespace())
	}
}
