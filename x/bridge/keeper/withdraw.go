package keeper

import (
	"encoding/binary"
	"strconv"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// EpochOf is the epoch a tx at height belongs to: the one whose checkpoint
// is taken next. Epoch e holds heights (e-1)·epoch_blocks+1 … e·epoch_blocks;
// its checkpoint is built in BeginBlock of e·epoch_blocks+1, before that
// block's txs, which therefore belong to e+1.
func EpochOf(height int64, epochBlocks uint64) uint64 {
	if height < 1 {
		return 0
	}
	return (uint64(height) + epochBlocks - 1) / epochBlocks
}

// ExecuteWithdraw runs Withdraw (action 63) for h.From at height: burns the
// amount, gives it the next withdrawal id and appends its leaf to the
// current epoch's tree. Every refusal leaves state untouched (the caller's
// tx overlay is dropped).
func ExecuteWithdraw(kv KV, h *auth.Header, msg auth.Msg, height int64) ([]Event, error) {
	m, ok := msg.(*types.Withdraw)
	if !ok {
		return nil, codes.Wrapf(auth.ErrUnknownAction, "bridge withdraw cannot execute %T", msg)
	}
	if err := m.ValidateBasic(h); err != nil {
		return nil, err
	}
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	if err := withdrawalRoom(kv, p, height); err != nil {
		return nil, err
	}
	if err := bankkeeper.Burn(kv, h.From, &m.Amount); err != nil {
		return nil, err
	}
	r, ev, err := appendWithdrawal(kv, p, h.From, m.To, &m.Amount, height, nil)
	if err != nil {
		return nil, err
	}
	seq, err := bankkeeper.GetU64(kv, types.AccountWithdrawalCountKey(h.From))
	if err != nil {
		return nil, err
	}
	kv.Set(types.AccountWithdrawalKey(h.From, seq), u64be(r.ID))
	kv.Set(types.AccountWithdrawalCountKey(h.From), u64be(seq+1))
	total, err := WithdrawnTotal(kv)
	if err != nil {
		return nil, err
	}
	total.Add(&total, &m.Amount) // ≤ supply ever burned: no overflow
	tb := total.Bytes32()
	kv.Set(types.WithdrawnTotalKey, tb[:])
	return []Event{ev}, nil
}

// withdrawalRoom: the epoch of a tx at height still takes a leaf
// (ErrEpochFull) and some set will sign its checkpoint (ErrBridgeInactive).
func withdrawalRoom(kv KV, p types.Params, height int64) error {
	if err := requireSigningSet(kv); err != nil {
		return err
	}
	epoch := EpochOf(height, p.EpochBlocks)
	ew, err := GetEpochWithdrawals(kv, epoch)
	if err != nil {
		return err
	}
	if uint64(ew.Count) >= p.WithdrawalCap() {
		return codes.Wrapf(types.ErrEpochFull, "epoch %d holds %d withdrawals", epoch, ew.Count)
	}
	return nil
}

// appendWithdrawal gives a withdrawal of amount to `to` the next id and
// appends its leaf to the current epoch's tree (the caller checked
// withdrawalRoom): record, leaf, epoch count/first id and next id. Withdraw
// burns before it; a refund (refundOf set, from zero) pays back jettons the
// L2 never minted.
func appendWithdrawal(kv KV, p types.Params, from auth.Address, to types.TONAddr, amount *uint256.Int, height int64, refundOf *types.DepositRef) (*types.WithdrawalRecord, Event, error) {
	epoch := EpochOf(height, p.EpochBlocks)
	ew, err := GetEpochWithdrawals(kv, epoch)
	if err != nil {
		return nil, Event{}, err
	}
	n := ew.Count
	id, err := bankkeeper.GetU64(kv, types.NextWithdrawalIDKey)
	if err != nil {
		return nil, Event{}, err
	}
	if id == 0 {
		id = 1
	}
	amt := *amount
	r := &types.WithdrawalRecord{ID: id, Epoch: epoch, Index: n, From: from, To: to, Amount: &amt, Height: height, RefundOf: refundOf}
	leaf, err := r.Withdrawal().LeafHash()
	if err != nil {
		// ValidateBasic checked everything Cell needs.
		return nil, Event{}, codes.Wrapf(codes.Internal, "withdrawal leaf: %v", err)
	}
	r.Leaf = leaf
	kv.Set(types.WithdrawalKey(id), r.Marshal())
	kv.Set(types.EpochLeafKey(epoch, n), leaf[:])
	if n == ew.Reincluded {
		ew.FirstID = id // the epoch's first own withdrawal
	}
	ew.Count = n + 1
	kv.Set(types.EpochCountKey(epoch), ew.Marshal())
	kv.Set(types.NextWithdrawalIDKey, u64be(id+1))
	lh, _ := r.Leaf.MarshalText()
	return r, Event{Type: "withdraw", Attrs: [][2]string{
		{"id", strconv.FormatUint(id, 10)}, {"epoch", strconv.FormatUint(epoch, 10)},
		{"index", strconv.FormatUint(uint64(n), 10)}, {"sender", from.Hex()},
		{"to", to.String()}, {"amount", amt.Dec()}, {"leaf_hash", string(lh)},
	}}, nil
}

// requireSigningSet refuses a withdrawal no checkpoint would carry: the
// next checkpoint is taken only if the anchored set, or failing it the
// current bridge set, has a member.
func requireSigningSet(kv KV) error {
	b, err := bankkeeper.Get(kv, types.AnchoredSetKey)
	if err != nil || len(b) > 0 {
		return err
	}
	cur, err := CurrentSet(kv)
	if err != nil {
		return err
	}
	if len(cur) == 0 {
		return codes.Wrap(types.ErrBridgeInactive, "no validator has a bridge key")
	}
	return nil
}

// sealWithdrawals is called by BeginBlock when it takes epoch's checkpoint:
// it folds the epoch's per-index leaves (point reads, bounded by
// max_withdrawals_per_epoch) into the one leaf list a claimant downloads,
// deletes them, and returns the withdrawal_root. Later txs are in epoch+1,
// so the list never changes again.
func sealWithdrawals(kv KV, epoch uint64) ([32]byte, error) {
	ew, err := GetEpochWithdrawals(kv, epoch)
	if err != nil || ew.Count == 0 {
		return [32]byte{}, err
	}
	n := ew.Count
	leaves := make([][32]byte, n)
	list := make([]byte, 0, 32*int(n))
	for i := uint32(0); i < n; i++ {
		b, err := bankkeeper.Get(kv, types.EpochLeafKey(epoch, i))
		if err != nil {
			return [32]byte{}, err
		}
		if len(b) != 32 {
			return [32]byte{}, bankkeeper.Corrupt(types.EpochLeafKey(epoch, i), nil)
		}
		copy(leaves[i][:], b)
		list = append(list, b...)
		kv.Delete(types.EpochLeafKey(epoch, i))
	}
	root, err := checkpoint.WithdrawalRoot(leaves)
	if err != nil {
		return root, codes.Wrapf(codes.Internal, "epoch %d withdrawal root: %v", epoch, err)
	}
	kv.Set(types.EpochLeavesKey(epoch), list)
	return root, nil
}

// GetWithdrawal reads withdrawal id's record.
func GetWithdrawal(kv KV, id uint64) (types.WithdrawalRecord, bool, error) {
	b, err := bankkeeper.Get(kv, types.WithdrawalKey(id))
	if err != nil || b == nil {
		return types.WithdrawalRecord{}, false, err
	}
	r, err := types.UnmarshalWithdrawal(b)
	if err != nil {
		return r, false, bankkeeper.Corrupt(types.WithdrawalKey(id), err)
	}
	return r, true, nil
}

// EpochLeaves is a checkpointed epoch's leaf hashes in index order (nil
// for an epoch without withdrawals or not checkpointed yet).
func EpochLeaves(kv KV, epoch uint64) ([][32]byte, error) {
	b, err := bankkeeper.Get(kv, types.EpochLeavesKey(epoch))
	if err != nil {
		return nil, err
	}
	return types.SplitLeaves(b)
}

// GetEpochWithdrawals is how many withdrawals epoch holds and its first id.
func GetEpochWithdrawals(kv KV, epoch uint64) (types.EpochWithdrawals, error) {
	b, err := bankkeeper.Get(kv, types.EpochCountKey(epoch))
	if err != nil {
		return types.EpochWithdrawals{}, err
	}
	ew, err := types.UnmarshalEpochWithdrawals(b)
	if err != nil {
		return ew, bankkeeper.Corrupt(types.EpochCountKey(epoch), err)
	}
	return ew, nil
}

// WithdrawnTotal is the upingo burned by Withdraw since genesis.
func WithdrawnTotal(kv KV) (uint256.Int, error) {
	var v uint256.Int
	b, err := bankkeeper.Get(kv, types.WithdrawnTotalKey)
	if err != nil || b == nil {
		return v, err
	}
	if len(b) != 32 {
		return v, bankkeeper.Corrupt(types.WithdrawnTotalKey, nil)
	}
	v.SetBytes32(b)
	return v, nil
}

func u64be(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
