package keeper

import (
	"fmt"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/staking/types"
)

// InitGenesis writes staking's genesis and returns the initial validator
// set (for ResponseInitChain.Validators). It must run after bank's
// InitGenesis: GenesisValidators' self-bonds move out of bank genesis
// balances, and g.ExtraSupply() (reserve, dust and exported holdings) is
// added to bank's supply record so Σ balances + fee pool + Holdings =
// supply holds from block 1. The genesis must have passed Validate.
func InitGenesis(kv KV, g *types.Genesis) ([]ValidatorUpdate, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	SetParams(kv, g.Params)
	if g.RewardReserve != nil {
		bankkeeper.SetUint(kv, types.RewardReserveKey, g.RewardReserve)
	}
	if g.Dust != nil {
		bankkeeper.SetUint(kv, types.DustKey, g.Dust)
	}
	for i := range g.Validators {
		v := g.Validators[i]
		v.UnbondingHeights = nil // rebuilt from Unbondings below
		SetValidator(kv, &v)
		if err := registerValidator(kv, &v); err != nil {
			return nil, err
		}
	}
	for _, d := range g.Delegations {
		rec := types.Delegation{Shares: d.Shares, RewardSnapshot: d.RewardSnapshot}
		setDelegation(kv, d.Delegator, d.Validator, &rec)
	}
	for _, e := range g.Unbondings {
		v, err := mustValidator(kv, e.Validator)
		if err != nil {
			return nil, err
		}
		if err := appendUnbonding(kv, &v, e); err != nil {
			return nil, err
		}
		SetValidator(kv, &v)
	}
	for _, gv := range g.GenesisValidators {
		v := types.Validator{Operator: gv.Operator, ConsPubKey: gv.ConsPubKey, Moniker: gv.Moniker, CommissionBps: gv.CommissionBps}
		if _, err := delegate(kv, &v, gv.Operator, gv.SelfBond); err != nil {
			return nil, fmt.Errorf("staking genesis: validator %s self-bond (fund it in bank genesis): %w", gv.Operator, err)
		}
		if err := registerValidator(kv, &v); err != nil {
			return nil, err
		}
	}
	extra, err := g.ExtraSupply()
	if err != nil {
		return nil, err
	}
	if err := addToSupply(kv, &extra); err != nil {
		return nil, err
	}
	return applyValidatorSet(kv, &g.Params)
}

// ExportGenesis reads staking's state back as full records (no
// GenesisValidators). Validators come in operator order, delegations in key
// (delegator, validator) order from it — committed state, as for bank's
// export — and unbondings in queue order. Liveness windows are not exported:
// they restart after a genesis restart.
func ExportGenesis(kv KV, it Iterator) (*types.Genesis, error) {
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	g := &types.Genesis{Params: p}
	if r, err := RewardReserve(kv); err != nil {
		return nil, err
	} else if !r.IsZero() {
		g.RewardReserve = &r
	}
	if d, err := Dust(kv); err != nil {
		return nil, err
	} else if !d.IsZero() {
		g.Dust = &d
	}
	ops, err := ValidatorList(kv)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		v, err := mustValidator(kv, op)
		if err != nil {
			return nil, err
		}
		g.Validators = append(g.Validators, v)
	}
	var decodeErr error
	err = it.Iterate(types.DelegationPrefix, types.PrefixEnd(types.DelegationPrefix), func(k, val []byte) bool {
		if len(k) != len(types.DelegationPrefix)+2*auth.AddressLen {
			decodeErr = bankkeeper.Corrupt(k, fmt.Errorf("delegation key length %d", len(k)))
			return false
		}
		d, err := types.UnmarshalDelegation(val)
		if err != nil {
			decodeErr = bankkeeper.Corrupt(k, err)
			return false
		}
		var rec types.DelegationRecord
		copy(rec.Delegator[:], k[2:22])
		copy(rec.Validator[:], k[22:42])
		rec.Shares, rec.RewardSnapshot = d.Shares, d.RewardSnapshot
		g.Delegations = append(g.Delegations, rec)
		return true
	})
	if err != nil {
		return nil, codes.Wrapf(codes.Internal, "iterate delegations: %v", err)
	}
	if decodeErr != nil {
		return nil, decodeErr
	}
	hs, err := UnbondingHeights(kv)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		es, err := UnbondingQueue(kv, h)
		if err != nil {
			return nil, err
		}
		g.Unbondings = append(g.Unbondings, es...)
	}
	return g, nil
}

// Holdings is every upingo staking holds: validator tokens, claimable
// rewards (Outstanding), unbonding entries, the reward reserve and dust.
// The supply invariant is Σ balances + fee pool + Holdings = supply.
// Point reads only, so it also sees writes staged in the current block.
func Holdings(kv KV, it Iterator) (uint256.Int, error) {
	_ = it
	var sum uint256.Int
	add := func(v *uint256.Int) error {
		if _, of := sum.AddOverflow(&sum, v); of {
			return codes.Wrap(codes.Internal, "staking holdings overflow")
		}
		return nil
	}
	for _, key := range [][]byte{types.RewardReserveKey, types.DustKey} {
		v, err := bankkeeper.GetUint(kv, key)
		if err != nil {
			return sum, err
		}
		if err := add(&v); err != nil {
			return sum, err
		}
	}
	ops, err := ValidatorList(kv)
	if err != nil {
		return sum, err
	}
	for _, op := range ops {
		v, err := mustValidator(kv, op)
		if err != nil {
			return sum, err
		}
		if err := add(&v.Tokens); err != nil {
			return sum, err
		}
		if err := add(&v.Outstanding); err != nil {
			return sum, err
		}
	}
	hs, err := UnbondingHeights(kv)
	if err != nil {
		return sum, err
	}
	for _, h := range hs {
		es, err := UnbondingQueue(kv, h)
		if err != nil {
			return sum, err
		}
		for i := range es {
			if err := add(&es[i].Balance); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}

// CheckSupply verifies Σ account balances + fee pool + Holdings = supply,
// on committed state (see x/bank/keeper.CheckSupply).
func CheckSupply(kv KV, it Iterator) error {
	h, err := Holdings(kv, it)
	if err != nil {
		return err
	}
	return bankkeeper.CheckSupply(kv, it, &h)
}
