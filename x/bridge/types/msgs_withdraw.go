package types

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/xssnick/tonutils-go/address"
)

// ActionWithdraw burns PINGO on the L2 and owes it on TON (issue #7).
const ActionWithdraw uint64 = 63

// TONAddrLen is the wire form of a TON recipient: workchain as a signed
// 32-bit big-endian integer ‖ the 256-bit account id. It is the liteserver
// protocol's raw account id (tonutils-go's `ton.AccountID`), the one form
// with no flags or checksum to disagree about: the user-friendly string's
// bounceable/testnet flags say nothing about who owns the account, so two
// strings for one account must not be two different withdrawals.
const TONAddrLen = 36

// TONAddr is a TON std address in its 36-byte wire form.
type TONAddr [TONAddrLen]byte

// Workchain is the signed workchain id.
func (a TONAddr) Workchain() int32 { return int32(binary.BigEndian.Uint32(a[:4])) }

// Address is tonutils-go's form (std, bounceable flags; flags do not enter
// the leaf cell, which stores only workchain and account id).
func (a TONAddr) Address() *address.Address {
	return address.NewAddress(0x11, byte(int8(a.Workchain())), append([]byte(nil), a[4:]...))
}

// String is the raw "wc:hex" form (what TON explorers accept).
func (a TONAddr) String() string {
	return fmt.Sprintf("%d:%s", a.Workchain(), hex.EncodeToString(a[4:]))
}

// MarshalText renders String.
func (a TONAddr) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText accepts what ParseTONAddr accepts.
func (a *TONAddr) UnmarshalText(b []byte) error {
	v, err := ParseTONAddr(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Validate checks the workchain: basechain (0) or masterchain (-1), the
// two a std address of a TON wallet can live on (checkpoint.Withdrawal's
// rule).
func (a TONAddr) Validate() error {
	if wc := a.Workchain(); wc != 0 && wc != -1 {
		return codes.Wrapf(ErrInvalidTONAddress, "workchain %d (want 0 or -1)", wc)
	}
	return nil
}

// TONAddrFrom converts a tonutils-go address, refusing anything but a std
// address on workchain 0 or -1.
func TONAddrFrom(ad *address.Address) (TONAddr, error) {
	var a TONAddr
	if ad == nil || ad.Type() != address.StdAddress || len(ad.Data()) != 32 {
		return a, codes.Wrap(ErrInvalidTONAddress, "not a std address")
	}
	binary.BigEndian.PutUint32(a[:4], uint32(ad.Workchain()))
	copy(a[4:], ad.Data())
	return a, a.Validate()
}

// ParseTONAddr reads the raw "wc:64 hex digits" form or a user-friendly
// (base64 / base64url, 48 characters, checksummed) string. Clients convert
// to the 36-byte wire form with it; the chain never sees strings.
func ParseTONAddr(s string) (TONAddr, error) {
	var (
		ad  *address.Address
		err error
	)
	if strings.Contains(s, ":") {
		ad, err = address.ParseRawAddr(s)
	} else {
		ad, err = address.ParseAddr(s)
	}
	if err != nil {
		return TONAddr{}, codes.Wrapf(ErrInvalidTONAddress, "%q: %v", s, err)
	}
	return TONAddrFrom(ad)
}

// MaxWithdrawAmount is 2^120-1, the largest TON Coins value: the leaf
// stores the amount as Coins and the jetton wallet moves Coins.
var MaxWithdrawAmount = func() *uint256.Int {
	v, _ := uint256.FromBig(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 120), big.NewInt(1)))
	return v
}()

// Withdraw burns Amount upingo of the signer on the L2 and adds a leaf
// paying Amount jetton units (PINGO has 9 decimals on both chains) to To
// to the current epoch's withdrawal tree; once that epoch's checkpoint is
// anchored, anyone can claim it on TON.
//
//	EIP-712: Withdraw(address from,bytes to,uint256 amount,uint256 fee,uint64 nonce)
//	wire body: [to (36 bytes: workchain int32 BE ‖ account id), amount (integer)]
type Withdraw struct {
	To     TONAddr
	Amount uint256.Int
}

var withdrawType = auth.TypeDef{Name: "Withdraw", Fields: []auth.Field{
	{Name: "from", Type: "address"}, {Name: "to", Type: "bytes"}, {Name: "amount", Type: "uint256"},
	{Name: "fee", Type: "uint256"}, {Name: "nonce", Type: "uint64"},
}}
var withdrawTypeHash = auth.TypeHash(withdrawType)

type withdrawBody struct {
	To     []byte
	Amount *uint256.Int
}

// DecodeWithdraw decodes the wire body. A `to` that is not 36 bytes is
// bridge/41 (the RLP itself was fine).
func DecodeWithdraw(b []byte) (auth.Msg, error) {
	var w withdrawBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	if len(w.To) != TONAddrLen {
		return nil, codes.Wrapf(ErrInvalidTONAddress, "to of %d bytes (want %d)", len(w.To), TONAddrLen)
	}
	m := &Withdraw{Amount: *w.Amount}
	copy(m.To[:], w.To)
	return m, nil
}

func (m *Withdraw) Action() uint64                       { return ActionWithdraw }
func (m *Withdraw) Type() (auth.TypeDef, []auth.TypeDef) { return withdrawType, nil }
func (m *Withdraw) EncodeBody() ([]byte, error) {
	a := m.Amount
	return rlp.EncodeToBytes(&withdrawBody{To: m.To[:], Amount: &a})
}

func (m *Withdraw) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(withdrawTypeHash)
	w.Address(h.From)
	w.String(string(m.To[:])) // EIP-712 bytes: keccak256 of the bytes
	w.Uint256(&m.Amount)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *Withdraw) Message(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "to": "0x" + hex.EncodeToString(m.To[:]),
		"amount": m.Amount.Dec(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// ValidateBasic checks what needs no state: the recipient's workchain and
// the amount range 1..2^120-1. Balance and the epoch's room are checked in
// execution.
func (m *Withdraw) ValidateBasic(h *auth.Header) error {
	if err := m.To.Validate(); err != nil {
		return err
	}
	if m.Amount.IsZero() || m.Amount.Gt(MaxWithdrawAmount) {
		return codes.Wrapf(ErrInvalidWithdrawAmount, "%s not in 1..2^120-1", m.Amount.Dec())
	}
	return nil
}
