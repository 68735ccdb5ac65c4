package store

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func warmTree(t *testing.T, dir string, cache, leaves int) *Tree {
	t.Helper()
	tr, err := OpenTree(dir, Options{CacheNodes: cache, PruneEvery: 1})
	require.NoError(t, err)
	for i := 0; i < leaves; i++ {
		tr.Set(binary.BigEndian.AppendUint64([]byte{0x01}, uint64(i)*7919), []byte{byte(i), 1})
	}
	_, _, err = tr.Commit()
	require.NoError(t, err)
	return tr
}

// Warm walks every leaf of the last committed version across chunk
// boundaries (each leaf once), reads only (the root hash is unchanged), and
// leaves the reopened tree's cache holding the nodes (a second walk reads
// no node from LevelDB).
func TestWarm(t *testing.T) {
	dir := t.TempDir()
	const leaves = 3*warmChunk + 17
	tr := warmTree(t, dir, 100_000, leaves)
	hash := tr.Hash()
	require.NoError(t, tr.Close())

	tr, err := OpenTree(dir, Options{CacheNodes: 100_000, PruneEvery: 1})
	require.NoError(t, err)
	defer tr.Close()
	n, err := tr.Warm(nil, nil)
	require.NoError(t, err)
	require.Equal(t, int64(leaves), n)
	require.Equal(t, hash, tr.Hash())
	require.NotZero(t, tr.CacheMisses(), "the first walk read the nodes from LevelDB")
	misses := tr.CacheMisses()
	n, err = tr.Warm(nil, nil)
	require.NoError(t, err)
	require.Equal(t, int64(leaves), n)
	require.Equal(t, misses, tr.CacheMisses(), "the second walk found every node cached")
}

// A tree whose nodes would not fit the cache is not walked (it would evict
// the hot paths), nor an empty one; a closed stop channel stops at once.
func TestWarmSkipsAndStops(t *testing.T) {
	tr := warmTree(t, t.TempDir(), 1_000, 600)
	defer tr.Close()
	n, err := tr.Warm(nil, nil)
	require.NoError(t, err)
	require.Zero(t, n, "1,199 nodes > 1,000 cached")

	empty, err := OpenTree(t.TempDir(), Options{CacheNodes: 1_000})
	require.NoError(t, err)
	defer empty.Close()
	n, err = empty.Warm(nil, nil)
	require.NoError(t, err)
	require.Zero(t, n)

	big := warmTree(t, t.TempDir(), 100_000, 2*warmChunk)
	defer big.Close()
	stop := make(chan struct{})
	close(stop)
	n, err = big.Warm(stop, nil)
	require.NoError(t, err)
	require.Zero(t, n)
}
