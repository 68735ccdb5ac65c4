package types

import (
	"crypto/ecdsa"
	"encoding/hex"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/x/codes"
)

// AddressLen is the byte length of an account address.
const AddressLen = 20

// Address is keccak256(uncompressed_pubkey[1:])[12:], the Ethereum rule, so
// any Ethereum key tool or hardware wallet derives the same account.
type Address [AddressLen]byte

// ZeroAddress is never a valid sender: no private key maps to it knowingly.
var ZeroAddress Address

// PubkeyToAddress derives the address of a secp256k1 public key.
func PubkeyToAddress(pub *ecdsa.PublicKey) Address {
	return Address(crypto.PubkeyToAddress(*pub))
}

// AddressFromUncompressed derives the address from a 65-byte 0x04||X||Y key.
func AddressFromUncompressed(pub []byte) Address {
	var a Address
	copy(a[:], crypto.Keccak256(pub[1:])[12:])
	return a
}

// AddressFromBytes requires exactly 20 bytes.
func AddressFromBytes(b []byte) (Address, error) {
	var a Address
	if len(b) != AddressLen {
		return a, codes.Wrapf(ErrInvalidAddress, "want %d bytes, got %d", AddressLen, len(b))
	}
	copy(a[:], b)
	return a, nil
}

// ParseAddress accepts 0x + 40 hex digits. All-lower or all-upper hex is
// accepted as "no checksum"; mixed case must be a correct EIP-55 checksum,
// because a mixed-case address with a wrong checksum is almost always a typo.
func ParseAddress(s string) (Address, error) {
	var a Address
	if len(s) != 2+2*AddressLen || (s[:2] != "0x" && s[:2] != "0X") {
		return a, codes.Wrapf(ErrInvalidAddress, "%q: want 0x followed by 40 hex digits", clip(s))
	}
	body := s[2:]
	if _, err := hex.Decode(a[:], []byte(body)); err != nil {
		return a, codes.Wrapf(ErrInvalidAddress, "%q: not hex", clip(s))
	}
	if body != strings.ToLower(body) && body != strings.ToUpper(body) && a.Hex() != "0x"+body {
		return a, codes.Wrapf(ErrInvalidAddress, "%q: bad EIP-55 checksum", s)
	}
	return a, nil
}

// Hex renders the EIP-55 checksummed form.
func (a Address) Hex() string {
	lower := hex.EncodeToString(a[:])
	h := crypto.Keccak256([]byte(lower))
	out := []byte("0x" + lower)
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if c >= 'a' && c <= 'f' {
			nib := h[i/2]
			if i%2 == 0 {
				nib >>= 4
			}
			if nib&0xf >= 8 {
				out[2+i] = c - 32
			}
		}
	}
	return string(out)
}

func (a Address) String() string { return a.Hex() }

// MarshalText makes addresses render as EIP-55 strings in JSON.
func (a Address) MarshalText() ([]byte, error) { return []byte(a.Hex()), nil }

// UnmarshalText parses with ParseAddress.
func (a *Address) UnmarshalText(b []byte) error {
	p, err := ParseAddress(string(b))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
