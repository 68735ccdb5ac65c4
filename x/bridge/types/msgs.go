package types

import (
	"crypto/ed25519"

	"github.com/ethereum/go-ethereum/rlp"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// Action numbers 60..79 belong to bridge. Never reuse one.
//
//	60 SetBridgeKey        implemented
//	61 ReportAnchor        implemented: anyone reports the TON transaction
//	                       that anchored a checkpoint (a FactAnchor fact)
//	62 ConfirmCheckpoint   reserved, never a tx: confirmation is the
//	                       validators' fact votes in vote extensions
//	63 Withdraw            implemented (msgs_withdraw.go)
//	64 ReportDeposit       implemented (msgs_deposit.go): anyone reports a
//	                       jetton deposit to the anchor (a FactDeposit fact)
//	65 ReportRefund        implemented (msgs_refund.go): anyone reports an
//	                       unparseable deposit whose anchor transaction
//	                       failed (a FactDeposit fact with refund_to)
const (
	ActionSetBridgeKey      uint64 = 60
	ActionReportAnchor      uint64 = 61
	ActionConfirmCheckpoint uint64 = 62
	ActionReportDeposit     uint64 = 64
	ActionReportRefund      uint64 = 65
)

// ValidateKey checks that pub is an ed25519 point of large order (the
// consensus-key rule of x/staking).
func ValidateKey(pub Hash32) error {
	if err := staking.ConsPubKey(pub).Validate(); err != nil {
		return codes.Wrap(ErrInvalidBridgeKey, err.Error())
	}
	return nil
}

// SetBridgeKey registers (or rotates) the sender's app-level ed25519 key,
// which signs checkpoints for TON and the randomness beacon. The sender
// must operate a validator. Proof is the key's signature over
// KeyProofMessage(chain_id, sender), so nobody can register a key they do
// not hold (or front-run another validator's registration to block it).
//
//	EIP-712: SetBridgeKey(address from,bytes32 bridgeKey,bytes proof,uint256 fee,uint64 nonce)
//	wire body: [bridgeKey (32 bytes), proof (64 bytes)]
type SetBridgeKey struct {
	BridgeKey Hash32
	Proof     Sig64
}

var setBridgeKeyType = auth.TypeDef{Name: "SetBridgeKey", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "bridgeKey", Type: "bytes32"}, {Name: "proof", Type: "bytes"},
	{Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var setBridgeKeyTypeHash = auth.TypeHash(setBridgeKeyType)

type setBridgeKeyBody struct {
	BridgeKey [32]byte
	Proof     []byte
}

// DecodeSetBridgeKey decodes the wire body.
func DecodeSetBridgeKey(b []byte) (auth.Msg, error) {
	var w setBridgeKeyBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	if len(w.Proof) != SigLen {
		return nil, codes.Wrapf(ErrBadProofOfPossession, "proof of %d bytes", len(w.Proof))
	}
	m := &SetBridgeKey{BridgeKey: w.BridgeKey}
	copy(m.Proof[:], w.Proof)
	return m, nil
}

func (m *SetBridgeKey) Action() uint64                       { return ActionSetBridgeKey }
func (m *SetBridgeKey) Type() (auth.TypeDef, []auth.TypeDef) { return setBridgeKeyType, nil }
func (m *SetBridgeKey) EncodeBody() ([]byte, error) {
	return rlp.EncodeToBytes(&setBridgeKeyBody{BridgeKey: m.BridgeKey, Proof: m.Proof[:]})
}

func (m *SetBridgeKey) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(setBridgeKeyTypeHash)
	w.Address(h.From)
	w.Word(m.BridgeKey)
	w.String(string(m.Proof[:])) // EIP-712 bytes: keccak256 of the bytes
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *SetBridgeKey) Message(h *auth.Header) map[string]any {
	k, _ := m.BridgeKey.MarshalText()
	p, _ := m.Proof.MarshalText()
	return map[string]any{"from": h.From.Hex(), "bridgeKey": string(k), "proof": string(p), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// ValidateBasic checks the key; the proof needs the chain id and is
// checked by VerifyProof in execution.
func (m *SetBridgeKey) ValidateBasic(h *auth.Header) error { return ValidateKey(m.BridgeKey) }

// VerifyProof checks the proof of possession for operator on chainID.
func (m *SetBridgeKey) VerifyProof(chainID uint64, operator auth.Address) error {
	if !ed25519.Verify(m.BridgeKey[:], KeyProofMessage(chainID, operator), m.Proof[:]) {
		return codes.Wrapf(ErrBadProofOfPossession, "for %s", operator)
	}
	return nil
}

// ReportAnchor reports that the anchor contract accepted checkpoint Epoch
// in the TON transaction (TONTxHash, TONLt). Anyone may send it (relayers
// do, after their submission lands); it only records a pending FactAnchor
// fact — validators check it against their own TON view and confirm it by
// vote. Reporting a claim already pending, or for a confirmed checkpoint,
// is a no-op.
//
//	EIP-712: ReportAnchor(address from,uint64 epoch,bytes32 tonTxHash,uint64 tonLt,uint256 fee,uint64 nonce)
//	wire body: [epoch, tonTxHash (32 bytes), tonLt]
type ReportAnchor struct {
	Epoch     uint64
	TONTxHash Hash32
	TONLt     uint64
}

var reportAnchorType = auth.TypeDef{Name: "ReportAnchor", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "epoch", Type: "uint64"}, {Name: "tonTxHash", Type: "bytes32"},
	{Name: "tonLt", Type: "uint64"}, {Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var reportAnchorTypeHash = auth.TypeHash(reportAnchorType)

type reportAnchorBody struct {
	Epoch     uint64
	TONTxHash [32]byte
	TONLt     uint64
}

// DecodeReportAnchor decodes the wire body.
func DecodeReportAnchor(b []byte) (auth.Msg, error) {
	var w reportAnchorBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &ReportAnchor{Epoch: w.Epoch, TONTxHash: w.TONTxHash, TONLt: w.TONLt}, nil
}

func (m *ReportAnchor) Action() uint64                       { return ActionReportAnchor }
func (m *ReportAnchor) Type() (auth.TypeDef, []auth.TypeDef) { return reportAnchorType, nil }
func (m *ReportAnchor) EncodeBody() ([]byte, error) {
	return rlp.EncodeToBytes(&reportAnchorBody{Epoch: m.Epoch, TONTxHash: m.TONTxHash, TONLt: m.TONLt})
}

func (m *ReportAnchor) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(reportAnchorTypeHash)
	w.Address(h.From)
	w.Uint64(m.Epoch)
	w.Word(m.TONTxHash)
	w.Uint64(m.TONLt)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *ReportAnchor) Message(h *auth.Header) map[string]any {
	th, _ := m.TONTxHash.MarshalText()
	return map[string]any{"from": h.From.Hex(), "epoch": m.Epoch, "tonTxHash": string(th), "tonLt": m.TONLt,
		"fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// ValidateBasic refuses a zero hash or logical time (no TON transaction
// has either) and epoch 0 (checkpoints start at 1).
func (m *ReportAnchor) ValidateBasic(*auth.Header) error {
	if m.TONTxHash == (Hash32{}) || m.TONLt == 0 || m.Epoch == 0 {
		return codes.Wrapf(ErrInvalidReport, "epoch %d, lt %d, hash %x", m.Epoch, m.TONLt, m.TONTxHash[:])
	}
	return nil
}

// Fact is the claim this report makes.
func (m *ReportAnchor) Fact() Fact {
	return Fact{Kind: FactAnchor, Epoch: m.Epoch, TONTxHash: m.TONTxHash, TONLt: m.TONLt}
}

// Register adds bridge's actions to a codec.
func Register(c *auth.Codec) {
	c.Register(ActionSetBridgeKey, DecodeSetBridgeKey)
	c.Register(ActionReportAnchor, DecodeReportAnchor)
	c.Register(ActionWithdraw, DecodeWithdraw)
	c.Register(ActionReportDeposit, DecodeReportDeposit)
	c.Register(ActionReportRefund, DecodeReportRefund)
}
