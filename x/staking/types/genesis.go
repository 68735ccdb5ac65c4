package types

import (
	"fmt"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// GenesisValidator is a validator created at genesis like a CreateValidator:
// SelfBond moves out of the operator's bank genesis balance, so the operator
// must be funded there.
type GenesisValidator struct {
	Operator      auth.Address `json:"operator"`
	ConsPubKey    ConsPubKey   `json:"cons_pubkey"`
	Moniker       string       `json:"moniker"`
	CommissionBps uint32       `json:"commission_bps"`
	SelfBond      *uint256.Int `json:"self_bond"`
}

// DelegationRecord is one delegation in exported genesis.
type DelegationRecord struct {
	Delegator      auth.Address `json:"delegator"`
	Validator      auth.Address `json:"validator"`
	Shares         uint256.Int  `json:"shares"`
	RewardSnapshot uint256.Int  `json:"reward_snapshot"`
}

// Genesis is staking's part of app_state.
//
// A fresh chain lists GenesisValidators and a RewardReserve. An exported
// state lists Validators, Delegations and Unbondings as full records
// instead (their upingo is held by staking, not in any balance).
//
// Supply: upingo held by staking that does not come out of a bank genesis
// balance (reserve, dust, exported tokens, outstanding rewards, unbonding
// balances — see ExtraSupply) is added to bank's supply record by
// InitGenesis, which therefore runs after bank's InitGenesis.
type Genesis struct {
	Params            Params             `json:"params"`
	RewardReserve     *uint256.Int       `json:"reward_reserve,omitempty"`
	Dust              *uint256.Int       `json:"dust,omitempty"`
	GenesisValidators []GenesisValidator `json:"genesis_validators,omitempty"`
	Validators        []Validator        `json:"validators,omitempty"`
	Delegations       []DelegationRecord `json:"delegations,omitempty"`
	Unbondings        []UnbondingEntry   `json:"unbondings,omitempty"`
}

// DefaultGenesis has no validators and an empty reserve.
func DefaultGenesis() Genesis { return Genesis{Params: DefaultParams()} }

// ExtraSupply is the upingo this genesis brings into existence beyond the
// bank's balances and fee pool.
func (g *Genesis) ExtraSupply() (uint256.Int, error) {
	var s uint256.Int
	add := func(v *uint256.Int) error {
		if v == nil {
			return nil
		}
		if _, of := s.AddOverflow(&s, v); of {
			return fmt.Errorf("staking genesis: holdings overflow 256 bits")
		}
		return nil
	}
	if err := add(g.RewardReserve); err != nil {
		return s, err
	}
	if err := add(g.Dust); err != nil {
		return s, err
	}
	for i := range g.Validators {
		if err := add(&g.Validators[i].Tokens); err != nil {
			return s, err
		}
		if err := add(&g.Validators[i].Outstanding); err != nil {
			return s, err
		}
	}
	for i := range g.Unbondings {
		if err := add(&g.Unbondings[i].Balance); err != nil {
			return s, err
		}
	}
	return s, nil
}

// Validate checks parameters, keys, duplicates and share sums.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	if _, err := g.ExtraSupply(); err != nil {
		return err
	}
	ops := map[auth.Address]*Validator{}
	keys := map[ConsPubKey]struct{}{}
	addKey := func(op auth.Address, k ConsPubKey) error {
		if err := k.Validate(); err != nil {
			return fmt.Errorf("staking genesis: validator %s: %w", op, err)
		}
		if _, dup := keys[k]; dup {
			return fmt.Errorf("staking genesis: consensus key %s listed twice", k.Hex())
		}
		keys[k] = struct{}{}
		return nil
	}
	for i := range g.Validators {
		v := &g.Validators[i]
		if _, dup := ops[v.Operator]; dup || v.Operator == auth.ZeroAddress {
			return fmt.Errorf("staking genesis: validator %s duplicate or zero", v.Operator)
		}
		ops[v.Operator] = v
		if err := addKey(v.Operator, v.ConsPubKey); err != nil {
			return err
		}
		if v.Shares.IsZero() != v.Tokens.IsZero() {
			return fmt.Errorf("staking genesis: validator %s: tokens and shares must be both zero or both positive", v.Operator)
		}
		if v.CommissionBps > BpsDenom {
			return fmt.Errorf("staking genesis: validator %s: commission %d bps", v.Operator, v.CommissionBps)
		}
	}
	for i := range g.GenesisValidators {
		v := &g.GenesisValidators[i]
		if _, dup := ops[v.Operator]; dup || v.Operator == auth.ZeroAddress {
			return fmt.Errorf("staking genesis: validator %s duplicate or zero", v.Operator)
		}
		ops[v.Operator] = nil
		if err := addKey(v.Operator, v.ConsPubKey); err != nil {
			return err
		}
		if err := ValidateMoniker(v.Moniker); err != nil {
			return fmt.Errorf("staking genesis: validator %s: %w", v.Operator, err)
		}
		if v.CommissionBps > BpsDenom || v.CommissionBps > g.Params.MaxCommissionBps {
			return fmt.Errorf("staking genesis: validator %s: commission %d bps out of range", v.Operator, v.CommissionBps)
		}
		if v.SelfBond == nil || v.SelfBond.Lt(g.Params.MinSelfBond) || v.SelfBond.IsZero() {
			return fmt.Errorf("staking genesis: validator %s: self_bond below min_self_bond", v.Operator)
		}
	}
	if len(ops) > int(g.Params.MaxCandidates) {
		return fmt.Errorf("staking genesis: %d validators > max_candidates", len(ops))
	}
	shares := map[auth.Address]*uint256.Int{}
	seen := map[[40]byte]struct{}{}
	for _, d := range g.Delegations {
		v, ok := ops[d.Validator]
		if !ok || v == nil {
			return fmt.Errorf("staking genesis: delegation to unknown validator %s", d.Validator)
		}
		var k [40]byte
		copy(k[:20], d.Delegator[:])
		copy(k[20:], d.Validator[:])
		if _, dup := seen[k]; dup {
			return fmt.Errorf("staking genesis: delegation %s→%s listed twice", d.Delegator, d.Validator)
		}
		seen[k] = struct{}{}
		if d.Shares.IsZero() {
			return fmt.Errorf("staking genesis: delegation %s→%s has no shares", d.Delegator, d.Validator)
		}
		s := shares[d.Validator]
		if s == nil {
			s = new(uint256.Int)
			shares[d.Validator] = s
		}
		if _, of := s.AddOverflow(s, &d.Shares); of {
			return fmt.Errorf("staking genesis: shares overflow")
		}
	}
	for op, v := range ops {
		if v == nil {
			continue
		}
		s := shares[op]
		if s == nil {
			s = new(uint256.Int)
		}
		if !s.Eq(&v.Shares) {
			return fmt.Errorf("staking genesis: validator %s: shares %s ≠ Σ delegations %s", op, v.Shares.Dec(), s.Dec())
		}
	}
	for _, e := range g.Unbondings {
		if v, ok := ops[e.Validator]; !ok || v == nil {
			return fmt.Errorf("staking genesis: unbonding from unknown validator %s", e.Validator)
		}
		if e.CompletionHeight < 1 {
			return fmt.Errorf("staking genesis: unbonding completion height %d", e.CompletionHeight)
		}
	}
	return nil
}
