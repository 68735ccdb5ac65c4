package types

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Deposits TON → L2 (issue #7) are the second kind of TON fact
// (FactDeposit): a ReportDeposit names the anchor's transaction that
// received a jetton transfer_notification and states what it carried; each
// validator's watcher checks that statement against its own TON view and
// votes for the fact only if it saw exactly that. The content (recipient,
// amount) is part of the fact id, so > 2/3 of the power voting for one id
// means they all saw the same deposit.

// Deposit records (second key byte 0x30 up, apart from withdrawals at
// 0x20 and facts at 0x0A). Never renumber or reuse.
var (
	// DepositPrefix: 0x06 0x30 ‖ ton_tx_hash(32) ‖ ton_lt(8 BE) →
	// DepositRecord JSON. Written by the first report (status reported,
	// with the pending fact ids naming this transaction); final once a fact
	// is applied (credited or refundable), and then never changes: the key
	// that makes a deposit count once. Deleted if every report expired
	// unapplied.
	DepositPrefix = []byte{ModulePrefix, 0x30}
	// DepositedTotalKey: 0x06 0x31 → upingo minted for credited deposits
	// since genesis, uint256 BE (32): the mirror of WithdrawnTotalKey.
	DepositedTotalKey = []byte{ModulePrefix, 0x31}
	// RefundableTotalKey: 0x06 0x32 → jetton units of deposits recorded
	// refundable since genesis, uint256 BE: unparseable payload and a
	// failed anchor transaction (exit ≠ 0, e.g. -14 out of gas), so nothing
	// on TON owes them; the L2 re-includes each as a withdrawal leaf to the
	// TON sender (keeper/refund.go), counted here until the end of time
	// (the anchor's isClaimed says whether it was paid).
	RefundableTotalKey = []byte{ModulePrefix, 0x32}
	// FinalDepositCountKey: 0x06 0x33 → how many deposits are final
	// (credited or refundable), 8 BE.
	FinalDepositCountKey = []byte{ModulePrefix, 0x33}
	// FinalDepositPrefix: 0x06 0x34 ‖ seq(8 BE) → ton_tx_hash(32) ‖
	// ton_lt(8 BE) of the seq-th final deposit (from 0): the list export
	// walks by point reads, so an exported chain still refuses replays.
	FinalDepositPrefix = []byte{ModulePrefix, 0x34}
	// ReturnedTotalKey: 0x06 0x35 → jetton units of unparseable deposits
	// whose anchor transaction succeeded (TON sent them back or keeps them
	// in the anchor's `refunds` map for claim_refund), uint256 BE: owed by
	// TON, not by the L2. RefundableTotalKey counts only the failed ones.
	ReturnedTotalKey = []byte{ModulePrefix, 0x35}
)

// FinalDepositKey is the seq-th final deposit's index entry.
func FinalDepositKey(seq uint64) []byte { return join(FinalDepositPrefix, u64(seq)) }

// DepositKey is the record of the anchor's transaction (hash, lt).
func DepositKey(hash Hash32, lt uint64) []byte { return join(DepositPrefix, hash[:], u64(lt)) }

// Deposit statuses.
//
// Before a fact is applied a record is reported (observed on TON by a
// relayer, no validator vote counted yet) or voted (the last tally of a
// block counted votes for one of its facts: SignedPower of TotalPower,
// still ≤ 2/3). Final records never change again.
const (
	DepositReported = "reported" // a fact is pending; no vote counted yet
	DepositVoted    = "voted"    // a fact is pending and validators voted for it (≤ 2/3 so far)
	DepositCredited = "credited" // minted to the recipient (final)
	// DepositReturned: no L2 recipient in the payload and the anchor's
	// transaction succeeded: TON returned the jettons (or holds them in the
	// anchor's refunds map for claim_refund). Nothing owed by the L2 (final).
	DepositReturned = "returned"
	// DepositRefundable: no L2 recipient and the anchor's transaction
	// failed (nothing happened on TON): owed by the L2, re-included as
	// withdrawal WithdrawalID to RefundTo, claimable like any withdrawal
	// (final).
	DepositRefundable = "refundable"
)

// DepositRecord is what the L2 knows about one deposit transaction.
type DepositRecord struct {
	TONTxHash Hash32 `json:"ton_tx_hash"`
	TONLt     uint64 `json:"ton_lt"`
	Status    string `json:"status"`
	// Facts are the pending facts reporting this transaction (normally one;
	// a wrong report of the same transaction is a second one, which nobody
	// votes for). Emptied when the record becomes final.
	Facts          []Hash32      `json:"facts,omitempty"`
	ReportedHeight int64         `json:"reported_height"`
	Recipient      *auth.Address `json:"recipient,omitempty"` // credited only
	Amount         *uint256.Int  `json:"amount,omitempty"`    // final only
	Fact           *Hash32       `json:"fact,omitempty"`      // the applied fact
	AppliedHeight  int64         `json:"applied_height,omitempty"`
	// SignedPower / TotalPower: while voted, the largest tally of its
	// pending facts (VotedHeight: the block that counted it); once final,
	// the power that applied it.
	SignedPower uint64 `json:"signed_power,omitempty"`
	TotalPower  uint64 `json:"total_power,omitempty"`
	VotedHeight int64  `json:"voted_height,omitempty"`
	// Refundable only: the TON owner the jettons go back to (the
	// notification's sender) and the withdrawal that pays them.
	RefundTo     *TONAddr `json:"refund_to,omitempty"`
	WithdrawalID uint64   `json:"withdrawal_id,omitempty"`
}

// Final: credited, returned or refundable; a new report of it is
// ErrDepositProcessed.
func (r *DepositRecord) Final() bool {
	return r.Status == DepositCredited || r.Status == DepositRefundable || r.Status == DepositReturned
}

// Marshal is the stored JSON.
func (r *DepositRecord) Marshal() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalDeposit reads the stored form.
func UnmarshalDeposit(b []byte) (DepositRecord, error) {
	var r DepositRecord
	err := json.Unmarshal(b, &r)
	return r, err
}

// depositID extends Fact.ID for FactDeposit with the content the validators
// confirm: recipient(20, zero = refundable) ‖ amount(32 BE).
func depositID(base []byte, recipient auth.Address, amount *uint256.Int) []byte {
	b := append(base, recipient[:]...)
	var a [32]byte
	if amount != nil {
		a = amount.Bytes32()
	}
	return append(b, a[:]...)
}

// ReportDeposit (action 64) reports that the anchor's transaction
// (TONTxHash, TONLt) received a transfer_notification of Amount jetton
// units from the bridge's jetton wallet whose forward payload names
// Recipient — or, with Recipient zero, names no L2 address (a refundable
// deposit). Anyone may send it (the relayer does for every notification);
// a report of a pending claim is a no-op, a report of a transaction already
// credited or recorded refundable is ErrDepositProcessed.
//
//	EIP-712: ReportDeposit(address from,bytes32 tonTxHash,uint64 tonLt,address recipient,uint256 amount,uint256 fee,uint64 nonce)
//	wire body: [tonTxHash (32 bytes), tonLt, recipient (20 bytes; zero = refundable), amount]
type ReportDeposit struct {
	TONTxHash Hash32
	TONLt     uint64
	Recipient auth.Address
	Amount    uint256.Int
}

var reportDepositType = auth.TypeDef{Name: "ReportDeposit", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "tonTxHash", Type: "bytes32"}, {Name: "tonLt", Type: "uint64"},
	{Name: "recipient", Type: "address"}, {Name: "amount", Type: "uint256"},
	{Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var reportDepositTypeHash = auth.TypeHash(reportDepositType)

type reportDepositBody struct {
	TONTxHash [32]byte
	TONLt     uint64
	Recipient [20]byte
	Amount    *uint256.Int
}

// DecodeReportDeposit decodes the wire body.
func DecodeReportDeposit(b []byte) (auth.Msg, error) {
	var w reportDepositBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	m := &ReportDeposit{TONTxHash: w.TONTxHash, TONLt: w.TONLt, Recipient: w.Recipient}
	if w.Amount != nil {
		m.Amount = *w.Amount
	}
	return m, nil
}

func (m *ReportDeposit) Action() uint64                       { return ActionReportDeposit }
func (m *ReportDeposit) Type() (auth.TypeDef, []auth.TypeDef) { return reportDepositType, nil }
func (m *ReportDeposit) EncodeBody() ([]byte, error) {
	a := m.Amount
	return rlp.EncodeToBytes(&reportDepositBody{TONTxHash: m.TONTxHash, TONLt: m.TONLt, Recipient: m.Recipient, Amount: &a})
}

func (m *ReportDeposit) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(reportDepositTypeHash)
	w.Address(h.From)
	w.Word(m.TONTxHash)
	w.Uint64(m.TONLt)
	w.Address(m.Recipient)
	w.Uint256(&m.Amount)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *ReportDeposit) Message(h *auth.Header) map[string]any {
	th, _ := m.TONTxHash.MarshalText()
	return map[string]any{"from": h.From.Hex(), "tonTxHash": string(th), "tonLt": m.TONLt,
		"recipient": m.Recipient.Hex(), "amount": m.Amount.Dec(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// ValidateBasic refuses a zero hash or logical time (bridge/12) and an
// amount of 0 or above 2^120-1 (bridge/50): a notification of 0 jettons
// moved nothing (the anchor answers 321), and Coins cannot exceed 2^120-1.
func (m *ReportDeposit) ValidateBasic(*auth.Header) error {
	if m.TONTxHash == (Hash32{}) || m.TONLt == 0 {
		return codes.Wrapf(ErrInvalidReport, "lt %d, hash %x", m.TONLt, m.TONTxHash[:])
	}
	if m.Amount.IsZero() || m.Amount.Gt(MaxWithdrawAmount) {
		return codes.Wrapf(ErrInvalidDepositAmount, "%s not in 1..2^120-1", m.Amount.Dec())
	}
	return nil
}

// Refundable: the report says the payload named no L2 recipient.
func (m *ReportDeposit) Refundable() bool { return m.Recipient == (auth.Address{}) }

// Fact is the claim this report makes.
func (m *ReportDeposit) Fact() Fact {
	a := m.Amount
	r := m.Recipient
	return Fact{Kind: FactDeposit, TONTxHash: m.TONTxHash, TONLt: m.TONLt, Recipient: &r, Amount: &a}
}

// depositFactID is the id of a FactDeposit (see Fact.ID).
func depositFactID(f Fact) Hash32 {
	h := sha256.New()
	h.Write([]byte(FactTag))
	h.Write([]byte{byte(f.Kind)})
	h.Write(binary.BigEndian.AppendUint64(nil, f.Epoch))
	h.Write(f.TONTxHash[:])
	h.Write(binary.BigEndian.AppendUint64(nil, f.TONLt))
	var r auth.Address
	if f.Recipient != nil {
		r = *f.Recipient
	}
	h.Write(depositID(nil, r, f.Amount))
	if f.RefundTo != nil {
		h.Write(f.RefundTo[:]) // ReportRefund's facts only: other ids unchanged
	}
	var id Hash32
	copy(id[:], h.Sum(nil))
	return id
}
