package types

import (
	"encoding/binary"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// EIP-712 domain: {name: "PinGo", version: "1", chainId: <numeric L2 chain id>}
// (docs/protocol.md §Signing). No verifyingContract: the L2 has none, and
// wallets accept a domain without it.
const (
	DomainName    = "PinGo"
	DomainVersion = "1"
	DomainType    = "EIP712Domain(string name,string version,uint256 chainId)"
)

// Field is one member of an EIP-712 struct type, in declaration order.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// TypeDef names a struct type and its fields, as eth_signTypedData_v4 wants.
type TypeDef struct {
	Name   string
	Fields []Field
}

// EncodeType renders "Name(type1 name1,...)" for one struct.
func (t TypeDef) EncodeType() string {
	s := t.Name + "("
	for i, f := range t.Fields {
		if i > 0 {
			s += ","
		}
		s += f.Type + " " + f.Name
	}
	return s + ")"
}

// TypeHash is keccak256 of the primary type's encoding followed by the
// encodings of referenced types in alphabetical order (EIP-712 encodeType).
// Callers pass referenced types already sorted.
func TypeHash(primary TypeDef, referenced ...TypeDef) [32]byte {
	s := primary.EncodeType()
	for _, r := range referenced {
		s += r.EncodeType()
	}
	return [32]byte(crypto.Keccak256([]byte(s)))
}

// DomainSeparator is hashStruct(EIP712Domain) for a numeric chain id.
func DomainSeparator(chainID uint64) [32]byte {
	var w StructHasher
	w.Begin([32]byte(crypto.Keccak256([]byte(DomainType))))
	w.String(DomainName)
	w.String(DomainVersion)
	w.Uint64(chainID)
	return w.Sum()
}

// SigningDigest is keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(msg)),
// what signTypedData_v4 signs.
func SigningDigest(domainSep, structHash [32]byte) [32]byte {
	var buf [66]byte
	buf[0], buf[1] = 0x19, 0x01
	copy(buf[2:34], domainSep[:])
	copy(buf[34:], structHash[:])
	return [32]byte(crypto.Keccak256(buf[:]))
}

// StructHasher accumulates the 32-byte words of encodeData and hashes them.
// It is hand-rolled rather than go-ethereum's reflective apitypes because it
// runs for every transaction in CheckTx and block execution; tests check it
// against apitypes word for word.
type StructHasher struct {
	buf []byte
}

// Begin starts a struct with its type hash.
func (w *StructHasher) Begin(typeHash [32]byte) {
	w.buf = append(w.buf[:0], typeHash[:]...)
}

// Word appends a raw 32-byte word (bytes32, or a nested struct/array hash).
func (w *StructHasher) Word(b [32]byte) { w.buf = append(w.buf, b[:]...) }

// Address appends an address left-padded to 32 bytes.
func (w *StructHasher) Address(a Address) {
	var word [32]byte
	copy(word[12:], a[:])
	w.Word(word)
}

// Uint256 appends a uint256 big-endian.
func (w *StructHasher) Uint256(v *uint256.Int) { w.Word(v.Bytes32()) }

// Uint64 appends a uintN (N ≤ 64) zero-extended to 32 bytes.
func (w *StructHasher) Uint64(v uint64) {
	var word [32]byte
	binary.BigEndian.PutUint64(word[24:], v)
	w.Word(word)
}

// String appends keccak256 of the UTF-8 bytes.
func (w *StructHasher) String(s string) { w.Word([32]byte(crypto.Keccak256([]byte(s)))) }

// Sum is keccak256 of the accumulated words.
func (w *StructHasher) Sum() [32]byte { return [32]byte(crypto.Keccak256(w.buf)) }

// Reset empties the accumulator, for hashing an array's concatenated member
// hashes (which has no type hash in front).
func (w *StructHasher) Reset() { w.buf = w.buf[:0] }
