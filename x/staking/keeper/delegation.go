package keeper

import (
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/staking/types"
)

// PendingRewards is what d can withdraw from v now:
// shares × (v.RewardPerShare − d.RewardSnapshot) / RewardScale, floored.
func PendingRewards(v *types.Validator, d *types.Delegation) (uint256.Int, error) {
	var r uint256.Int
	if v.RewardPerShare.Lt(&d.RewardSnapshot) {
		return r, codes.Wrapf(codes.Internal, "validator %s: reward snapshot ahead of accumulator", v.Operator)
	}
	var diff uint256.Int
	diff.Sub(&v.RewardPerShare, &d.RewardSnapshot)
	if _, of := r.MulDivOverflow(&d.Shares, &diff, types.RewardScale); of {
		return r, codes.Wrapf(codes.Internal, "validator %s: pending reward overflows", v.Operator)
	}
	if r.Gt(&v.Outstanding) {
		return r, codes.Wrapf(codes.Internal, "validator %s: pending %s > outstanding %s", v.Operator, r.Dec(), v.Outstanding.Dec())
	}
	return r, nil
}

// tokensToShares is amount × S / T (floor), or amount when S = 0.
func tokensToShares(v *types.Validator, amount *uint256.Int, roundUp bool) (uint256.Int, error) {
	var sh uint256.Int
	if v.Shares.IsZero() {
		if !v.Tokens.IsZero() {
			return sh, codes.Wrapf(codes.Internal, "validator %s: tokens without shares", v.Operator)
		}
		sh.Set(amount)
		return sh, nil
	}
	if v.Tokens.IsZero() {
		return sh, codes.Wrapf(codes.Internal, "validator %s: shares without tokens", v.Operator)
	}
	if _, of := sh.MulDivOverflow(amount, &v.Shares, &v.Tokens); of {
		return sh, codes.Wrap(types.ErrOverflow, "shares")
	}
	if roundUp {
		var m uint256.Int
		if !m.MulMod(amount, &v.Shares, &v.Tokens).IsZero() {
			sh.AddUint64(&sh, 1)
		}
	}
	return sh, nil
}

// sharesToTokens is shares × T / S (floor).
func sharesToTokens(v *types.Validator, shares *uint256.Int) uint256.Int {
	var t uint256.Int
	if v.Shares.IsZero() {
		return t
	}
	t.MulDivOverflow(shares, &v.Tokens, &v.Shares) // ≤ T: cannot overflow
	return t
}

// delegate bonds amount from delegator's balance to v, settling pending
// rewards first. Every check precedes the first write. The caller has not
// stored v; delegate stores it.
func delegate(kv KV, v *types.Validator, delegator auth.Address, amount *uint256.Int) (Event, error) {
	if amount.IsZero() {
		return Event{}, types.ErrZeroAmount
	}
	if v.Tombstoned {
		return Event{}, codes.Wrapf(types.ErrTombstoned, "%s", v.Operator)
	}
	acc, err := getAccount(kv, delegator)
	if err != nil {
		return Event{}, err
	}
	if acc.Balance.Lt(amount) {
		return Event{}, codes.Wrapf(types.ErrInsufficientFunds, "%s has %s upingo after fee, bonds %s", delegator, acc.Balance.Dec(), amount.Dec())
	}
	shares, err := tokensToShares(v, amount, false)
	if err != nil {
		return Event{}, err
	}
	if shares.IsZero() {
		return Event{}, codes.Wrapf(types.ErrZeroAmount, "%s upingo buys no share of %s", amount.Dec(), v.Operator)
	}
	d, _, err := GetDelegation(kv, delegator, v.Operator)
	if err != nil {
		return Event{}, err
	}
	pend, err := PendingRewards(v, &d)
	if err != nil {
		return Event{}, err
	}
	var tokens, vshares, dshares uint256.Int
	_, of1 := tokens.AddOverflow(&v.Tokens, amount)
	_, of2 := vshares.AddOverflow(&v.Shares, &shares)
	_, of3 := dshares.AddOverflow(&d.Shares, &shares)
	if of1 || of2 || of3 {
		return Event{}, codes.Wrap(types.ErrOverflow, "validator tokens or shares")
	}
	// Writes.
	acc.Balance.Sub(&acc.Balance, amount)
	acc.Balance.Add(&acc.Balance, &pend) // ≤ supply: no overflow
	v.Outstanding.Sub(&v.Outstanding, &pend)
	setAccount(kv, delegator, &acc)
	v.Tokens, v.Shares = tokens, vshares
	d.Shares, d.RewardSnapshot = dshares, v.RewardPerShare
	setDelegation(kv, delegator, v.Operator, &d)
	SetValidator(kv, v)
	return Event{Type: "delegate", Attrs: [][2]string{
		{"delegator", delegator.Hex()}, {"validator", v.Operator.Hex()}, {"amount", amount.Dec()},
		{"shares", shares.Dec()}, {"rewards", pend.Dec()},
	}}, nil
}

