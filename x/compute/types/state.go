package types

import (
	"fmt"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// Records are stored as canonical RLP (field order as declared): compact,
// deterministic and cheap to rewrite, since an attestation rewrites its job
// and writes a receipt. Heights are uint64 (RLP has no signed integers).
// The codec is hand-written (codec.go) and byte-identical to go-ethereum's
// reflective one.

// NodeStatus is a CDN node's bonding state.
type NodeStatus uint8

const (
	NodeActive    NodeStatus = 1 // bonded; takes jobs unless jailed or under-bonded
	NodeUnbonding NodeStatus = 2 // bond held (slashable) until UnbondHeight
	NodeUnbonded  NodeStatus = 3 // bond paid out; may register again
)

// Node is a CDN node, keyed by its operator (the account that signs its
// transactions, including attestations).
type Node struct {
	Operator  auth.Address `json:"operator"`
	Endpoint  string       `json:"endpoint"`
	Region    string       `json:"region"`
	UnitKinds []uint32     `json:"unit_kinds"`
	Bond      uint256.Int  `json:"bond"`
	Status    NodeStatus   `json:"status"`
	Jailed    bool         `json:"jailed"`
	// JailedUntil: UnjailNode is allowed from this height.
	JailedUntil uint64 `json:"jailed_until"`
	// UnbondHeight: the height at whose end an unbonding bond is paid.
	UnbondHeight uint64 `json:"unbond_height"`
	// Slashes counts slashes (the proof layer jails after repeated ones).
	Slashes    uint64 `json:"slashes"`
	Registered uint64 `json:"registered"`
	// Receipts counts the node's accepted receipts.
	Receipts uint64 `json:"receipts"`
}

// Supports reports whether the node declares unit kind k.
func (n *Node) Supports(k uint32) bool {
	for _, x := range n.UnitKinds {
		if x == k {
			return true
		}
	}
	return false
}

// JobState is a job's lifecycle state.
type JobState uint8

const (
	JobOpen      JobState = 1 // units left to assign; AcceptJob allowed
	JobAssigned  JobState = 2 // every unit assigned; being attested
	JobDone      JobState = 3 // every unit attested and paid
	JobExpired   JobState = 4 // past expiry height; owner may CancelJob for the rest
	JobCancelled JobState = 5 // unspent escrow refunded (or, for network jobs, returned to the pool)
)

// String names the state as queries and the CLI spell it.
func (s JobState) String() string {
	switch s {
	case JobOpen:
		return "open"
	case JobAssigned:
		return "assigned"
	case JobDone:
		return "done"
	case JobExpired:
		return "expired"
	case JobCancelled:
		return "cancelled"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Range is the unit interval [Start, End).
type Range struct {
	Start uint64 `json:"start"`
	End   uint64 `json:"end"`
}

// Assignment is one node's share of a job: units [Start, End), and the
// ranges accepted so far, sorted and merged.
type Assignment struct {
	Node     auth.Address `json:"node"`
	Start    uint64       `json:"start"`
	End      uint64       `json:"end"`
	Accepted []Range      `json:"accepted"`
	Height   uint64       `json:"height"`
}

// Job is a paid unit of demand. Owner is the zero address for network
// contribution jobs (opened by the chain, paid from the incentive pool).
type Job struct {
	ID           uint64       `json:"id"`
	Owner        auth.Address `json:"owner"`
	Network      bool         `json:"network"`
	UnitKind     uint32       `json:"unit_kind"`
	SpecHash     Hash         `json:"spec_hash"`
	Seed         Hash         `json:"seed"`
	Units        uint64       `json:"units"`
	PricePerUnit uint256.Int  `json:"price_per_unit"`
	MaxNodes     uint32       `json:"max_nodes"`
	Expiry       uint64       `json:"expiry"`
	// Escrow is the unspent part of Units × PricePerUnit.
	Escrow  uint256.Int `json:"escrow"`
	State   JobState    `json:"state"`
	Created uint64      `json:"created"`
	Epoch   uint64      `json:"epoch"`
	// NextUnit is the first unit not yet assigned; UnitsDone are attested.
	NextUnit    uint64       `json:"next_unit"`
	UnitsDone   uint64       `json:"units_done"`
	Receipts    uint64       `json:"receipts"`
	Assignments []Assignment `json:"assignments"`
	// UnitsPending are attested and awaiting their verdict (their escrow
	// stays on the job); UnitsFailed failed or missed theirs (escrow
	// released). Trailing optional fields: records from #4 still decode.
	UnitsPending uint64 `json:"units_pending" rlp:"optional"`
	UnitsFailed  uint64 `json:"units_failed" rlp:"optional"`
}

// ShareSize is the units one AcceptJob assigns: ceil(Units / MaxNodes).
func (j *Job) ShareSize() uint64 {
	m := uint64(j.MaxNodes)
	return j.Units/m + boolU(j.Units%m != 0)
}

func boolU(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Assignment returns the index of node's assignment, or -1.
func (j *Job) AssignmentOf(node auth.Address) int {
	for i := range j.Assignments {
		if j.Assignments[i].Node == node {
			return i
		}
	}
	return -1
}

// ReceiptStatus is the verdict state of a receipt: an accepted attestation
// is pending until its sampled reveal; PASS makes it final (paid), FAIL or a
// missed deadline failed.
type ReceiptStatus uint8

const (
	ReceiptFinal   ReceiptStatus = 1 // verified (or accepted), paid, NFTs credited
	ReceiptPending ReceiptStatus = 2 // awaiting the sampled reveal
	ReceiptFailed  ReceiptStatus = 3 // reveal failed, missed, or no beacon (void)
)

// ReceiptShare is one contributor's part of a receipt.
type ReceiptShare struct {
	Contributor auth.Address `json:"contributor"`
	Units       uint64       `json:"units"`
	SubRoot     Hash         `json:"sub_root"`
	Paid        uint256.Int  `json:"paid"`
}

// Receipt records one accepted attestation.
type Receipt struct {
	ID            uint64         `json:"id"`
	JobID         uint64         `json:"job_id"`
	AttestationID Hash           `json:"attestation_id"`
	Node          auth.Address   `json:"node"`
	Start         uint64         `json:"start"`
	End           uint64         `json:"end"`
	OutputRoot    Hash           `json:"output_root"`
	Shares        []ReceiptShare `json:"shares"`
	NodePaid      uint256.Int    `json:"node_paid"`
	Height        uint64         `json:"height"`
	Epoch         uint64         `json:"epoch"`
	Status        ReceiptStatus  `json:"status"`

	// Proof record (trailing optional fields; #4 receipts still decode).
	// K is the sample size, BeaconHeight/Beacon the beacon that fixed it,
	// SampleHash = SHA-256 of the sampled indices (8 bytes BE each,
	// ascending), Revealed the openings verified so far, Deadline the last
	// height a reveal is taken, Verdict the outcome. Anyone can recompute
	// the sample and the confidence 1-(1-f)^K from these.
	K            uint64  `json:"k" rlp:"optional"`
	BeaconHeight uint64  `json:"beacon_height" rlp:"optional"`
	Beacon       Hash    `json:"beacon" rlp:"optional"`
	SampleHash   Hash    `json:"sample_hash" rlp:"optional"`
	Revealed     uint64  `json:"revealed" rlp:"optional"`
	Deadline     uint64  `json:"deadline" rlp:"optional"`
	Verdict      Verdict `json:"verdict" rlp:"optional"`
}

// Verdict is a receipt's proof outcome.
type Verdict uint8

const (
	VerdictNone   Verdict = 0 // pending
	VerdictPass   Verdict = 1 // every sampled unit re-executed and matched: paid
	VerdictFail   Verdict = 2 // a sampled unit's committed output was wrong: slashed
	VerdictMissed Verdict = 3 // no complete reveal by the deadline: slashed
	VerdictVoid   Verdict = 4 // no beacon in the window: escrow released, no slash
)

// String names the verdict as events and queries spell it.
func (v Verdict) String() string {
	switch v {
	case VerdictNone:
		return "pending"
	case VerdictPass:
		return "pass"
	case VerdictFail:
		return "fail"
	case VerdictMissed:
		return "missed"
	case VerdictVoid:
		return "void"
	}
	return fmt.Sprintf("verdict(%d)", uint8(v))
}

// Share returns the index of the share covering unit index, and that
// share's first unit: shares cover consecutive runs from Start in order.
func (r *Receipt) Share(index uint64) (i int, first uint64) {
	first = r.Start
	for i = range r.Shares {
		if index < first+r.Shares[i].Units {
			return i, first
		}
		first += r.Shares[i].Units
	}
	return -1, 0
}
