package keeper

import (
	"math"
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/staking/types"
)

// BeginBlock runs at the start of FinalizeBlock, in this order:
//
//  1. evidence: each double sign (or light-client attack) by a known,
//     not yet tombstoned validator slashes slash_fraction_double_sign of its
//     tokens and of its unbonding entries created at or after the infraction
//     height, jails and tombstones it;
//  2. liveness: each vote of the last commit by a known, non-jailed
//     validator advances its sliding window; more than
//     window − window×min_signed_per_window_bps/10000 misses over a full
//     window jails it for downtime_jail_blocks and slashes
//     slash_fraction_downtime of its tokens;
//  3. rewards: the fee pool, the block reward (capped by the reserve) and
//     the dust carried over are split among the validators that signed the
//     last commit in proportion to their vote power.
//
// it is unused (kept for a uniform hook signature): everything is reached
// by point reads, so writes staged earlier in the block are seen.
func BeginBlock(kv KV, it Iterator, b BlockInfo) ([]Event, error) {
	_ = it
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	var evs []Event
	for _, ev := range b.Evidence {
		e, err := handleEvidence(kv, &p, ev)
		if err != nil {
			return nil, err
		}
		evs = append(evs, e...)
	}
	for _, vote := range b.Votes {
		e, err := handleLiveness(kv, &p, vote, b.Height)
		if err != nil {
			return nil, err
		}
		evs = append(evs, e...)
	}
	e, err := distribute(kv, &p, b.Votes, b.Height)
	if err != nil {
		return nil, err
	}
	return append(evs, e...), nil
}

// slash takes fractionPpb of v's tokens and, if infractionHeight > 0, of
// the initial balance of each of v's unbonding entries created at or after
// infractionHeight (capped at what is left of it). The slashed upingo moves
// to the reward reserve: supply is fixed. The caller stores v.
func slash(kv KV, v *types.Validator, fractionPpb uint64, infractionHeight int64) (uint256.Int, error) {
	f := uint256.NewInt(fractionPpb)
	denom := uint256.NewInt(types.PpbDenom)
	var total, amt uint256.Int
	amt.MulDivOverflow(&v.Tokens, f, denom) // f < 1: ≤ tokens
	v.Tokens.Sub(&v.Tokens, &amt)
	total.Set(&amt)
	if infractionHeight > 0 {
		for _, h := range v.UnbondingHeights {
			es, err := UnbondingQueue(kv, h)
			if err != nil {
				return total, err
			}
			changed := false
			for i := range es {
				e := &es[i]
				if e.Validator != v.Operator || e.CreationHeight < infractionHeight {
					continue
				}
				var a uint256.Int
				a.MulDivOverflow(&e.InitialBalance, f, denom)
				if a.Gt(&e.Balance) {
					a.Set(&e.Balance)
				}
				if a.IsZero() {
					continue
				}
				e.Balance.Sub(&e.Balance, &a)
				total.Add(&total, &a)
				changed = true
			}
			if changed {
				setQueue(kv, h, es)
			}
		}
	}
	return total, addUint(kv, types.RewardReserveKey, &total)
}

func handleEvidence(kv KV, p *types.Params, ev types.Evidence) ([]Event, error) {
	op, found, err := OperatorByConsAddr(kv, ev.ConsAddr)
	if err != nil || !found {
		return nil, err // unknown validator: nothing to slash
	}
	v, found, err := GetValidator(kv, op)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, codes.Wrapf(codes.Internal, "consensus index names missing validator %s", op)
	}
	if v.Tombstoned {
		return nil, nil // punished once per validator
	}
	h := ev.Height
	if h < 1 {
		h = 1
	}
	amt, err := slash(kv, &v, p.SlashFractionDoubleSignPpb, h)
	if err != nil {
		return nil, err
	}
	v.Jailed, v.Tombstoned, v.JailedUntil = true, true, math.MaxInt64
	SetValidator(kv, &v)
	kind := "double_sign"
	if !ev.DoubleSign {
		kind = "light_client_attack"
	}
	return []Event{{Type: "slash", Attrs: [][2]string{
		{"validator", op.Hex()}, {"reason", kind}, {"infraction_height", strconv.FormatInt(ev.Height, 10)},
		{"amount", amt.Dec()}, {"jailed", "true"}, {"tombstoned", "true"},
	}}}, nil
}

// GetSigningInfo reads op's liveness record (zero value if none).
func GetSigningInfo(kv KV, op auth.Address) (types.SigningInfo, error) {
	key := types.SigningInfoKey(op)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return types.SigningInfo{}, err
	}
	s, err := types.UnmarshalSigningInfo(b)
	if err != nil {
		return s, bankkeeper.Corrupt(key, err)
	}
	return s, nil
}

