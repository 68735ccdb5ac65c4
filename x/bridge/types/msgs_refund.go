package types

import (
	"encoding/hex"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// ReportRefund (action 65) reports that the anchor's transaction
// (TONTxHash, TONLt) received a transfer_notification of Amount jetton
// units from the bridge's jetton wallet whose payload names no L2 address,
// sent by Sender, and that the transaction FAILED (compute exit ≠ 0 or
// aborted: typically -14, too little TON forwarded). The anchor then
// neither returned the jettons nor recorded them in its refunds map, so
// the L2 owes them: applied, the deposit becomes refundable and a
// withdrawal leaf of Amount to Sender is added to the current epoch, paid
// by an ordinary claim. A ReportDeposit with a zero recipient is the other
// case (the anchor's transaction succeeded: TON handled it, status
// returned); a validator votes for at most one of the two.
//
// A separate action keeps ReportDeposit's EIP-712 type and wire body
// unchanged for existing signers.
//
//	EIP-712: ReportRefund(address from,bytes32 tonTxHash,uint64 tonLt,bytes sender,uint256 amount,uint256 fee,uint64 nonce)
//	wire body: [tonTxHash (32 bytes), tonLt, sender (36 bytes: workchain int32 BE ‖ account id), amount]
type ReportRefund struct {
	TONTxHash Hash32
	TONLt     uint64
	Sender    TONAddr
	Amount    uint256.Int
}

var reportRefundType = auth.TypeDef{Name: "ReportRefund", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "tonTxHash", Type: "bytes32"}, {Name: "tonLt", Type: "uint64"},
	{Name: "sender", Type: "bytes"}, {Name: "amount", Type: "uint256"},
	{Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var reportRefundTypeHash = auth.TypeHash(reportRefundType)

type reportRefundBody struct {
	TONTxHash [32]byte
	TONLt     uint64
	Sender    []byte
	Amount    *uint256.Int
}

// DecodeReportRefund decodes the wire body; a sender of another length
// than 36 bytes is ErrInvalidTONAddress.
func DecodeReportRefund(b []byte) (auth.Msg, error) {
	var w reportRefundBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	if len(w.Sender) != TONAddrLen {
		return nil, codes.Wrapf(ErrInvalidTONAddress, "sender: %d bytes (want %d)", len(w.Sender), TONAddrLen)
	}
	m := &ReportRefund{TONTxHash: w.TONTxHash, TONLt: w.TONLt, Sender: TONAddr(w.Sender)}
	if w.Amount != nil {
		m.Amount = *w.Amount
	}
	return m, nil
}

func (m *ReportRefund) Action() uint64                       { return ActionReportRefund }
func (m *ReportRefund) Type() (auth.TypeDef, []auth.TypeDef) { return reportRefundType, nil }
func (m *ReportRefund) EncodeBody() ([]byte, error) {
	a := m.Amount
	return rlp.EncodeToBytes(&reportRefundBody{TONTxHash: m.TONTxHash, TONLt: m.TONLt, Sender: m.Sender[:], Amount: &a})
}

func (m *ReportRefund) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(reportRefundTypeHash)
	w.Address(h.From)
	w.Word(m.TONTxHash)
	w.Uint64(m.TONLt)
	w.String(string(m.Sender[:])) // EIP-712 bytes: keccak256 of the bytes
	w.Uint256(&m.Amount)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *ReportRefund) Message(h *auth.Header) map[string]any {
	th, _ := m.TONTxHash.MarshalText()
	return map[string]any{"from": h.From.Hex(), "tonTxHash": string(th), "tonLt": m.TONLt,
		"sender": "0x" + hex.EncodeToString(m.Sender[:]), "amount": m.Amount.Dec(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// ValidateBasic: hash and lt non-zero (bridge/12), amount in 1..2^120-1
// (bridge/50), sender on workchain 0 or -1 (bridge/41: the leaf pays it).
func (m *ReportRefund) ValidateBasic(*auth.Header) error {
	if m.TONTxHash == (Hash32{}) || m.TONLt == 0 {
		return codes.Wrapf(ErrInvalidReport, "lt %d, hash %x", m.TONLt, m.TONTxHash[:])
	}
	if m.Amount.IsZero() || m.Amount.Gt(MaxWithdrawAmount) {
		return codes.Wrapf(ErrInvalidDepositAmount, "%s not in 1..2^120-1", m.Amount.Dec())
	}
	return m.Sender.Validate()
}

// Fact is the claim this report makes: a FactDeposit with a zero
// recipient and RefundTo set (so its id differs from any ReportDeposit's).
func (m *ReportRefund) Fact() Fact {
	a := m.Amount
	s := m.Sender
	return Fact{Kind: FactDeposit, TONTxHash: m.TONTxHash, TONLt: m.TONLt, Recipient: &auth.Address{}, Amount: &a, RefundTo: &s}
}

// Report converts it to the common form keeper/deposit.go records.
func (m *ReportRefund) Report() *ReportDeposit {
	return &ReportDeposit{TONTxHash: m.TONTxHash, TONLt: m.TONLt, Amount: m.Amount}
}
