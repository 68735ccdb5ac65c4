package types

import (
	"crypto/ecdsa"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/x/codes"
)

// Header carries the fields every action's EIP-712 struct has besides its own:
// the sender (first member), fee and nonce (last two members).
type Header struct {
	From  Address
	Fee   uint256.Int
	Nonce uint64
}

// Msg is one action. A module implements it for each action it executes and
// registers a decoder for its action number with a Codec.
type Msg interface {
	// Action is the wire number (docs/protocol.md §Actions); never reused.
	Action() uint64
	// Type is the EIP-712 primary type and the referenced types it needs,
	// referenced ones sorted by name.
	Type() (primary TypeDef, referenced []TypeDef)
	// HashStruct is EIP-712 hashStruct of the full action message.
	HashStruct(h *Header) [32]byte
	// EncodeBody is the RLP list of the action's own fields (wire body).
	EncodeBody() ([]byte, error)
	// Message renders the eth_signTypedData_v4 "message" object.
	Message(h *Header) map[string]any
	// ValidateBasic checks what needs no state: zero amounts, self-sends,
	// list bounds.
	ValidateBasic(h *Header) error
}

// Tx is a decoded, not yet verified transaction.
type Tx struct {
	ChainID uint64
	Header
	Msg Msg
	// Sig is r ‖ s ‖ v with v ∈ {27, 28}, as signTypedData returns it.
	Sig [65]byte
}

// wireTx is the envelope, an RLP list in this exact order:
// [chainId, action, from, nonce, fee, body, sig].
type wireTx struct {
	ChainID uint64
	Action  uint64
	From    [AddressLen]byte
	Nonce   uint64
	Fee     *uint256.Int
	Body    rlp.RawValue
	Sig     [65]byte
}

// MsgDecoder decodes an action's RLP body.
type MsgDecoder func(body []byte) (Msg, error)

// Codec knows the registered actions. The app builds one at start-up; there
// is no global registry so tests can build a chain with a subset.
type Codec struct {
	decoders map[uint64]MsgDecoder
}

// NewCodec returns an empty codec.
func NewCodec() *Codec { return &Codec{decoders: map[uint64]MsgDecoder{}} }

// Register adds an action; a duplicate number is a programming error.
func (c *Codec) Register(action uint64, dec MsgDecoder) {
	if _, dup := c.decoders[action]; dup {
		panic("auth: action registered twice")
	}
	c.decoders[action] = dec
}

// Decode parses canonical RLP; anything else (non-minimal integers, trailing
// bytes, wrong lengths) is ErrTxDecode, so one tx has exactly one encoding
// and one hash.
func (c *Codec) Decode(b []byte) (*Tx, error) {
	var w wireTx
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, codes.Wrap(ErrTxDecode, err.Error())
	}
	dec, ok := c.decoders[w.Action]
	if !ok {
		return nil, codes.Wrapf(ErrUnknownAction, "action %d", w.Action)
	}
	msg, err := dec(w.Body)
	if err != nil {
		var ce *codes.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, codes.Wrapf(ErrTxDecode, "action %d body: %v", w.Action, err)
	}
	tx := &Tx{ChainID: w.ChainID, Msg: msg, Sig: w.Sig}
	tx.From = w.From
	tx.Nonce = w.Nonce
	tx.Fee = *w.Fee
	return tx, nil
}

// Encode produces the canonical wire bytes.
func (tx *Tx) Encode() ([]byte, error) {
	body, err := tx.Msg.EncodeBody()
	if err != nil {
		return nil, err
	}
	fee := tx.Fee
	return rlp.EncodeToBytes(&wireTx{
		ChainID: tx.ChainID, Action: tx.Msg.Action(), From: tx.From,
		Nonce: tx.Nonce, Fee: &fee, Body: body, Sig: tx.Sig,
	})
}

// SigningDigest is the EIP-712 digest the sender signs.
func (tx *Tx) SigningDigest() [32]byte {
	return SigningDigest(DomainSeparator(tx.ChainID), tx.Msg.HashStruct(&tx.Header))
}

// Sign fills Sig with a signature by key over the EIP-712 digest. It also
// sets From, so a caller cannot sign for an address it does not hold.
func (tx *Tx) Sign(key *ecdsa.PrivateKey) error {
	tx.From = PubkeyToAddress(&key.PublicKey)
	d := tx.SigningDigest()
	sig, err := crypto.Sign(d[:], key)
	if err != nil {
		return err
	}
	copy(tx.Sig[:], sig)
	tx.Sig[64] += 27
	return nil
}

var secp256k1N = crypto.S256().Params().N
var secp256k1HalfN = new(big.Int).Rsh(secp256k1N, 1)

// RecoverSender verifies the signature and returns the signer. It rejects
// high-s (EIP-2) and v outside {27, 28}: each signed tx then has exactly one
// valid encoding, so nobody can re-broadcast a malleated copy under a new hash.
func (tx *Tx) RecoverSender() (Address, error) {
	v := tx.Sig[64]
	if v != 27 && v != 28 {
		return Address{}, codes.Wrapf(ErrInvalidSignature, "v must be 27 or 28, got %d", v)
	}
	r := new(big.Int).SetBytes(tx.Sig[:32])
	s := new(big.Int).SetBytes(tx.Sig[32:64])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(secp256k1N) >= 0 {
		return Address{}, codes.Wrap(ErrInvalidSignature, "r or s out of range")
	}
	if s.Cmp(secp256k1HalfN) > 0 {
		return Address{}, codes.Wrap(ErrInvalidSignature, "s is in the upper half of the curve order (malleated; EIP-2)")
	}
	d := tx.SigningDigest()
	var sig [65]byte
	copy(sig[:], tx.Sig[:])
	sig[64] = v - 27
	pub, err := crypto.Ecrecover(d[:], sig[:])
	if err != nil {
		return Address{}, codes.Wrap(ErrInvalidSignature, err.Error())
	}
	signer := AddressFromUncompressed(pub)
	if signer != tx.From {
		return signer, codes.Wrapf(ErrSignerMismatch, "recovered %s, from is %s", signer, tx.From)
	}
	return signer, nil
}

// TypedData renders the eth_signTypedData_v4 JSON object for this tx, what a
// wallet shows the user and signs.
func (tx *Tx) TypedData() map[string]any {
	primary, refs := tx.Msg.Type()
	types := map[string]any{
		"EIP712Domain": []Field{{"name", "string"}, {"version", "string"}, {"chainId", "uint256"}},
		primary.Name:   primary.Fields,
	}
	for _, r := range refs {
		types[r.Name] = r.Fields
	}
	return map[string]any{
		"types":       types,
		"primaryType": primary.Name,
		"domain":      map[string]any{"name": DomainName, "version": DomainVersion, "chainId": tx.ChainID},
		"message":     tx.Msg.Message(&tx.Header),
	}
}