func handleLiveness(kv KV, p *types.Params, vote types.Vote, height int64) ([]Event, error) {
	op, found, err := OperatorByConsAddr(kv, vote.ConsAddr)
	if err != nil || !found {
		return nil, err
	}
	v, found, err := GetValidator(kv, op)
	if err != nil || !found {
		return nil, err
	}
	if v.Jailed {
		return nil, nil
	}
	w := p.SignedBlocksWindow
	info, err := GetSigningInfo(kv, op)
	if err != nil {
		return nil, err
	}
	if int64(len(info.Bitmap)) != (w+7)/8 {
		info = types.SigningInfo{Bitmap: make([]byte, (w+7)/8)}
	}
	idx := info.Counted % w
	byteI, bit := idx/8, byte(1)<<(idx%8)
	wasMissed := info.Bitmap[byteI]&bit != 0
	missed := !vote.Signed
	switch {
	case missed && !wasMissed:
		info.Bitmap[byteI] |= bit
		info.Missed++
	case !missed && wasMissed:
		info.Bitmap[byteI] &^= bit
		info.Missed--
	}
	info.Counted++
	maxMissed := w - w*int64(p.MinSignedPerWindowBps)/types.BpsDenom
	if info.Counted < w || info.Missed <= maxMissed {
		kv.Set(types.SigningInfoKey(op), info.Marshal())
		return nil, nil
	}
	amt, err := slash(kv, &v, p.SlashFractionDowntimePpb, 0)
	if err != nil {
		return nil, err
	}
	v.Jailed = true
	v.JailedUntil = height + p.DowntimeJailBlocks
	SetValidator(kv, &v)
	kv.Delete(types.SigningInfoKey(op))
	return []Event{{Type: "slash", Attrs: [][2]string{
		{"validator", op.Hex()}, {"reason", "downtime"}, {"missed_blocks", strconv.FormatInt(info.Missed, 10)},
		{"amount", amt.Dec()}, {"jailed", "true"}, {"jailed_until", strconv.FormatInt(v.JailedUntil, 10)},
	}}}, nil
}

// distribute pays the block's rewards (see BeginBlock). Per signer with
// vote power pw out of P: r = R×pw/P; commission = r×commission_bps/10000
// goes to the operator's account; the rest raises the validator's reward
// per share by Δ = rest×1e18/shares, and ceil(Δ×shares/1e18) of it becomes
// claimable (Outstanding). Everything not paid out — flooring remainders,
// the share of validators without delegators — is the new dust.
func distribute(kv KV, p *types.Params, votes []types.Vote, height int64) ([]Event, error) {
	type signer struct {
		op    auth.Address
		power uint64
	}
	var signers []signer
	var totalPower uint256.Int
	for _, vote := range votes {
		if !vote.Signed || vote.Power <= 0 {
			continue
		}
		op, found, err := OperatorByConsAddr(kv, vote.ConsAddr)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		dup := false
		for _, s := range signers {
			dup = dup || s.op == op
		}
		if dup {
			continue
		}
		signers = append(signers, signer{op, uint64(vote.Power)})
		totalPower.AddUint64(&totalPower, uint64(vote.Power))
	}
	if totalPower.IsZero() {
		return nil, nil // nobody to pay: fees, reserve and dust wait
	}
	fees, err := bankkeeper.FeePool(kv)
	if err != nil {
		return nil, err
	}
	reserve, err := RewardReserve(kv)
	if err != nil {
		return nil, err
	}
	dust, err := Dust(kv)
	if err != nil {
		return nil, err
	}
	blockReward := p.RewardAt(height)
	if blockReward.Gt(&reserve) {
		blockReward.Set(&reserve)
	}
	var pot uint256.Int
	_, of1 := pot.AddOverflow(&fees, &blockReward)
	_, of2 := pot.AddOverflow(&pot, &dust)
	if of1 || of2 {
		return nil, codes.Wrap(codes.Internal, "reward pot overflows")
	}
	if pot.IsZero() {
		return nil, nil
	}
	if !fees.IsZero() {
		ClearFeePool(kv)
	}
	if !blockReward.IsZero() {
		reserve.Sub(&reserve, &blockReward)
		bankkeeper.SetUint(kv, types.RewardReserveKey, &reserve)
	}
	evs := make([]Event, 0, len(signers)+1)
	var paid uint256.Int
	bps := uint256.NewInt(types.BpsDenom)
	for _, s := range signers {
		v, found, err := GetValidator(kv, s.op)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, codes.Wrapf(codes.Internal, "consensus index names missing validator %s", s.op)
		}
		var r, comm, rest, delta, claim uint256.Int
		r.MulDivOverflow(&pot, uint256.NewInt(s.power), &totalPower) // ≤ pot
		comm.MulDivOverflow(&r, uint256.NewInt(uint64(v.CommissionBps)), bps)
		rest.Sub(&r, &comm)
		if err := credit(kv, v.Operator, &comm); err != nil {
			return nil, err
		}
		paid.Add(&paid, &comm)
		if !v.Shares.IsZero() && !rest.IsZero() {
			if _, of := delta.MulDivOverflow(&rest, types.RewardScale, &v.Shares); of {
				return nil, codes.Wrap(codes.Internal, "reward per share overflows")
			}
			// claim = ceil(delta × shares / scale) ≤ rest.
			var m uint256.Int
			claim.MulDivOverflow(&delta, &v.Shares, types.RewardScale)
			if !m.MulMod(&delta, &v.Shares, types.RewardScale).IsZero() {
				claim.AddUint64(&claim, 1)
			}
			if _, of := v.RewardPerShare.AddOverflow(&v.RewardPerShare, &delta); of {
				return nil, codes.Wrap(codes.Internal, "reward per share overflows")
			}
			v.Outstanding.Add(&v.Outstanding, &claim)
			paid.Add(&paid, &claim)
			SetValidator(kv, &v)
		}
		evs = append(evs, Event{Type: "rewards", Attrs: [][2]string{
			{"validator", v.Operator.Hex()}, {"amount", r.Dec()}, {"commission", comm.Dec()}, {"delegators", claim.Dec()},
		}})
	}
	var newDust uint256.Int
	newDust.Sub(&pot, &paid)
	bankkeeper.SetUint(kv, types.DustKey, &newDust)
	return append(evs, Event{Type: "distribution", Attrs: [][2]string{
		{"fees", fees.Dec()}, {"block_reward", blockReward.Dec()}, {"dust_in", dust.Dec()}, {"dust_out", newDust.Dec()},
	}}), nil
}
