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
//	61 ReportSubmission    reserved: a relayer reports the TON message it sent
//	62 ConfirmCheckpoint   reserved: validators' TON view confirms anchoring
//	63 Withdraw            implemented (msgs_withdraw.go)
const (
	ActionSetBridgeKey      uint64 = 60
	ActionReportSubmission  uint64 = 61
	ActionConfirmCheckpoint uint64 = 62
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

// Register adds bridge's actions to a codec.
func Register(c *auth.Codec) {
	c.Register(ActionSetBridgeKey, DecodeSetBridgeKey)
	c.Register(ActionWithdraw, DecodeWithdraw)
}
