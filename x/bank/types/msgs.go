package types

import (
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Action numbers (wire) of this module. Never reuse one.
const (
	ActionTransfer  uint64 = 1
	ActionMultiSend uint64 = 2
)

// Transfer moves Amount upingo from the signer to To.
//
//	EIP-712: Transfer(address from,address to,uint256 amount,uint256 fee,uint64 nonce)
//	wire body: [to (20 bytes), amount (uint)]
type Transfer struct {
	To     auth.Address
	Amount uint256.Int
}

var transferType = auth.TypeDef{Name: "Transfer", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "to", Type: "address"}, {Name: "amount", Type: "uint256"},
	{Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var transferTypeHash = auth.TypeHash(transferType)

type transferBody struct {
	To     [20]byte
	Amount *uint256.Int
}

// DecodeTransfer decodes the wire body.
func DecodeTransfer(b []byte) (auth.Msg, error) {
	var w transferBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &Transfer{To: w.To, Amount: *w.Amount}, nil
}

func (m *Transfer) Action() uint64                       { return ActionTransfer }
func (m *Transfer) Type() (auth.TypeDef, []auth.TypeDef) { return transferType, nil }
func (m *Transfer) EncodeBody() ([]byte, error) {
	a := m.Amount
	return rlp.EncodeToBytes(&transferBody{To: m.To, Amount: &a})
}

func (m *Transfer) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(transferTypeHash)
	w.Address(h.From)
	w.Address(m.To)
	w.Uint256(&m.Amount)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *Transfer) Message(h *auth.Header) map[string]any {
	return map[string]any{
		"from": h.From.Hex(), "to": m.To.Hex(), "amount": m.Amount.Dec(),
		"fee": h.Fee.Dec(), "nonce": h.Nonce,
	}
}

func (m *Transfer) ValidateBasic(h *auth.Header) error {
	if m.Amount.IsZero() {
		return ErrZeroAmount
	}
	if m.To == auth.ZeroAddress {
		return codes.Wrap(ErrInvalidRecipient, "zero address")
	}
	if m.To == h.From {
		return codes.Wrapf(ErrSelfTransfer, "%s", h.From)
	}
	if _, overflow := new(uint256.Int).AddOverflow(&m.Amount, &h.Fee); overflow {
		return codes.Wrap(ErrOverflow, "amount + fee")
	}
	return nil
}

// Output is one recipient of a MultiSend.
type Output struct {
	To     auth.Address
	Amount uint256.Int
}

// MultiSend pays several recipients in one signed action.
//
//	EIP-712: MultiSend(address from,Output[] outputs,uint256 fee,uint64 nonce)
//	         Output(address to,uint256 amount)
//	wire body: [[to, amount], [to, amount], ...]
type MultiSend struct {
	Outputs []Output
}

var outputType = auth.TypeDef{Name: "Output", Fields: []auth.Field{
	{Name: "to", Type: "address"}, {Name: "amount", Type: "uint256"},
}}
var multiSendType = auth.TypeDef{Name: "MultiSend", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "outputs", Type: "Output[]"},
	{Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var (
	multiSendTypeHash = auth.TypeHash(multiSendType, outputType)
	outputTypeHash    = auth.TypeHash(outputType)
)

// maxWireOutputs bounds decoding before parameters are known; the
// max_outputs parameter is enforced by execution.
const maxWireOutputs = 1024

// DecodeMultiSend decodes the wire body.
func DecodeMultiSend(b []byte) (auth.Msg, error) {
	var w []transferBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	if len(w) > maxWireOutputs {
		return nil, codes.Wrapf(ErrOutputs, "%d outputs > %d", len(w), maxWireOutputs)
	}
	m := &MultiSend{Outputs: make([]Output, len(w))}
	for i := range w {
		m.Outputs[i] = Output{To: w[i].To, Amount: *w[i].Amount}
	}
	return m, nil
}

func (m *MultiSend) Action() uint64 { return ActionMultiSend }
func (m *MultiSend) Type() (auth.TypeDef, []auth.TypeDef) {
	return multiSendType, []auth.TypeDef{outputType}
}

func (m *MultiSend) EncodeBody() ([]byte, error) {
	w := make([]transferBody, len(m.Outputs))
	for i := range m.Outputs {
		a := m.Outputs[i].Amount
		w[i] = transferBody{To: m.Outputs[i].To, Amount: &a}
	}
	return rlp.EncodeToBytes(w)
}

func (m *MultiSend) HashStruct(h *auth.Header) [32]byte {
	var arr, o auth.StructHasher
	arr.Reset()
	for i := range m.Outputs {
		o.Begin(outputTypeHash)
		o.Address(m.Outputs[i].To)
		o.Uint256(&m.Outputs[i].Amount)
		arr.Word(o.Sum())
	}
	var w auth.StructHasher
	w.Begin(multiSendTypeHash)
	w.Address(h.From)
	w.Word(arr.Sum())
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *MultiSend) Message(h *auth.Header) map[string]any {
	outs := make([]map[string]any, len(m.Outputs))
	for i, o := range m.Outputs {
		outs[i] = map[string]any{"to": o.To.Hex(), "amount": o.Amount.Dec()}
	}
	return map[string]any{"from": h.From.Hex(), "outputs": outs, "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

func (m *MultiSend) ValidateBasic(h *auth.Header) error {
	if len(m.Outputs) == 0 {
		return codes.Wrap(ErrOutputs, "no outputs")
	}
	total := h.Fee
	for i := range m.Outputs {
		o := &m.Outputs[i]
		if o.Amount.IsZero() {
			return codes.Wrapf(ErrZeroAmount, "output %d", i)
		}
		if o.To == auth.ZeroAddress {
			return codes.Wrapf(ErrInvalidRecipient, "output %d: zero address", i)
		}
		if o.To == h.From {
			return codes.Wrapf(ErrSelfTransfer, "output %d", i)
		}
		if _, overflow := total.AddOverflow(&total, &o.Amount); overflow {
			return codes.Wrap(ErrOverflow, "sum of outputs + fee")
		}
	}
	return nil
}

// Register adds the bank's actions to a codec.
func Register(c *auth.Codec) {
	c.Register(ActionTransfer, DecodeTransfer)
	c.Register(ActionMultiSend, DecodeMultiSend)
}
