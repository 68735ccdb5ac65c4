package kernel_test

import (
	"crypto/sha256"
	"testing"

	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/stretchr/testify/require"
)

func leaves(job, start uint64, n int, who [20]byte) [][32]byte {
	out := make([][32]byte, n)
	for i := range out {
		d := sha256.Sum256([]byte{byte(i)}) // stand-in digests: the tree does not care
		out[i] = kernel.Leaf(job, start+uint64(i), who, d)
	}
	return out
}

// Every position of trees of 1..33 leaves proves against the root, with
// exactly PathLen siblings, through the wire encoding.
func TestPathsVerify(t *testing.T) {
	who := [20]byte{1}
	for n := 1; n <= 33; n++ {
		ls := leaves(7, 100, n, who)
		root := kernel.Root(ls)
		for pos := 0; pos < n; pos++ {
			p := kernel.Path(ls, uint64(pos))
			require.Len(t, p, kernel.PathLen(uint64(pos), uint64(n)))
			dec, err := kernel.DecodePath(kernel.EncodePath(p))
			require.NoError(t, err)
			got, ok := kernel.Fold(ls[pos], uint64(pos), uint64(n), dec)
			require.True(t, ok)
			require.Equal(t, root, got, "n=%d pos=%d", n, pos)
		}
	}
}

// A tampered leaf, a wrong index, a wrong contributor, a wrong job or a
// tampered sibling all fold to a different root.
func TestPathRejectsTampering(t *testing.T) {
	who, other := [20]byte{1}, [20]byte{2}
	const n, pos = 13, 6
	ls := leaves(7, 100, n, who)
	root := kernel.Root(ls)
	d := sha256.Sum256([]byte{byte(pos)})
	p := kernel.Path(ls, pos)
	fold := func(leaf [32]byte, pos uint64, sib [][32]byte) bool {
		r, ok := kernel.Fold(leaf, pos, n, sib)
		return ok && r == root
	}
	require.True(t, fold(kernel.Leaf(7, 100+pos, who, d), pos, p))
	require.False(t, fold(kernel.Leaf(7, 100+pos, who, sha256.Sum256([]byte("garbage"))), pos, p), "tampered output")
	require.False(t, fold(kernel.Leaf(7, 101+pos, who, d), pos, p), "wrong index")
	require.False(t, fold(kernel.Leaf(7, 100+pos, other, d), pos, p), "wrong contributor")
	require.False(t, fold(kernel.Leaf(8, 100+pos, who, d), pos, p), "wrong job")
	require.False(t, fold(kernel.Leaf(7, 100+pos, who, d), pos+1, kernel.Path(ls, pos+1)), "other position's path")
	bad := append([][32]byte(nil), p...)
	bad[1][0] ^= 1
	require.False(t, fold(kernel.Leaf(7, 100+pos, who, d), pos, bad), "tampered sibling")
	_, ok := kernel.Fold(ls[pos], pos, n, p[:len(p)-1])
	require.False(t, ok, "short path")
	_, ok = kernel.Fold(ls[pos], n, n, p)
	require.False(t, ok, "position out of range")
}

// The odd rule promotes the last node: [a b c] → H(1‖H(1‖a‖b)‖c), and the
// top level uses its own tag.
func TestOddRuleAndTopTag(t *testing.T) {
	ls := leaves(1, 0, 3, [20]byte{})
	h := func(tag byte, l, r [32]byte) [32]byte {
		return sha256.Sum256(append(append([]byte{tag}, l[:]...), r[:]...))
	}
	require.Equal(t, h(1, h(1, ls[0], ls[1]), ls[2]), kernel.Root(ls))
	require.Equal(t, h(2, h(2, ls[0], ls[1]), ls[2]), kernel.TopRoot(ls))
	require.Equal(t, ls[0], kernel.Root(ls[:1]))
	require.NotEqual(t, kernel.Root(ls[:2]), kernel.Root(append(ls[:2:2], ls[1])), "no duplication")
}

func TestDecodePathBounds(t *testing.T) {
	for _, b := range [][]byte{nil, {1}, {0, 0}, {65}, append([]byte{2}, make([]byte, 63)...)} {
		_, err := kernel.DecodePath(b)
		require.ErrorIs(t, err, kernel.ErrPath, "%x", b)
	}
	p, err := kernel.DecodePath([]byte{0})
	require.NoError(t, err)
	require.Empty(t, p)
}
