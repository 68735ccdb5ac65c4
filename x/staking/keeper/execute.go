package keeper

import (
	"strconv"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/staking/types"
)

// Execute runs a staking action for h.From at block height and returns its
// events. On error it has written nothing (every check precedes the first
// write), though the app discards the tx overlay anyway.
func Execute(kv KV, p *types.Params, h *auth.Header, msg auth.Msg, height int64) ([]Event, error) {
	if err := msg.ValidateBasic(h); err != nil {
		return nil, err
	}
	switch m := msg.(type) {
	case *types.CreateValidator:
		ev, err := createValidator(kv, p, h.From, m)
		if err != nil {
			return nil, err
		}
		return ev, nil
	case *types.Delegate:
		v, err := mustValidator(kv, m.Validator)
		if err != nil {
			return nil, err
		}
		ev, err := delegate(kv, &v, h.From, &m.Amount)
		if err != nil {
			return nil, err
		}
		return []Event{ev}, nil
	case *types.Undelegate:
		v, err := mustValidator(kv, m.Validator)
		if err != nil {
			return nil, err
		}
		ev, err := undelegate(kv, p, &v, h.From, &m.Amount, height)
		if err != nil {
			return nil, err
		}
		return []Event{ev}, nil
	case *types.Unjail:
		ev, err := unjail(kv, h.From, height)
		if err != nil {
			return nil, err
		}
		return []Event{ev}, nil
	case *types.WithdrawRewards:
		v, err := mustValidator(kv, m.Validator)
		if err != nil {
			return nil, err
		}
		ev, err := withdraw(kv, &v, h.From)
		if err != nil {
			return nil, err
		}
		return []Event{ev}, nil
	}
	return nil, codes.Wrapf(auth.ErrUnknownAction, "staking cannot execute %T", msg)
}

func mustValidator(kv KV, op auth.Address) (types.Validator, error) {
	v, found, err := GetValidator(kv, op)
	if err != nil {
		return v, err
	}
	if !found {
		return v, codes.Wrapf(types.ErrNoValidator, "%s", op)
	}
	return v, nil
}

func createValidator(kv KV, p *types.Params, op auth.Address, m *types.CreateValidator) ([]Event, error) {
	if m.CommissionBps > p.MaxCommissionBps {
		return nil, codes.Wrapf(types.ErrCommission, "%d bps > max_commission_bps %d", m.CommissionBps, p.MaxCommissionBps)
	}
	if m.Amount.Lt(p.MinSelfBond) {
		return nil, codes.Wrapf(types.ErrSelfBondTooLow, "%s < min_self_bond %s upingo", m.Amount.Dec(), p.MinSelfBond.Dec())
	}
	if _, found, err := GetValidator(kv, op); err != nil {
		return nil, err
	} else if found {
		return nil, codes.Wrapf(types.ErrValidatorExists, "%s", op)
	}
	if other, found, err := OperatorByConsAddr(kv, m.ConsensusKey.ConsAddress()); err != nil {
		return nil, err
	} else if found {
		return nil, codes.Wrapf(types.ErrConsKeyInUse, "%s registered by %s", m.ConsensusKey.Hex(), other)
	}
	list, err := ValidatorList(kv)
	if err != nil {
		return nil, err
	}
	if len(list) >= int(p.MaxCandidates) {
		return nil, codes.Wrapf(types.ErrTooManyValidators, "max_candidates %d", p.MaxCandidates)
	}
	acc, err := getAccount(kv, op)
	if err != nil {
		return nil, err
	}
	if acc.Balance.Lt(&m.Amount) {
		return nil, codes.Wrapf(types.ErrInsufficientFunds, "%s has %s upingo after fee, bonds %s", op, acc.Balance.Dec(), m.Amount.Dec())
	}
	v := types.Validator{Operator: op, ConsPubKey: m.ConsensusKey, Moniker: m.Moniker, CommissionBps: m.CommissionBps}
	// delegate re-checks and cannot fail now except on a broken invariant.
	ev, err := delegate(kv, &v, op, &m.Amount)
	if err != nil {
		return nil, err
	}
	if err := registerValidator(kv, &v); err != nil {
		return nil, err
	}
	return []Event{{Type: "create_validator", Attrs: [][2]string{
		{"validator", op.Hex()}, {"cons_pubkey", m.ConsensusKey.Hex()}, {"moniker", m.Moniker},
		{"commission_bps", strconv.FormatUint(uint64(m.CommissionBps), 10)}, {"amount", m.Amount.Dec()},
	}}, ev}, nil
}

// registerValidator indexes v in the validator list and by consensus address.
func registerValidator(kv KV, v *types.Validator) error {
	if err := addToValidatorList(kv, v.Operator); err != nil {
		return err
	}
	kv.Set(types.ConsAddrKey(v.ConsPubKey.ConsAddress()), v.Operator[:])
	return nil
}

func unjail(kv KV, op auth.Address, height int64) (Event, error) {
	v, err := mustValidator(kv, op)
	if err != nil {
		return Event{}, err
	}
	switch {
	case v.Tombstoned:
		return Event{}, codes.Wrapf(types.ErrTombstoned, "%s double-signed", op)
	case !v.Jailed:
		return Event{}, codes.Wrapf(types.ErrNotJailed, "%s", op)
	case height < v.JailedUntil:
		return Event{}, codes.Wrapf(types.ErrJailPeriod, "%s jailed until height %d, now %d", op, v.JailedUntil, height)
	}
	v.Jailed = false
	v.JailedUntil = 0
	SetValidator(kv, &v)
	kv.Delete(types.SigningInfoKey(op)) // liveness restarts from a clean window
	return Event{Type: "unjail", Attrs: [][2]string{{"validator", op.Hex()}}}, nil
}