// undelegate moves amount of delegator's stake in v into an unbonding entry
// maturing at height + unbonding_blocks.
func undelegate(kv KV, p *types.Params, v *types.Validator, delegator auth.Address, amount *uint256.Int, height int64) (Event, error) {
	if amount.IsZero() {
		return Event{}, types.ErrZeroAmount
	}
	d, found, err := GetDelegation(kv, delegator, v.Operator)
	if err != nil {
		return Event{}, err
	}
	if !found {
		return Event{}, codes.Wrapf(types.ErrNoDelegation, "%s → %s", delegator, v.Operator)
	}
	worth := sharesToTokens(v, &d.Shares)
	if amount.Gt(&worth) {
		return Event{}, codes.Wrapf(types.ErrInsufficientStake, "unbond %s upingo, delegation worth %s", amount.Dec(), worth.Dec())
	}
	sh, err := tokensToShares(v, amount, true)
	if err != nil {
		return Event{}, err
	}
	if sh.Gt(&d.Shares) {
		sh.Set(&d.Shares)
	}
	pend, err := PendingRewards(v, &d)
	if err != nil {
		return Event{}, err
	}
	acc, err := getAccount(kv, delegator)
	if err != nil {
		return Event{}, err
	}
	if height > (1<<62) || p.UnbondingBlocks > (1<<62) {
		return Event{}, codes.Wrap(codes.Internal, "height out of range")
	}
	// Writes.
	acc.Balance.Add(&acc.Balance, &pend)
	setAccount(kv, delegator, &acc)
	v.Outstanding.Sub(&v.Outstanding, &pend)
	d.Shares.Sub(&d.Shares, &sh)
	d.RewardSnapshot = v.RewardPerShare
	setDelegation(kv, delegator, v.Operator, &d)
	v.Shares.Sub(&v.Shares, &sh)
	v.Tokens.Sub(&v.Tokens, amount)
	if err := settleEmptyValidator(kv, v); err != nil {
		return Event{}, err
	}
	complete := height + p.UnbondingBlocks
	e := types.UnbondingEntry{Delegator: delegator, Validator: v.Operator, CreationHeight: height, CompletionHeight: complete}
	e.InitialBalance.Set(amount)
	e.Balance.Set(amount)
	if err := appendUnbonding(kv, v, e); err != nil {
		return Event{}, err
	}
	SetValidator(kv, v)
	return Event{Type: "undelegate", Attrs: [][2]string{
		{"delegator", delegator.Hex()}, {"validator", v.Operator.Hex()}, {"amount", amount.Dec()},
		{"shares", sh.Dec()}, {"rewards", pend.Dec()}, {"completion_height", strconv.FormatInt(complete, 10)},
	}}, nil
}

// settleEmptyValidator: once the last share is gone, tokens left by
// rounding and rewards nobody can claim go to dust, so the validator
// restarts at a 1:1 exchange rate.
func settleEmptyValidator(kv KV, v *types.Validator) error {
	if !v.Shares.IsZero() {
		return nil
	}
	var left uint256.Int
	left.Add(&v.Tokens, &v.Outstanding)
	if err := addUint(kv, types.DustKey, &left); err != nil {
		return err
	}
	v.Tokens.Clear()
	v.Outstanding.Clear()
	return nil
}

// withdraw pays delegator's pending rewards from v.
func withdraw(kv KV, v *types.Validator, delegator auth.Address) (Event, error) {
	d, found, err := GetDelegation(kv, delegator, v.Operator)
	if err != nil {
		return Event{}, err
	}
	if !found {
		return Event{}, codes.Wrapf(types.ErrNoDelegation, "%s → %s", delegator, v.Operator)
	}
	pend, err := PendingRewards(v, &d)
	if err != nil {
		return Event{}, err
	}
	if err := credit(kv, delegator, &pend); err != nil {
		return Event{}, err
	}
	v.Outstanding.Sub(&v.Outstanding, &pend)
	d.RewardSnapshot = v.RewardPerShare
	setDelegation(kv, delegator, v.Operator, &d)
	SetValidator(kv, v)
	return Event{Type: "withdraw_rewards", Attrs: [][2]string{
		{"delegator", delegator.Hex()}, {"validator", v.Operator.Hex()}, {"amount", pend.Dec()},
	}}, nil
}
