package keeper

import (
	"testing"

	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/stretchr/testify/require"
)

// The memo returns exactly kernel.Digest, and stays bounded: past
// digestMemoSize entries the oldest go first.
func TestDigestMemo(t *testing.T) {
	ResetDigestMemo()
	defer ResetDigestMemo()
	seed := [32]byte{7}
	for _, idx := range []uint64{0, 1, 4095, 1 << 40} {
		want := kernel.Digest(seed, idx)
		require.Equal(t, want, unitDigest(seed, idx), "miss, index %d", idx)
		require.Equal(t, want, unitDigest(seed, idx), "hit, index %d", idx)
	}
	ResetDigestMemo()
	for i := 0; i < digestMemoSize+10; i++ {
		unitDigests.put(digestKey{seed, uint64(i)}, [32]byte{byte(i), byte(i >> 8), byte(i >> 16)})
	}
	require.Len(t, unitDigests.m, digestMemoSize)
	_, first := unitDigests.m[digestKey{seed, 0}]
	require.False(t, first, "oldest evicted")
	d, last := unitDigests.m[digestKey{seed, digestMemoSize + 9}]
	require.True(t, last)
	const n = digestMemoSize + 9
	require.Equal(t, [32]byte{byte(n & 0xff), byte(n >> 8 & 0xff), byte(n >> 16)}, d)
}
