package keeper

import (
	"strconv"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Re-inclusion (issue #7): a withdrawal is burned on the L2 when it is
// made, but paid on TON only against a withdrawal_root the anchor holds.
// When an epoch's checkpoint leaves the late-signature window still
// accumulating, no further signature can ever be recorded for it, so the
// L2 never seals it and no relayer can anchor its root: its withdrawals
// would stay burned and unpayable. The BeginBlock that closes the window
// knows this from state alone (the same rule Unclaimable applies at
// export), so it moves those withdrawals, with the same id, sender,
// recipient and amount, into the tree of the epoch that has just begun.
// The anchor pays each withdrawal id once whatever root proves it
// (bridge.tolk's claimed bitmap), so even if the old root reached TON
// after all (signatures gathered off-chain), the id still pays once.

// reincludeUnsealed moves the withdrawals of each closed epoch whose
// checkpoint never sealed into epoch into, which has only just begun
// (BeginBlock runs before the block's txs, so into holds no withdrawal of
// its own yet). Closed epochs are ascending; ids keep their order.
func reincludeUnsealed(kv KV, closed []uint64, into uint64) ([]Event, error) {
	var evs []Event
	for _, e := range closed {
		cp, found, err := GetCheckpoint(kv, e)
		if err != nil {
			return nil, err
		}
		if !found || cp.Status != types.StatusAccumulating {
			continue
		}
		ew, err := GetEpochWithdrawals(kv, e)
		if err != nil || ew.Count == 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		ids, err := EpochIDs(kv, e, ew)
		if err != nil {
			return nil, err
		}
		ev, err := reinclude(kv, e, ids, into)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev...)
	}
	return evs, nil
}

// reinclude appends ids (withdrawals of epoch from) to into's re-included
// prefix and rewrites their records: new epoch, index and leaf.
func reinclude(kv KV, from uint64, ids []uint64, into uint64) ([]Event, error) {
	ew, err := GetEpochWithdrawals(kv, into)
	if err != nil {
		return nil, err
	}
	if ew.Count != ew.Reincluded {
		// Only reachable if BeginBlock ran after a tx of into.
		return nil, codes.Wrapf(codes.Internal, "re-include into epoch %d: it already holds %d own withdrawals", into, ew.Count-ew.Reincluded)
	}
	if int(ew.Count)+len(ids) > checkpoint.MaxWithdrawalsPerEpoch {
		// Params are fixed at genesis and one epoch closes per boundary,
		// so at most max_withdrawals_per_epoch ids arrive here.
		return nil, codes.Wrapf(codes.Internal, "re-include into epoch %d: %d + %d leaves", into, ew.Count, len(ids))
	}
	list, err := bankkeeper.Get(kv, types.ReincludedKey(into))
	if err != nil {
		return nil, err
	}
	list = append([]byte(nil), list...)
	evs := make([]Event, 0, len(ids))
	for _, id := range ids {
		w, ok, err := GetWithdrawal(kv, id)
		if err != nil {
			return nil, err
		}
		if !ok || w.Epoch != from {
			return nil, bankkeeper.Corrupt(types.WithdrawalKey(id), nil)
		}
		w.ReincludedFrom = append(w.ReincludedFrom, from)
		w.Epoch, w.Index = into, ew.Count
		leaf, err := w.Withdrawal().LeafHash()
		if err != nil {
			return nil, codes.Wrapf(codes.Internal, "withdrawal %d leaf: %v", id, err)
		}
		w.Leaf = leaf
		kv.Set(types.WithdrawalKey(id), w.Marshal())
		kv.Set(types.EpochLeafKey(into, ew.Count), leaf[:])
		list = append(list, u64be(id)...)
		lh, _ := w.Leaf.MarshalText()
		evs = append(evs, Event{Type: "withdrawal_reincluded", Attrs: [][2]string{
			{"id", strconv.FormatUint(id, 10)}, {"from_epoch", strconv.FormatUint(from, 10)},
			{"epoch", strconv.FormatUint(into, 10)}, {"index", strconv.FormatUint(uint64(ew.Count), 10)},
			{"leaf_hash", string(lh)},
		}})
		ew.Count++
		ew.Reincluded++
	}
	kv.Set(types.ReincludedKey(into), list)
	kv.Set(types.EpochCountKey(into), ew.Marshal())
	return evs, nil
}

// EpochIDs lists the ids of epoch's withdrawals in index order: the
// re-included ones (ReincludedKey), then its own, contiguous from FirstID.
func EpochIDs(kv KV, epoch uint64, ew types.EpochWithdrawals) ([]uint64, error) {
	var re []uint64
	if ew.Reincluded > 0 {
		b, err := bankkeeper.Get(kv, types.ReincludedKey(epoch))
		if err != nil {
			return nil, err
		}
		if re, err = types.SplitIDs(b); err != nil || uint32(len(re)) != ew.Reincluded {
			return nil, bankkeeper.Corrupt(types.ReincludedKey(epoch), err)
		}
	}
	out := make([]uint64, ew.Count)
	for i := range out {
		out[i], _ = ew.ID(uint32(i), re)
	}
	return out, nil
}
