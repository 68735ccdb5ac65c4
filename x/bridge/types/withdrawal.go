package types

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// Withdrawal record kinds (second key byte) start at 0x20, apart from the
// checkpoint and deposit records, so parallel work on the module cannot pick
// the same byte. Never renumber or reuse.
var (
	// NextWithdrawalIDKey: 0x06 0x20 → the id the next Withdraw gets, 8 BE
	// (absent = 1: ids start at 1 and are never reused).
	NextWithdrawalIDKey = []byte{ModulePrefix, 0x20}
	// WithdrawalPrefix: 0x06 0x21 ‖ id(8 BE) → WithdrawalRecord JSON.
	WithdrawalPrefix = []byte{ModulePrefix, 0x21}
	// EpochLeafPrefix: 0x06 0x22 ‖ epoch(8 BE) ‖ index(4 BE) → leaf hash(32)
	// of the epoch's index-th withdrawal, while the epoch is still open.
	// The checkpoint folds them into EpochLeavesPrefix and deletes them.
	EpochLeafPrefix = []byte{ModulePrefix, 0x22}
	// EpochCountPrefix: 0x06 0x23 ‖ epoch(8 BE) → count(4 BE) ‖ first
	// own id(8 BE) ‖ [re-included count k(4 BE), only when k > 0] of the
	// epoch's withdrawals (absent = none). Indices 0..k-1 are re-included
	// ids (ReincludedPrefix); the epoch's own ids are contiguous (handed
	// out in block order), so index i ≥ k is id first+i-k: what a relayer
	// walks to claim a whole epoch. Kept after the checkpoint.
	EpochCountPrefix = []byte{ModulePrefix, 0x23}
	// EpochLeavesPrefix: 0x06 0x24 ‖ epoch(8 BE) → every leaf hash of the
	// checkpointed epoch in index order, 32 bytes each: what a claimant
	// needs to compute its path (checkpoint.WithdrawalPath) and verify it
	// against the checkpoint's withdrawal_root. One write per epoch.
	EpochLeavesPrefix = []byte{ModulePrefix, 0x24}
	// AccountWithdrawalCountPrefix: 0x06 0x25 ‖ from(20) → how many
	// withdrawals the account made, 8 BE.
	AccountWithdrawalCountPrefix = []byte{ModulePrefix, 0x25}
	// AccountWithdrawalPrefix: 0x06 0x26 ‖ from(20) ‖ seq(8 BE) → id(8 BE)
	// of the account's seq-th withdrawal (seq from 0): the list by account.
	AccountWithdrawalPrefix = []byte{ModulePrefix, 0x26}
	// WithdrawnTotalKey: 0x06 0x27 → upingo burned by Withdraw since
	// genesis, uint256 BE (32): owed on TON, the L2 side of the cross-chain
	// supply check.
	WithdrawnTotalKey = []byte{ModulePrefix, 0x27}
	// ReincludedPrefix: 0x06 0x28 ‖ epoch(8 BE) → ids (8 BE each) of the
	// withdrawals re-included in the epoch, in index order: they hold
	// indices 0..k-1 of its tree (k = EpochWithdrawals.Reincluded), ahead of
	// the epoch's own withdrawals. Written once, by the BeginBlock that
	// closed the late-signature window of their old, unsealed epoch.
	ReincludedPrefix = []byte{ModulePrefix, 0x28}
)

// ReincludedKey is the list of ids re-included in epoch.
func ReincludedKey(epoch uint64) []byte { return join(ReincludedPrefix, u64(epoch)) }

func u32(v uint32) []byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return b[:]
}

// WithdrawalKey is withdrawal id's record.
func WithdrawalKey(id uint64) []byte { return join(WithdrawalPrefix, u64(id)) }

// EpochLeafKey is the index-th leaf of an open epoch.
func EpochLeafKey(epoch uint64, index uint32) []byte {
	return join(EpochLeafPrefix, u64(epoch), u32(index))
}

// EpochCountKey is the epoch's withdrawal count.
func EpochCountKey(epoch uint64) []byte { return join(EpochCountPrefix, u64(epoch)) }

// EpochLeavesKey is the checkpointed epoch's leaf list.
func EpochLeavesKey(epoch uint64) []byte { return join(EpochLeavesPrefix, u64(epoch)) }

// AccountWithdrawalCountKey is from's withdrawal count.
func AccountWithdrawalCountKey(from auth.Address) []byte {
	return join(AccountWithdrawalCountPrefix, from[:])
}

// AccountWithdrawalKey is from's seq-th withdrawal id.
func AccountWithdrawalKey(from auth.Address, seq uint64) []byte {
	return join(AccountWithdrawalPrefix, from[:], u64(seq))
}

// WithdrawalRecord is what the chain keeps per withdrawal
// (`/bridge/withdrawal/{id}`). Status is not stored: it follows from the
// checkpoint record of Epoch (see x/bridge/README.md, Withdrawals).
type WithdrawalRecord struct {
	ID     uint64       `json:"id"`
	Epoch  uint64       `json:"epoch"`
	Index  uint32       `json:"index"`
	From   auth.Address `json:"from"`
	To     TONAddr      `json:"to"`
	Amount *uint256.Int `json:"amount"`
	// Height is the block that burned the amount.
	Height int64  `json:"height"`
	Leaf   Hash32 `json:"leaf_hash"`
	// ReincludedFrom lists the epochs the withdrawal was in before Epoch,
	// oldest first: each one's checkpoint left the late-signature window
	// unsealed, so its root never reached TON and the leaf (same id, from,
	// to and amount; the epoch field is the new one, which the anchor
	// checks) moved to the next epoch's tree. Absent for most.
	ReincludedFrom []uint64 `json:"reincluded_from,omitempty"`
	// RefundOf marks a refund (From is zero, nothing was burned): the
	// deposit (refundable) whose jettons this withdrawal pays back.
	RefundOf *DepositRef `json:"refund_of,omitempty"`
}

