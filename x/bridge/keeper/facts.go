package keeper

import (
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"strconv"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// TON facts (x/bridge README "TON facts"): a tx reports a claim about TON,
// it waits in the pending list, validators vote for it in their vote
// extensions once their own TON view confirms it, and the block in which
// the included votes hold > 2/3 of the voting power applies it. Nothing
// here talks to TON: the chain only counts votes.

// PendingFacts is the pending list, in report order.
func PendingFacts(kv KV) ([]types.PendingFact, error) {
	b, err := bankkeeper.Get(kv, types.PendingFactsKey)
	if err != nil {
		return nil, err
	}
	l, err := types.UnmarshalPending(b)
	if err != nil {
		return nil, bankkeeper.Corrupt(types.PendingFactsKey, err)
	}
	return l, nil
}

func setPendingFacts(kv KV, l []types.PendingFact) {
	if len(l) == 0 {
		kv.Delete(types.PendingFactsKey)
		return
	}
	kv.Set(types.PendingFactsKey, types.MarshalPending(l))
}

// GetFact reads a pending fact.
func GetFact(kv KV, id types.Hash32) (types.Fact, bool, error) {
	b, err := bankkeeper.Get(kv, types.FactKey(id))
	if err != nil || b == nil {
		return types.Fact{}, false, err
	}
	f, err := types.UnmarshalFact(b)
	if err != nil {
		return f, false, bankkeeper.Corrupt(types.FactKey(id), err)
	}
	return f, true, nil
}

// reportAnchor records m as a pending FactAnchor fact and moves a sealed
// checkpoint to submitted. A claim already pending, or any report for a
// confirmed checkpoint, changes nothing (relayers race; duplicates are
// harmless).
func reportAnchor(kv KV, from auth.Address, m *types.ReportAnchor, height int64) ([]Event, error) {
	r, found, err := GetCheckpoint(kv, m.Epoch)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, codes.Wrapf(types.ErrUnknownCheckpoint, "epoch %d", m.Epoch)
	}
	switch r.Status {
	case types.StatusAccumulating:
		return nil, codes.Wrapf(types.ErrNotSealed, "epoch %d is %s", m.Epoch, r.Status)
	case types.StatusConfirmed:
		return nil, nil
	}
	f := m.Fact()
	id := f.ID()
	if added, err := addPendingFact(kv, from, &f, height); err != nil || !added {
		return nil, err
	}
	if r.Status == types.StatusSealed {
		r.Status, r.SubmittedHeight = types.StatusSubmitted, height
		setCheckpoint(kv, &r)
	}
	return []Event{factEvent("ton_fact_reported", &f, id)}, nil
}

func factEvent(typ string, f *types.Fact, id types.Hash32) Event {
	idt, _ := id.MarshalText()
	th, _ := f.TONTxHash.MarshalText()
	return Event{Type: typ, Attrs: [][2]string{
		{"fact", string(idt)}, {"kind", f.Kind.String()}, {"epoch", strconv.FormatUint(f.Epoch, 10)},
		{"ton_tx_hash", string(th)}, {"ton_lt", strconv.FormatUint(f.TONLt, 10)},
	}}
}

// expireFacts drops the facts whose expiry height is below height (run by
// BeginBlock; one read of the list, writes only when something expires).
func expireFacts(kv KV, height int64) ([]Event, error) {
	l, err := PendingFacts(kv)
	if err != nil || len(l) == 0 {
		return nil, err
	}
	keep := make([]types.PendingFact, 0, len(l))
	var evs []Event
	for _, p := range l {
		if p.ExpiresHeight >= height {
			keep = append(keep, p)
			continue
		}
		f, found, err := GetFact(kv, p.ID)
		if err != nil {
			return nil, err
		}
		kv.Delete(types.FactKey(p.ID))
		if found && f.Kind == types.FactDeposit {
			if err := forgetDepositFact(kv, &f, p.ID); err != nil {
				return nil, err
			}
			evs = append(evs, depositEvent("ton_fact_expired", &f, p.ID))
		} else if found {
			evs = append(evs, factEvent("ton_fact_expired", &f, p.ID))
		}
	}
	if len(keep) != len(l) {
		setPendingFacts(kv, keep)
	}
	return evs, nil
}

