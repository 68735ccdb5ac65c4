package types

import (
	"github.com/ethereum/go-ethereum/rlp"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Action numbers (wire) of this module: 20–29 are nft's. Never reuse one.
// There is deliberately no mint action: only x/compute mints, from
// accepted receipts.
const (
	ActionTransferNFT uint64 = 20
)

// TransferNFT gives the signer's NFT to another account; the right to
// submit jobs follows it. The contributor it records does not change.
//
//	EIP-712: TransferNFT(address from,uint64 id,address to,uint256 fee,uint64 nonce)
//	wire body: [id (uint), to (20 bytes)]
type TransferNFT struct {
	ID uint64
	To auth.Address
}

var transferNFTType = auth.TypeDef{Name: "TransferNFT", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "id", Type: "uint64"}, {Name: "to", Type: "address"},
	{Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var transferNFTTypeHash = auth.TypeHash(transferNFTType)

type transferNFTBody struct {
	ID uint64
	To [20]byte
}

// DecodeTransferNFT decodes the wire body.
func DecodeTransferNFT(b []byte) (auth.Msg, error) {
	var w transferNFTBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &TransferNFT{ID: w.ID, To: w.To}, nil
}

func (m *TransferNFT) Action() uint64                       { return ActionTransferNFT }
func (m *TransferNFT) Type() (auth.TypeDef, []auth.TypeDef) { return transferNFTType, nil }
func (m *TransferNFT) EncodeBody() ([]byte, error) {
	return rlp.EncodeToBytes(&transferNFTBody{ID: m.ID, To: m.To})
}

func (m *TransferNFT) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(transferNFTTypeHash)
	w.Address(h.From)
	w.Uint64(m.ID)
	w.Address(m.To)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *TransferNFT) Message(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "id": m.ID, "to": m.To.Hex(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

func (m *TransferNFT) ValidateBasic(h *auth.Header) error {
	if m.To == auth.ZeroAddress {
		return codes.Wrap(ErrInvalidRecipient, "zero address")
	}
	if m.To == h.From {
		return codes.Wrap(ErrInvalidRecipient, "transfer to self")
	}
	if m.ID == 0 {
		return codes.Wrap(ErrNotFound, "id 0")
	}
	return nil
}

// Register adds nft's actions to a codec.
func Register(c *auth.Codec) {
	c.Register(ActionTransferNFT, DecodeTransferNFT)
}
