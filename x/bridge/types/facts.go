package types

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// FactKind says what a TON fact claims. A fact is reported on chain by
// anyone (a relayer's tx), checked by each validator against its own TON
// view outside block execution, and applied once validators holding > 2/3
// of the voting power vote for it in the same block's vote extensions. A new
// kind of TON fact (issue #7's deposits) is a new kind here, not a new
// mechanism. Never renumber.
type FactKind uint8

const (
	// FactAnchor: the anchor contract accepted checkpoint Epoch in the TON
	// transaction (TONTxHash, TONLt) — compute phase exit 0, not aborted,
	// its inbound message a submit_checkpoint with the record's digest.
	// Reported by ReportAnchor (61); applied: checkpoint → confirmed.
	FactAnchor FactKind = 1
	// FactDeposit (issue #7, ReportDeposit 64): the anchor's transaction
	// (TONTxHash, TONLt) received a jetton transfer_notification from the
	// bridge's jetton wallet of Amount units whose payload names Recipient
	// (zero: no parseable L2 address, refundable). Applied: Recipient is
	// credited (minted) once per (TONTxHash, TONLt), or the deposit is
	// recorded refundable.
	FactDeposit FactKind = 2
)

func (k FactKind) String() string {
	switch k {
	case FactAnchor:
		return "anchor"
	case FactDeposit:
		return "deposit"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Fact is one reported TON fact waiting for validators' votes (stored at
// FactKey(id) while pending; deleted when applied or expired).
type Fact struct {
	Kind           FactKind     `json:"kind"`
	Epoch          uint64       `json:"epoch"` // FactAnchor only
	TONTxHash      Hash32       `json:"ton_tx_hash"`
	TONLt          uint64       `json:"ton_lt"`
	Reporter       auth.Address `json:"reporter"`
	ReportedHeight int64        `json:"reported_height"`
	ExpiresHeight  int64        `json:"expires_height"`
	// FactDeposit only: the reported content, part of the id.
	Recipient *auth.Address `json:"recipient,omitempty"` // zero: returned or refundable
	Amount    *uint256.Int  `json:"amount,omitempty"`
	// RefundTo (ReportRefund only, part of the id): the anchor's
	// transaction failed, so the jettons are owed back to this TON owner.
	RefundTo *TONAddr `json:"refund_to,omitempty"`
	// SignedPower / TotalPower: the last tally that counted votes for the
	// fact (block VotedHeight), still ≤ 2/3 — it is applied otherwise. Not
	// part of the id.
	SignedPower uint64 `json:"signed_power,omitempty"`
	TotalPower  uint64 `json:"total_power,omitempty"`
	VotedHeight int64  `json:"voted_height,omitempty"`
}

// FactTag separates fact ids from every other hash.
const FactTag = "pingo:fact:v1"

// ID names the claim (not the report): two reports of the same claim have
// the same id, so the second is a no-op.
//
//	sha256(FactTag ‖ kind(1) ‖ epoch(8 BE) ‖ ton_tx_hash(32) ‖ ton_lt(8 BE))
//
// and for FactDeposit the content follows: ‖ recipient(20) ‖ amount(32 BE)
// [‖ refund_to(36) for ReportRefund], so a vote for the id is a vote for
// exactly that content.
func (f Fact) ID() Hash32 {
	if f.Kind == FactDeposit {
		return depositFactID(f)
	}
	h := sha256.New()
	h.Write([]byte(FactTag))
	h.Write([]byte{byte(f.Kind)})
	h.Write(binary.BigEndian.AppendUint64(nil, f.Epoch))
	h.Write(f.TONTxHash[:])
	h.Write(binary.BigEndian.AppendUint64(nil, f.TONLt))
	var id Hash32
	copy(id[:], h.Sum(nil))
	return id
}

// Marshal is the stored JSON.
func (f *Fact) Marshal() []byte {
	b, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalFact reads the stored form.
func UnmarshalFact(b []byte) (Fact, error) {
	var f Fact
	err := json.Unmarshal(b, &f)
	return f, err
}

// PendingFact is one entry of the pending list: the fact's id and the
// height after which it expires (kept in the list so expiry needs no
// record reads).
type PendingFact struct {
	ID            Hash32
	ExpiresHeight int64
}

// pendingLen is a list entry's size: id(32) ‖ expires(8 BE).
const pendingLen = 40

// MaxPendingFacts bounds the pending list (one state value, rewritten on
// every report): a report beyond it fails with ErrTooManyFacts.
const MaxPendingFacts = 256

// MarshalPending is PendingFactsKey's value, in report order.
func MarshalPending(l []PendingFact) []byte {
	out := make([]byte, 0, len(l)*pendingLen)
	for _, p := range l {
		out = append(out, p.ID[:]...)
		out = binary.BigEndian.AppendUint64(out, uint64(p.ExpiresHeight))
	}
	return out
}

// UnmarshalPending reads MarshalPending's form.
func UnmarshalPending(b []byte) ([]PendingFact, error) {
	if len(b)%pendingLen != 0 {
		return nil, fmt.Errorf("pending facts: %d bytes", len(b))
	}
	out := make([]PendingFact, len(b)/pendingLen)
	for i := range out {
		copy(out[i].ID[:], b[i*pendingLen:])
		out[i].ExpiresHeight = int64(binary.BigEndian.Uint64(b[i*pendingLen+32:]))
	}
	return out, nil
}

// FactsTag prefixes what a bridge key signs to vote for facts.
const FactsTag = "pingo:facts:v1"

// FactsMessage is what a validator's bridge key signs in the vote
// extension of height h to vote for ids:
// FactsTag ‖ chain_id(8 BE) ‖ h(8 BE) ‖ ids. The height binds the vote to
// one precommit, so a proposer cannot replay it in another block.
func FactsMessage(chainID, h uint64, ids []Hash32) []byte {
	m := append([]byte(FactsTag), make([]byte, 16)...)
	binary.BigEndian.PutUint64(m[len(FactsTag):], chainID)
	binary.BigEndian.PutUint64(m[len(FactsTag)+8:], h)
	for _, id := range ids {
		m = append(m, id[:]...)
	}
	return m
}
