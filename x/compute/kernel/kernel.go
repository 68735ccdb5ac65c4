// Package kernel holds the deterministic work units validators re-execute
// to check sampled compute, and the output Merkle tree that attestations
// commit to.
//
// Unit kind 1, "matmul-i8-64", is specified in SPEC.md; that file's SHA-256
// is the kind's spec hash, so the code and the text a job names cannot
// drift apart unnoticed (TestSpecHash). Everything here is integer
// arithmetic and SHA-256: identical on every platform, no floats, no
// goroutines, no clock.
package kernel

import (
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
)

// KindMatmulI8 is unit kind 1: one 64×64 int8 × 64×64 int8 tile product
// with int32 wrapping accumulation (SPEC.md).
const KindMatmulI8 uint32 = 1

// Tile is the matrix dimension of KindMatmulI8.
const Tile = 64

// OutputSize is the byte length of one KindMatmulI8 output.
const OutputSize = Tile * Tile * 4

// prgTag is the domain tag of the input stream (SPEC.md §Inputs).
const prgTag = "pingo/matmul-i8-64/v1"

//go:embed SPEC.md
var spec []byte

// SpecMatmulI8 is SHA-256(SPEC.md): the spec hash jobs of kind 1 name.
var SpecMatmulI8 = sha256.Sum256(spec)

// Known reports whether the chain can re-execute units of kind with that
// spec hash; jobs of any other (kind, spec) could never be verified, so
// they are refused at submission.
func Known(kind uint32, specHash [32]byte) bool {
	return kind == KindMatmulI8 && specHash == SpecMatmulI8
}

// Inputs derives the two input tiles of unit index of a job with seed,
// row-major, from 256 SHA-256 blocks in counter mode.
func Inputs(seed [32]byte, index uint64) (a, b [Tile * Tile]int8) {
	var msg [len(prgTag) + 32 + 8 + 4]byte
	copy(msg[:], prgTag)
	copy(msg[len(prgTag):], seed[:])
	binary.BigEndian.PutUint64(msg[len(prgTag)+32:], index)
	ctr := msg[len(prgTag)+40:]
	const perTile = Tile * Tile / sha256.Size // 128 blocks per tile
	for c := uint32(0); c < 2*perTile; c++ {
		binary.BigEndian.PutUint32(ctr, c)
		blk := sha256.Sum256(msg[:])
		dst := a[:]
		off := int(c) * sha256.Size
		if c >= perTile {
			dst = b[:]
			off -= Tile * Tile
		}
		for i, x := range blk {
			dst[off+i] = int8(x)
		}
	}
	return a, b
}

// MatMul is C = A·B with int32 wrapping accumulation (Go's int32 arithmetic
// wraps by definition). The i-k-j order walks B and C rows contiguously.
func MatMul(a, b *[Tile * Tile]int8) (c [Tile * Tile]int32) {
	for i := 0; i < Tile; i++ {
		row := (*[Tile]int32)(c[i*Tile : (i+1)*Tile])
		for k := 0; k < Tile; k++ {
			x := int32(a[i*Tile+k])
			brow := (*[Tile]int8)(b[k*Tile : (k+1)*Tile])
			for j := 0; j < Tile; j++ {
				row[j] += x * int32(brow[j])
			}
		}
	}
	return c
}

// Output runs unit index of the job with seed and returns its serialized
// output: the 64×64 int32 tile, row-major, little-endian.
func Output(seed [32]byte, index uint64) []byte {
	a, b := Inputs(seed, index)
	c := MatMul(&a, &b)
	out := make([]byte, OutputSize)
	for i, v := range c {
		binary.LittleEndian.PutUint32(out[4*i:], uint32(v))
	}
	return out
}

// Digest is SHA-256 of unit index's output: what its Merkle leaf commits to.
func Digest(seed [32]byte, index uint64) [32]byte {
	return sha256.Sum256(Output(seed, index))
}
