package types

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// Hash is a 32-byte value (spec hash, seed, Merkle root, attestation id)
// shown as 0x + 64 hex digits in JSON.
type Hash [32]byte

// Hex renders 0x-prefixed lowercase hex.
func (h Hash) Hex() string { return "0x" + hex.EncodeToString(h[:]) }

// MarshalText renders Hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.Hex()), nil }

// UnmarshalText reads 0x + 64 hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	s := strings.TrimPrefix(strings.TrimPrefix(string(b), "0x"), "0X")
	if len(s) != 64 {
		return fmt.Errorf("hash: want 64 hex digits, got %d", len(s))
	}
	_, err := hex.Decode(h[:], []byte(s))
	return err
}

// ParseHash reads 0x + 64 hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	err := h.UnmarshalText([]byte(s))
	return h, err
}

// HexBytes is a byte string shown as 0x hex in JSON.
type HexBytes []byte

// MarshalText renders 0x hex.
func (b HexBytes) MarshalText() ([]byte, error) { return []byte("0x" + hex.EncodeToString(b)), nil }

// UnmarshalText reads 0x hex.
func (b *HexBytes) UnmarshalText(t []byte) error {
	s := strings.TrimPrefix(string(t), "0x")
	v, err := hex.DecodeString(s)
	*b = v
	return err
}
