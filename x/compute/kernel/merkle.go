package kernel

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// The output Merkle tree (x/compute/README.md §Output tree).
//
// Every unit's leaf names the job, the unit index and the contributor who
// ran it, so a share's signature over its sub-root is a signature over
// exactly which units that contributor claims:
//
//	leaf  = SHA-256(0x00 ‖ "pingo/unit" ‖ BE64(jobId) ‖ BE64(index) ‖ contributor(20) ‖ digest(32))
//	inner = SHA-256(0x01 ‖ left ‖ right)
//
// A share covers a contiguous run of the attested range (shares in
// attestation order: share i starts where share i−1 ends), and its sub-root
// is the tree over its leaves in index order. The attestation's output root
// is the tree over the shares' sub-roots in order, with its own tag:
//
//	top   = SHA-256(0x02 ‖ left ‖ right)
//
// so it is a function of every leaf of the range and of the partition into
// shares — Attest checks it. Odd rule (both levels): a level with an odd
// count promotes its last node unchanged to the next level (no
// duplication, so no two leaf lists share a root). A one-node tree's root
// is that node.

const (
	tagLeaf  = 0x00
	tagInner = 0x01
	tagTop   = 0x02
	leafTag  = "pingo/unit"
)

// MaxDepth bounds a path: 2^64 leaves cannot exist, and the decoder refuses
// longer paths before allocating.
const MaxDepth = 64

// Leaf is the leaf of unit index of job jobID run by contributor, whose
// output has digest.
func Leaf(jobID, index uint64, contributor [20]byte, digest [32]byte) [32]byte {
	var b [1 + len(leafTag) + 8 + 8 + 20 + 32]byte
	b[0] = tagLeaf
	n := 1 + copy(b[1:], leafTag)
	binary.BigEndian.PutUint64(b[n:], jobID)
	binary.BigEndian.PutUint64(b[n+8:], index)
	copy(b[n+16:], contributor[:])
	copy(b[n+36:], digest[:])
	return sha256.Sum256(b[:])
}

func node(tag byte, l, r *[32]byte) [32]byte {
	var b [65]byte
	b[0] = tag
	copy(b[1:], l[:])
	copy(b[33:], r[:])
	return sha256.Sum256(b[:])
}

func root(tag byte, level [][32]byte) [32]byte {
	if len(level) == 0 {
		return [32]byte{}
	}
	cur := append([][32]byte(nil), level...)
	for len(cur) > 1 { // halves each round: ≤ 64 rounds
		next := cur[:0]
		for i := 0; i+1 < len(cur); i += 2 {
			next = append(next, node(tag, &cur[i], &cur[i+1]))
		}
		if len(cur)%2 == 1 {
			next = append(next, cur[len(cur)-1])
		}
		cur = next
	}
	return cur[0]
}

// Root is the sub-root over leaves in index order (zero for none).
func Root(leaves [][32]byte) [32]byte { return root(tagInner, leaves) }

// TopRoot is the attestation's output root over its shares' sub-roots in
// attestation order.
func TopRoot(subRoots [][32]byte) [32]byte { return root(tagTop, subRoots) }

// PathLen is the number of siblings on the path of position pos in a tree
// of n leaves (pos < n): one per level where pos has a partner.
func PathLen(pos, n uint64) int {
	d := 0
	for n > 1 {
		if pos^1 < n {
			d++
		}
		pos, n = pos/2, (n+1)/2
	}
	return d
}

// Path is the siblings of position pos, leaf level first.
func Path(leaves [][32]byte, pos uint64) [][32]byte {
	cur := append([][32]byte(nil), leaves...)
	var out [][32]byte
	for len(cur) > 1 {
		if s := pos ^ 1; s < uint64(len(cur)) {
			out = append(out, cur[s])
		}
		next := make([][32]byte, 0, (len(cur)+1)/2)
		for i := 0; i+1 < len(cur); i += 2 {
			next = append(next, node(tagInner, &cur[i], &cur[i+1]))
		}
		if len(cur)%2 == 1 {
			next = append(next, cur[len(cur)-1])
		}
		cur, pos = next, pos/2
	}
	return out
}

// Fold recomputes the root from leaf at position pos of n leaves and its
// siblings; ok is false when the sibling count is not PathLen(pos, n).
func Fold(leaf [32]byte, pos, n uint64, siblings [][32]byte) (r [32]byte, ok bool) {
	if pos >= n || len(siblings) != PathLen(pos, n) {
		return r, false
	}
	r = leaf
	i := 0
	for n > 1 {
		if s := pos ^ 1; s < n {
			if pos&1 == 0 {
				r = node(tagInner, &r, &siblings[i])
			} else {
				r = node(tagInner, &siblings[i], &r)
			}
			i++
		}
		pos, n = pos/2, (n+1)/2
	}
	return r, true
}

// EncodePath is a path's wire form: count (1 byte) ‖ count × 32 bytes.
func EncodePath(siblings [][32]byte) []byte {
	out := make([]byte, 1, 1+32*len(siblings))
	out[0] = byte(len(siblings))
	for i := range siblings {
		out = append(out, siblings[i][:]...)
	}
	return out
}

// ErrPath: a path encoding that is empty, longer than MaxDepth, or whose
// length disagrees with its count.
var ErrPath = errors.New("kernel: malformed merkle path")

// DecodePath reads EncodePath's form; exactly one encoding per path.
func DecodePath(b []byte) ([][32]byte, error) {
	if len(b) == 0 || b[0] > MaxDepth || len(b) != 1+32*int(b[0]) {
		return nil, ErrPath
	}
	out := make([][32]byte, b[0])
	for i := range out {
		copy(out[i][:], b[1+32*i:])
	}
	return out, nil
}
