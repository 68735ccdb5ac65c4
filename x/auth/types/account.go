package types

import (
	"encoding/binary"
	"fmt"

	"github.com/holiman/uint256"
)

// AccountValueLen is the encoded size of an Account.
const AccountValueLen = 8 + 32

// Account is the whole per-address state: the next nonce to use and the
// balance in upingo. Layout (fixed, so light clients can decode a proven
// value without a schema): nonce uint64 big-endian ‖ balance uint256 big-endian.
type Account struct {
	Nonce   uint64
	Balance uint256.Int
}

// Marshal encodes the fixed 40-byte layout.
func (a *Account) Marshal() []byte {
	out := make([]byte, AccountValueLen)
	binary.BigEndian.PutUint64(out[:8], a.Nonce)
	a.Balance.PutUint256(out[8:])
	return out
}

// UnmarshalAccount decodes the layout written by Marshal.
func UnmarshalAccount(b []byte) (Account, error) {
	var a Account
	if len(b) != AccountValueLen {
		return a, fmt.Errorf("account record: want %d bytes, got %d", AccountValueLen, len(b))
	}
	a.Nonce = binary.BigEndian.Uint64(b[:8])
	a.Balance.SetBytes32(b[8:])
	return a, nil
}
