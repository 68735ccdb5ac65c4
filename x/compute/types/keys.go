package types

import (
	"encoding/binary"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// ModulePrefix is compute's first key byte (module map in
// x/auth/types/keys.go: 0x01 auth, 0x02 bank, 0x03 staking, 0x04 nft,
// 0x05 compute, 0x06 bridge). Never renumber.
const ModulePrefix byte = 0x05

// Record kinds (second key byte). Never renumber or reuse.
//
// Design note (as in x/staking): the app's Iterator reads committed state
// only, while a block stages its writes in an overlay. Every record that
// actions and block hooks must find is reachable by point reads: the node
// list, the live-job sets, the expiry and unbonding queues keyed by height,
// the paged lists and the running totals. Only queries, export and the
// invariant check iterate, on committed state.
var (
	// ParamsKey: 0x05 0x01 → Params as JSON (fixed field order).
	ParamsKey = []byte{ModulePrefix, 0x01}
	// NodePrefix: 0x05 0x02 ‖ operator(20) → Node, RLP (state.go).
	NodePrefix = []byte{ModulePrefix, 0x02}
	// NodeListKey: 0x05 0x03 → every operator that ever registered, 20
	// bytes each, ascending. Bounded by the max_nodes parameter.
	NodeListKey = []byte{ModulePrefix, 0x03}
	// JobPrefix: 0x05 0x04 ‖ jobID(8, BE) → Job, RLP (state.go).
	JobPrefix = []byte{ModulePrefix, 0x04}
	// NextJobIDKey: 0x05 0x05 → next job id, uint64 BE (ids start at 1).
	NextJobIDKey = []byte{ModulePrefix, 0x05}
	// ReceiptPrefix: 0x05 0x06 ‖ receiptID(8, BE) → Receipt, RLP.
	ReceiptPrefix = []byte{ModulePrefix, 0x06}
	// NextReceiptIDKey: 0x05 0x07 → next receipt id, uint64 BE (from 1).
	NextReceiptIDKey = []byte{ModulePrefix, 0x07}
	// AttestationPrefix: 0x05 0x08 ‖ attestationID(32) → receiptID(8, BE).
	// Present = the id is spent, forever (replay protection).
	AttestationPrefix = []byte{ModulePrefix, 0x08}
	// IncentivePoolKey: 0x05 0x09 → the community incentive pool (the 80%),
	// uint256 BE. Funded in genesis; spent only by the network-job
	// emission; receives slashed node bonds and unspent network escrow.
	IncentivePoolKey = []byte{ModulePrefix, 0x09}
	// EscrowTotalKey: 0x05 0x0a → Σ escrow of every job, uint256 BE.
	EscrowTotalKey = []byte{ModulePrefix, 0x0a}
	// BondTotalKey: 0x05 0x0b → Σ bond of every node (bonded and
	// unbonding), uint256 BE.
	BondTotalKey = []byte{ModulePrefix, 0x0b}
	// JobSetPrefix: 0x05 0x0c ‖ state(1) → ids (8 bytes BE each, ascending)
	// of the jobs in that live state: 1 open (takes AcceptJob), 2 assigned
	// (fully assigned, being attested). Bounded by max_live_jobs.
	JobSetPrefix = []byte{ModulePrefix, 0x0c}
	// ExpiryQueuePrefix: 0x05 0x0d ‖ height(8, BE) → ids of live jobs whose
	// expiry height it is (8 bytes BE each, in insertion order).
	ExpiryQueuePrefix = []byte{ModulePrefix, 0x0d}
	// UnbondQueuePrefix: 0x05 0x0e ‖ height(8, BE) → operators (20 bytes
	// each) whose node bond is paid out at the end of that height.
	UnbondQueuePrefix = []byte{ModulePrefix, 0x0e}
	// ListPrefix: 0x05 0x0f ‖ kind(1) ‖ subject → count, uint64 BE (the
	// list head); 0x05 0x0f ‖ kind(1) ‖ subject ‖ page(4, BE) → up to
	// ListPageSize ids, 8 bytes BE each, in append order. Append-only
	// lists, paged so an append rewrites at most one small page.
	ListPrefix = []byte{ModulePrefix, 0x0f}
	// DeadlinePrefix: 0x05 0x10 ‖ height(8, BE) → ids of receipts whose
	// reveal deadline is that height (8 bytes BE each, insertion order).
	// EndBlock of that height gives still-pending ones their verdict.
	DeadlinePrefix = []byte{ModulePrefix, 0x10}
	// RevealBudgetKey: 0x05 0x11 → height(8, BE) ‖ units re-executed in
	// that block (8, BE). A different height reads as 0 used.
	RevealBudgetKey = []byte{ModulePrefix, 0x11}
	// PendingCountKey: 0x05 0x12 → number of receipts pending their
	// verdict, uint64 BE (a point read for "is anything awaiting a beacon").
	PendingCountKey = []byte{ModulePrefix, 0x12}
	// EmissionTotalKey: 0x05 0x13 → Σ undistributed pooled epoch emission
	// (Σ EmissionEpoch.Undistributed()), uint256 BE; part of Holdings.
	EmissionTotalKey = []byte{ModulePrefix, 0x13}
	// EmissionEpochPrefix: 0x05 0x14 ‖ epoch(8, BE) → EmissionEpoch, RLP
	// (emission.go). Kept after the payout (Done) for queries.
	EmissionEpochPrefix = []byte{ModulePrefix, 0x14}
	// EmissionWeightPrefix: 0x05 0x15 ‖ epoch(8, BE) ‖ account(20) → the
	// account's unpaid emission weight in that epoch, uint64 BE. Deleted
	// when paid.
	EmissionWeightPrefix = []byte{ModulePrefix, 0x15}
	// EmissionAccountsPrefix: 0x05 0x16 ‖ epoch(8, BE) ‖ page(4, BE) → up
	// to ListPageSize accounts (20 bytes each) in the order they first
	// earned a weight in the epoch: the payout's cursor walks it. A page
	// is deleted once the cursor has passed it.
	EmissionAccountsPrefix = []byte{ModulePrefix, 0x16}
	// EmissionQueueKey: 0x05 0x17 → epochs (8 bytes BE each, ascending)
	// whose emission is not paid out yet; the payout serves the first.
	EmissionQueueKey = []byte{ModulePrefix, 0x17}
	// 0x05 0x1f: retired; never reuse. It held the pre-bridge placeholder
	// beacon; compute now samples with x/bridge's beacon (0x06 0x06), and a
	// state written before the switch may still hold such records.
)

// Paged list kinds (the byte after ListPrefix) and their subjects.
const (
	ListJobsByOwner        byte = 1 // subject: owner(20)
	ListJobsByNode         byte = 2 // subject: operator(20)
	ListReceiptsByJob      byte = 3 // subject: jobID(8, BE)
	ListReceiptsByContrib  byte = 4 // subject: contributor(20); no head: the length is the contributor NFT's receipts
	ListNetworkJobsByEpoch byte = 5 // subject: epoch(8, BE)
	// ListJobsByEndState: subject state(1), 3 done / 4 expired / 5
	// cancelled: the jobs that entered that state, in order. Terminal
	// sets grow without bound, so they are paged lists, not the live
	// sets' single record. A user job that expired and was then cancelled
	// is on both the expired and the cancelled list (its record says
	// which state it is in now); nothing is ever removed.
	ListJobsByEndState byte = 6
)

// ListPageSize is the number of ids on one list page.
const ListPageSize = 64

func join(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// NodeKey is operator's node record.
func NodeKey(op auth.Address) []byte { return join(NodePrefix, op[:]) }

// JobKey is job id's record.
func JobKey(id uint64) []byte { return join(JobPrefix, be64(id)) }

// ReceiptKey is receipt id's record.
func ReceiptKey(id uint64) []byte { return join(ReceiptPrefix, be64(id)) }

// AttestationKey marks an attestation id spent.
func AttestationKey(id [32]byte) []byte { return join(AttestationPrefix, id[:]) }

// DeadlineKey holds the receipts whose reveal deadline is height.
func DeadlineKey(height uint64) []byte { return join(DeadlinePrefix, be64(height)) }

// JobSetKey lists the live jobs in state s.
func JobSetKey(s JobState) []byte { return join(JobSetPrefix, []byte{byte(s)}) }

// ExpiryQueueKey holds the jobs expiring at height.
func ExpiryQueueKey(height uint64) []byte { return join(ExpiryQueuePrefix, be64(height)) }

// UnbondQueueKey holds the nodes whose bond is paid out at height.
func UnbondQueueKey(height uint64) []byte { return join(UnbondQueuePrefix, be64(height)) }

// ListHeadKey is the count record of list (kind, subject).
func ListHeadKey(kind byte, subject []byte) []byte { return join(ListPrefix, []byte{kind}, subject) }

// ListPageKey is page n of list (kind, subject).
func ListPageKey(kind byte, subject []byte, page uint32) []byte {
	return binary.BigEndian.AppendUint32(ListHeadKey(kind, subject), page)
}

// EmissionEpochKey is epoch's emission record.
func EmissionEpochKey(epoch uint64) []byte { return join(EmissionEpochPrefix, be64(epoch)) }

// EmissionWeightKey is account's unpaid weight in epoch.
func EmissionWeightKey(epoch uint64, a auth.Address) []byte {
	return join(EmissionWeightPrefix, be64(epoch), a[:])
}

// EmissionAccountsKey is page n of epoch's account list.
func EmissionAccountsKey(epoch uint64, page uint32) []byte {
	return binary.BigEndian.AppendUint32(join(EmissionAccountsPrefix, be64(epoch)), page)
}

// AddrSubject and IDSubject build list subjects.
func AddrSubject(a auth.Address) []byte { return append([]byte(nil), a[:]...) }

// IDSubject is a job id or epoch as a list subject.
func IDSubject(id uint64) []byte { return be64(id) }

// PrefixEnd is the exclusive upper bound of a prefix scan.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// MarshalIDs concatenates uint64 BE ids.
func MarshalIDs(ids []uint64) []byte {
	out := make([]byte, 0, 8*len(ids))
	for _, id := range ids {
		out = binary.BigEndian.AppendUint64(out, id)
	}
	return out
}

// UnmarshalIDs splits MarshalIDs' form.
func UnmarshalIDs(b []byte) ([]uint64, bool) {
	if len(b)%8 != 0 {
		return nil, false
	}
	ids := make([]uint64, len(b)/8)
	for i := range ids {
		ids[i] = binary.BigEndian.Uint64(b[i*8:])
	}
	return ids, true
}