// applyFacts applies every pending fact whose votes in this block hold
// more than 2/3 of total (the previous height's voting power), in pending
// (report) order; votes maps fact id → voting power (lookups only).
func applyFacts(kv KV, votes map[types.Hash32]uint64, total uint64, height int64) ([]Event, error) {
	if len(votes) == 0 {
		return nil, nil
	}
	l, err := PendingFacts(kv)
	if err != nil {
		return nil, err
	}
	keep := make([]types.PendingFact, 0, len(l))
	var evs []Event
	// Epochs an anchor fact of this block confirmed: further anchor facts
	// of the same epoch (other relayers' TON transactions) change nothing,
	// and skipping them here spares decoding the checkpoint record again —
	// a third of the proposer's vote-extension cost with 16 such facts
	// (app BenchmarkVoteExtensions). Lookups only.
	confirmed := map[uint64]bool{}
	for _, p := range l {
		power := votes[p.ID]
		if power == 0 {
			keep = append(keep, p)
			continue
		}
		f, found, err := GetFact(kv, p.ID)
		if err != nil {
			return nil, err
		}
		apply := superMajority(power, total)
		if apply && found {
			// A refund waits for room in the epoch's withdrawal tree.
			if apply, err = refundRoom(kv, &f, height); err != nil {
				return nil, err
			}
		}
		if !apply {
			keep = append(keep, p)
			if found {
				if err := noteTally(kv, &f, p.ID, power, total, height); err != nil {
					return nil, err
				}
			}
			continue
		}
		kv.Delete(types.FactKey(p.ID))
		if !found {
			continue
		}
		if f.Kind == types.FactAnchor && confirmed[f.Epoch] {
			continue
		}
		ev, err := applyFact(kv, &f, p.ID, power, total, height)
		if err != nil {
			return nil, err
		}
		if f.Kind == types.FactAnchor {
			confirmed[f.Epoch] = true
		}
		evs = append(evs, ev...)
	}
	if len(keep) != len(l) {
		setPendingFacts(kv, keep)
	}
	return evs, nil
}

// noteTally records a block's count of votes for a pending fact that did
// not apply it (so a status query shows "voted" and how far it is). It
// writes only when the power or total changed, so a fact voted by the same
// validators block after block costs one write, not one per block; for a
// deposit it also updates the deposit record.
func noteTally(kv KV, f *types.Fact, id types.Hash32, power, total uint64, height int64) error {
	if f.SignedPower == power && f.TotalPower == total {
		return nil
	}
	f.SignedPower, f.TotalPower, f.VotedHeight = power, total, height
	kv.Set(types.FactKey(id), f.Marshal())
	if f.Kind == types.FactDeposit {
		return noteDepositTally(kv, f)
	}
	return nil
}

func applyFact(kv KV, f *types.Fact, id types.Hash32, power, total uint64, height int64) ([]Event, error) {
	switch f.Kind {
	case types.FactAnchor:
		r, found, err := GetCheckpoint(kv, f.Epoch)
		if err != nil || !found || r.Status == types.StatusConfirmed {
			// Another report of the same epoch was confirmed first: the
			// first confirmed transaction stays the record.
			return nil, err
		}
		h := f.TONTxHash
		r.Status, r.TONTxHash, r.TONLt, r.ConfirmedHeight = types.StatusConfirmed, &h, f.TONLt, height
		setCheckpoint(kv, &r)
		ev := factEvent("checkpoint_confirmed", f, id)
		ev.Attrs = append(ev.Attrs, [2]string{"signed_power", strconv.FormatUint(power, 10)},
			[2]string{"total_power", strconv.FormatUint(total, 10)})
		return []Event{ev}, nil
	case types.FactDeposit:
		return applyDeposit(kv, f, id, power, total, height)
	}
	// Unknown kinds are never stored (no report creates them).
	return nil, codes.Wrapf(codes.Internal, "fact of kind %d", f.Kind)
}

// addPendingFact records f as reported by from at height and appends it to
// the pending list, unless the same fact is already pending (added false:
// a second report of a pending claim is a no-op). Both reports — an
// anchoring and a deposit — go through it, so the cap (bridge/13) and the
// expiry are the same for every kind.
func addPendingFact(kv KV, from auth.Address, f *types.Fact, height int64) (added bool, err error) {
	id := f.ID()
	if _, pending, err := GetFact(kv, id); err != nil || pending {
		return false, err
	}
	l, err := PendingFacts(kv)
	if err != nil {
		return false, err
	}
	if len(l) >= types.MaxPendingFacts {
		return false, codes.Wrapf(types.ErrTooManyFacts, "%d pending", len(l))
	}
	p, err := GetParams(kv)
	if err != nil {
		return false, err
	}
	f.Reporter, f.ReportedHeight, f.ExpiresHeight = from, height, height+int64(p.FactExpiry())
	kv.Set(types.FactKey(id), f.Marshal())
	setPendingFacts(kv, append(l, types.PendingFact{ID: id, ExpiresHeight: f.ExpiresHeight}))
	return true, nil
}
