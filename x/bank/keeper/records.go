package keeper

import (
	"encoding/binary"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/x/codes"
)

// Record helpers every module keeper uses (bank is the base they all
// import): a store read failure and a malformed record are both
// codes.Internal — state the chain wrote itself cannot be bad input.

// Reader is the read side of a module's KV.
type Reader interface {
	Get(key []byte) ([]byte, error)
}

// Writer is the write side of a module's KV.
type Writer interface {
	Set(key, value []byte)
}

// Get reads key (nil: absent), wrapping a store failure.
func Get(kv Reader, key []byte) ([]byte, error) {
	b, err := kv.Get(key)
	if err != nil {
		return nil, codes.Wrapf(codes.Internal, "read %x: %v", key, err)
	}
	return b, nil
}

// Corrupt is the error for a record that does not decode.
func Corrupt(key []byte, err error) error {
	return codes.Wrapf(codes.Internal, "record %x: %v", key, err)
}

// GetUint reads a uint256 record (32 bytes BE; absent = 0).
func GetUint(kv Reader, key []byte) (uint256.Int, error) {
	var v uint256.Int
	b, err := Get(kv, key)
	if err != nil || b == nil {
		return v, err
	}
	if len(b) != 32 {
		return v, codes.Wrapf(codes.Internal, "key %x: want 32 bytes, got %d", key, len(b))
	}
	v.SetBytes32(b)
	return v, nil
}

// SetUint writes a uint256 record.
func SetUint(kv Writer, key []byte, v *uint256.Int) {
	b := v.Bytes32()
	kv.Set(key, b[:])
}

// GetU64 reads a uint64 record (8 bytes BE; absent = 0).
func GetU64(kv Reader, key []byte) (uint64, error) {
	b, err := Get(kv, key)
	if err != nil || b == nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, codes.Wrapf(codes.Internal, "key %x: want 8 bytes", key)
	}
	return binary.BigEndian.Uint64(b), nil
}

// SetU64 writes a uint64 record.
func SetU64(kv Writer, key []byte, v uint64) { kv.Set(key, binary.BigEndian.AppendUint64(nil, v)) }
