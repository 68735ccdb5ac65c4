package store_test

import (
	"testing"

	"github.com/pingo-chain/pingo/app/store"
	"github.com/stretchr/testify/require"
)

// TestAppendInPlace: Append gives the same values as copying appends, in
// every layering a block uses — tx overlays written or discarded over a
// block overlay, values read from the tree (never extended in place,
// since the tree and other readers share them), length mismatches staging
// nothing — and an earlier reader's value never changes.
func TestAppendInPlace(t *testing.T) {
	tree := newMem("p", "ab")
	treeVal := tree.m["p"]
	treeVal = append(treeVal[:2:2], 'z')[:2] // a tree value with spare capacity
	tree.m["p"] = treeVal
	block := store.NewCache(tree).Memoize()

	tx1 := store.AcquireCache(block)
	ok, err := tx1.Append([]byte("p"), []byte("c"), 2, 8)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "z", string(treeVal[:3][2:]), "a tree value is never extended in place")
	tx1.Write()
	tx1.Release()
	seen, _ := block.Get([]byte("p"))
	require.Equal(t, "abc", string(seen))

	// A discarded tx's in-place bytes are overwritten by the next append;
	// the value read before either is unchanged.
	tx2 := store.AcquireCache(block)
	ok, err = tx2.Append([]byte("p"), []byte("X"), 3, 8)
	require.NoError(t, err)
	require.True(t, ok)
	v, _ := tx2.Get([]byte("p"))
	require.Equal(t, "abcX", string(v))
	tx2.Release() // discarded
	require.Equal(t, "abc", string(seen))
	tx3 := store.AcquireCache(block)
	ok, err = tx3.Append([]byte("p"), []byte("d"), 3, 8)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = tx3.Append([]byte("p"), []byte("e"), 4, 8) // twice in one tx
	require.NoError(t, err)
	require.True(t, ok)
	tx3.Write()
	tx3.Release()
	got, _ := block.Get([]byte("p"))
	require.Equal(t, "abcde", string(got))
	require.Equal(t, "abc", string(seen))

	// Wrong length: false, nothing staged.
	tx4 := store.AcquireCache(block)
	ok, err = tx4.Append([]byte("p"), []byte("f"), 4, 8)
	require.NoError(t, err)
	require.False(t, ok)
	require.Zero(t, tx4.Len())
	tx4.Release()

	// Past the capacity hint: a new buffer, same bytes.
	tx5 := store.AcquireCache(block)
	for i, c := range []byte("fghijk") {
		ok, err = tx5.Append([]byte("p"), []byte{c}, 5+i, 8)
		require.NoError(t, err)
		require.True(t, ok)
	}
	tx5.Write()
	tx5.Release()
	got, _ = block.Get([]byte("p"))
	require.Equal(t, "abcdefghijk", string(got))

	// An absent key starts empty; the flush writes the final values.
	ok, err = block.Append([]byte("q"), []byte("1"), 0, 8)
	require.NoError(t, err)
	require.True(t, ok)
	block.WriteTo(tree)
	require.Equal(t, "abcdefghijk", string(tree.m["p"]))
	require.Equal(t, "1", string(tree.m["q"]))
	require.Equal(t, "abc", string(seen))

	// After the flush the next block's overlay reads the tree's value,
	// which it does not own: its append copies.
	next := store.NewCache(tree).Memoize()
	flushed := tree.m["p"]
	ok, err = next.Append([]byte("p"), []byte("l"), 11, 16)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "abcdefghijk", string(flushed))
	if cap(flushed) > len(flushed) {
		require.NotEqual(t, byte('l'), flushed[:len(flushed)+1][len(flushed)], "tree value extended in place")
	}
}

// TestWriteIntoCacheUnsorted: a tx overlay merged into a block overlay
// gives the same block state (and the same sorted flush) as before.
func TestWriteIntoCacheUnsorted(t *testing.T) {
	tree := newMem("a", "1", "d", "4")
	block := store.NewCache(tree).Memoize()
	tx := store.AcquireCache(block)
	tx.Set([]byte("c"), []byte("3"))
	tx.Set([]byte("b"), []byte("2"))
	tx.Delete([]byte("a"))
	tx.Write()
	tx.Release()
	require.Equal(t, []string{"a", "b", "c"}, block.Keys())
	block.WriteTo(tree)
	require.Equal(t, []string{"del a", "set b=2", "set c=3"}, tree.ops)
}

// TestAppendAnyLength: wantLen -1 appends to any value; capHint 0 grows
// by doubling; the bytes are those of copying appends.
func TestAppendAnyLength(t *testing.T) {
	block := store.NewCache(newMem("q", "xy")).Memoize()
	want := "xy"
	for i := 0; i < 40; i++ {
		tx := store.AcquireCache(block)
		ok, err := tx.Append([]byte("q"), []byte{byte('a' + i%26)}, -1, 0)
		require.NoError(t, err)
		require.True(t, ok)
		tx.Write()
		tx.Release()
		want += string(rune('a' + i%26))
		got, _ := block.Get([]byte("q"))
		require.Equal(t, want, string(got))
	}
}