// DepositRef names a deposit by the anchor's TON transaction.
type DepositRef struct {
	TONTxHash Hash32 `json:"ton_tx_hash"`
	TONLt     uint64 `json:"ton_lt"`
}

// Withdrawal is the leaf's content in bridge/checkpoint's form.
func (r *WithdrawalRecord) Withdrawal() checkpoint.Withdrawal {
	w := checkpoint.Withdrawal{ID: r.ID, Epoch: r.Epoch, From: [20]byte(r.From), To: r.To.Address()}
	if r.Amount != nil {
		w.Amount = r.Amount.ToBig()
	}
	return w
}

// Marshal is the stored JSON.
func (r *WithdrawalRecord) Marshal() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalWithdrawal reads the stored form and checks that the leaf hash
// is the hash of the record's own fields, so a reader holding a proof of
// the record also holds a proof of the leaf.
func UnmarshalWithdrawal(b []byte) (WithdrawalRecord, error) {
	var r WithdrawalRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return r, err
	}
	if r.Amount == nil {
		return r, fmt.Errorf("withdrawal %d: no amount", r.ID)
	}
	h, err := r.Withdrawal().LeafHash()
	if err != nil {
		return r, fmt.Errorf("withdrawal %d: %w", r.ID, err)
	}
	if Hash32(h) != r.Leaf {
		return r, fmt.Errorf("withdrawal %d: leaf hash does not match its fields", r.ID)
	}
	return r, nil
}

// SplitLeaves reads EpochLeavesKey's value (and `/bridge/withdrawal_leaves`).
func SplitLeaves(b []byte) ([][32]byte, error) {
	if len(b)%32 != 0 || len(b)/32 > checkpoint.MaxWithdrawalsPerEpoch {
		return nil, fmt.Errorf("withdrawal leaves: %d bytes", len(b))
	}
	out := make([][32]byte, len(b)/32)
	for i := range out {
		copy(out[i][:], b[32*i:])
	}
	return out, nil
}

// EpochWithdrawals is EpochCountKey's value: how many withdrawals an epoch
// holds (Count, re-included ones included), how many of them are
// re-included from an unsealed epoch (Reincluded: indices 0..Reincluded-1,
// their ids under ReincludedKey) and the id of the epoch's own first
// withdrawal (index Reincluded); own index i is id FirstID+i-Reincluded.
type EpochWithdrawals struct {
	Count      uint32 `json:"count"`
	FirstID    uint64 `json:"first_id"`
	Reincluded uint32 `json:"reincluded,omitempty"`
}

// Marshal is count(4 BE) ‖ first id(8 BE) ‖ [reincluded(4 BE), only when
// non-zero]: an epoch without re-included withdrawals keeps the 12-byte
// form written before re-inclusion existed (same AppHash, same readers).
func (e EpochWithdrawals) Marshal() []byte {
	b := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(nil, e.Count), e.FirstID)
	if e.Reincluded != 0 {
		b = binary.BigEndian.AppendUint32(b, e.Reincluded)
	}
	return b
}

// ID is the withdrawal id at index i, given the epoch's re-included ids
// (ReincludedKey, len = Reincluded); ok=false outside the epoch.
func (e EpochWithdrawals) ID(i uint32, reincluded []uint64) (uint64, bool) {
	if i >= e.Count || uint32(len(reincluded)) != e.Reincluded {
		return 0, false
	}
	if i < e.Reincluded {
		return reincluded[i], true
	}
	return e.FirstID + uint64(i-e.Reincluded), true
}

// SplitIDs reads ReincludedKey's value (and `/bridge/reincluded/{epoch}`).
func SplitIDs(b []byte) ([]uint64, error) {
	if len(b)%8 != 0 || len(b)/8 > checkpoint.MaxWithdrawalsPerEpoch {
		return nil, fmt.Errorf("withdrawal ids: %d bytes", len(b))
	}
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.BigEndian.Uint64(b[8*i:])
	}
	return out, nil
}

// UnmarshalEpochWithdrawals reads Marshal's form; nil is an empty epoch.
func UnmarshalEpochWithdrawals(b []byte) (EpochWithdrawals, error) {
	if b == nil {
		return EpochWithdrawals{}, nil
	}
	if len(b) != 12 && len(b) != 16 {
		return EpochWithdrawals{}, fmt.Errorf("epoch withdrawals: %d bytes", len(b))
	}
	e := EpochWithdrawals{Count: binary.BigEndian.Uint32(b), FirstID: binary.BigEndian.Uint64(b[4:])}
	if len(b) == 16 {
		e.Reincluded = binary.BigEndian.Uint32(b[12:])
		if e.Reincluded == 0 || e.Reincluded > e.Count {
			return EpochWithdrawals{}, fmt.Errorf("epoch withdrawals: %d re-included of %d", e.Reincluded, e.Count)
		}
	}
	return e, nil
}
