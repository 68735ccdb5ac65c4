package keeper

import (
	"bytes"
	"encoding/hex"
	"math"
	"sort"
	"strconv"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/staking/types"
)

// EndBlock runs at the end of FinalizeBlock: it credits every unbonding
// entry whose completion height is ≤ height, then recomputes the active
// set and returns its difference from the set last sent to CometBFT
// (power 0 = removal), sorted by public key. it is unused (see BeginBlock).
func EndBlock(kv KV, it Iterator, height int64) ([]ValidatorUpdate, []Event, error) {
	_ = it
	p, err := GetParams(kv)
	if err != nil {
		return nil, nil, err
	}
	evs, err := matureUnbondings(kv, height)
	if err != nil {
		return nil, nil, err
	}
	ups, err := applyValidatorSet(kv, &p)
	if err != nil {
		return nil, nil, err
	}
	for _, u := range ups {
		evs = append(evs, Event{Type: "validator_update", Attrs: [][2]string{
			{"pubkey", "0x" + hex.EncodeToString(u.PubKey[:])}, {"power", strconv.FormatInt(u.Power, 10)},
		}})
	}
	return ups, evs, nil
}

func matureUnbondings(kv KV, height int64) ([]Event, error) {
	hs, err := UnbondingHeights(kv)
	if err != nil {
		return nil, err
	}
	n := sort.Search(len(hs), func(i int) bool { return hs[i] > height })
	if n == 0 {
		return nil, nil
	}
	var evs []Event
	var touched []auth.Address // in encounter order, no duplicates
	for _, h := range hs[:n] {
		es, err := UnbondingQueue(kv, h)
		if err != nil {
			return nil, err
		}
		for i := range es {
			e := &es[i]
			if err := credit(kv, e.Delegator, &e.Balance); err != nil {
				return nil, err
			}
			evs = append(evs, Event{Type: "complete_unbonding", Attrs: [][2]string{
				{"delegator", e.Delegator.Hex()}, {"validator", e.Validator.Hex()}, {"amount", e.Balance.Dec()},
			}})
			seen := false
			for _, t := range touched {
				seen = seen || t == e.Validator
			}
			if !seen {
				touched = append(touched, e.Validator)
			}
		}
		kv.Delete(types.UnbondingQueueKey(h))
	}
	if n == len(hs) {
		kv.Delete(types.UnbondingHeightsKey)
	} else {
		kv.Set(types.UnbondingHeightsKey, types.MarshalHeights(hs[n:]))
	}
	for _, op := range touched {
		v, found, err := GetValidator(kv, op)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, codes.Wrapf(codes.Internal, "unbonding from missing validator %s", op)
		}
		k := sort.Search(len(v.UnbondingHeights), func(i int) bool { return v.UnbondingHeights[i] > height })
		v.UnbondingHeights = append([]int64(nil), v.UnbondingHeights[k:]...)
		SetValidator(kv, &v)
	}
	return evs, nil
}

// MaxPower is the voting power cap of one validator: CometBFT's total
// power limit (MaxInt64/8) split over max_validators, so the sum fits.
func MaxPower(p *types.Params) int64 { return math.MaxInt64 / 8 / int64(p.MaxValidators) }

// ActiveSet computes the validators that should be in consensus: the
// max_validators non-jailed validators with the most power (≥ 1), ties
// broken by ascending operator address; returned ascending by operator.
// Deterministic: it walks the stored validator list, never a Go map.
func ActiveSet(kv KV, p *types.Params) ([]types.LastValidator, error) {
	ops, err := ValidatorList(kv)
	if err != nil {
		return nil, err
	}
	maxPower := MaxPower(p)
	cands := make([]types.LastValidator, 0, len(ops))
	for _, op := range ops {
		v, found, err := GetValidator(kv, op)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, codes.Wrapf(codes.Internal, "validator list names missing validator %s", op)
		}
		if v.Jailed {
			continue
		}
		pw := v.Power(p.PowerReduction, maxPower)
		if pw < 1 {
			continue
		}
		cands = append(cands, types.LastValidator{Operator: op, PubKey: v.ConsPubKey, Power: pw})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Power != cands[j].Power {
			return cands[i].Power > cands[j].Power
		}
		return bytes.Compare(cands[i].Operator[:], cands[j].Operator[:]) < 0
	})
	if len(cands) > int(p.MaxValidators) {
		cands = cands[:p.MaxValidators]
	}
	sort.Slice(cands, func(i, j int) bool { return bytes.Compare(cands[i].Operator[:], cands[j].Operator[:]) < 0 })
	return cands, nil
}

// applyValidatorSet stores the new active set and returns the updates.
func applyValidatorSet(kv KV, p *types.Params) ([]ValidatorUpdate, error) {
	next, err := ActiveSet(kv, p)
	if err != nil {
		return nil, err
	}
	last, err := LastValidatorSet(kv)
	if err != nil {
		return nil, err
	}
	if len(next) == 0 && len(last) > 0 {
		// CometBFT halts on an empty set; keep the last one until some
		// validator is eligible again.
		return nil, nil
	}
	ups := diffSets(last, next)
	if len(ups) > 0 {
		kv.Set(types.LastValidatorSetKey, types.MarshalLastSet(next))
	}
	return ups, nil
}

// diffSets merges two operator-sorted sets into updates sorted by pubkey.
func diffSets(last, next []types.LastValidator) []ValidatorUpdate {
	var ups []ValidatorUpdate
	i, j := 0, 0
	for i < len(last) || j < len(next) {
		var c int
		switch {
		case i == len(last):
			c = 1
		case j == len(next):
			c = -1
		default:
			c = bytes.Compare(last[i].Operator[:], next[j].Operator[:])
		}
		switch {
		case c < 0: // left the set
			ups = append(ups, ValidatorUpdate{PubKey: last[i].PubKey, Power: 0})
			i++
		case c > 0: // joined
			ups = append(ups, ValidatorUpdate{PubKey: next[j].PubKey, Power: next[j].Power})
			j++
		default:
			if last[i].Power != next[j].Power {
				ups = append(ups, ValidatorUpdate{PubKey: next[j].PubKey, Power: next[j].Power})
			}
			i++
			j++
		}
	}
	sort.Slice(ups, func(a, b int) bool { return bytes.Compare(ups[a].PubKey[:], ups[b].PubKey[:]) < 0 })
	return ups
}
