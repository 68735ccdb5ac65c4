package store_test

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/pingo-chain/pingo/app/store"
	"github.com/stretchr/testify/require"
)

// memKV is a map parent that records every call, to check what reaches the
// layer below and in which order.
type memKV struct {
	m     map[string][]byte
	ops   []string // "set k=v" / "del k"
	reads int
}

func newMem(kv ...string) *memKV {
	m := &memKV{m: map[string][]byte{}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.m[kv[i]] = []byte(kv[i+1])
	}
	return m
}

func (m *memKV) Get(k []byte) ([]byte, error) { m.reads++; return m.m[string(k)], nil }
func (m *memKV) Set(k, v []byte) {
	m.ops = append(m.ops, fmt.Sprintf("set %s=%s", k, v))
	m.m[string(k)] = v
}
func (m *memKV) Delete(k []byte) {
	m.ops = append(m.ops, "del "+string(k))
	delete(m.m, string(k))
}

// readOnly is a parent that is not a Writer.
type readOnly struct{}

func (readOnly) Get([]byte) ([]byte, error) { return nil, nil }

func get(t *testing.T, r store.Reader, k string) []byte {
	t.Helper()
	v, err := r.Get([]byte(k))
	require.NoError(t, err)
	return v
}

func TestCacheReadThrough(t *testing.T) {
	p := newMem("a", "1", "b", "2")
	c := store.NewCache(p)
	require.Equal(t, []byte("1"), get(t, c, "a"))
	require.Nil(t, get(t, c, "zz"))
	require.Equal(t, 2, p.reads)

	c.Set([]byte("a"), []byte("10"))
	require.Equal(t, []byte("10"), get(t, c, "a"))
	require.Equal(t, 2, p.reads, "a staged key is served from the overlay")
	require.Equal(t, []byte("1"), p.m["a"], "the parent is untouched until written back")
	require.Empty(t, p.ops)

	// Parent changes show through for keys the overlay does not hold.
	p.m["b"] = []byte("20")
	require.Equal(t, []byte("20"), get(t, c, "b"))
}

func TestCacheDeleteShadows(t *testing.T) {
	p := newMem("a", "1")
	c := store.NewCache(p)
	c.Delete([]byte("a"))
	require.Nil(t, get(t, c, "a"))
	require.Equal(t, 0, p.reads, "a deleted key must not fall through")
	c.Set([]byte("a"), []byte("2"))
	require.Equal(t, []byte("2"), get(t, c, "a"))
	c.Delete([]byte("a"))
	require.Nil(t, get(t, c, "a"))
	// Deleting a key the parent never had is still staged (and harmless).
	c.Delete([]byte("ghost"))
	require.Equal(t, []string{"a", "ghost"}, c.Keys())
	require.Equal(t, 2, c.Len())
	c.WriteTo(p)
	require.Equal(t, []string{"del a", "del ghost"}, p.ops)
	_, ok := p.m["a"]
	require.False(t, ok)
}

func TestCacheWriteToSortedOrder(t *testing.T) {
	p := newMem()
	c := store.NewCache(readOnly{})
	rng := rand.New(rand.NewSource(1))
	want := map[string]string{}
	// Insert in random order, binary keys included (byte order, not UTF-8).
	for i := 0; i < 200; i++ {
		k := string([]byte{byte(rng.Intn(256)), byte(rng.Intn(4))})
		if rng.Intn(5) == 0 {
			c.Delete([]byte(k))
			want[k] = ""
			continue
		}
		v := fmt.Sprint(i)
		c.Set([]byte(k), []byte(v))
		want[k] = v
	}
	keys := c.Keys()
	require.True(t, sort.StringsAreSorted(keys))
	require.Len(t, keys, len(want))
	c.WriteTo(p)
	require.Len(t, p.ops, len(want))
	sorted := make([]string, 0, len(want))
	for k := range want {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for i, k := range sorted {
		if want[k] == "" {
			require.Equal(t, "del "+k, p.ops[i])
		} else {
			require.Equal(t, "set "+k+"="+want[k], p.ops[i])
		}
	}
	require.Equal(t, 0, c.Len(), "WriteTo clears the overlay")
	require.Empty(t, c.Keys())

	// Same contents staged in another order flush identically.
	c2 := store.NewCache(readOnly{})
	for i := len(sorted) - 1; i >= 0; i-- {
		k := sorted[i]
		if want[k] == "" {
			c2.Delete([]byte(k))
		} else {
			c2.Set([]byte(k), []byte(want[k]))
		}
	}
	p2 := newMem()
	c2.WriteTo(p2)
	require.Equal(t, p.ops, p2.ops)
}

func TestCacheLastWriteWins(t *testing.T) {
	p := newMem()
	c := store.NewCache(p)
	c.Set([]byte("k"), []byte("1"))
	c.Set([]byte("k"), []byte("2"))
	c.Delete([]byte("k"))
	c.Set([]byte("k"), []byte("3"))
	c.WriteTo(p)
	require.Equal(t, []string{"set k=3"}, p.ops)
}

func TestCacheWriteIntoParent(t *testing.T) {
	base := newMem("a", "1", "b", "2", "c", "3")
	block := store.NewCache(base)
	block.Set([]byte("a"), []byte("block"))

	tx := store.NewCache(block)
	require.Equal(t, []byte("block"), get(t, tx, "a"), "nested overlays read through each level")
	tx.Set([]byte("b"), []byte("tx"))
	tx.Delete([]byte("c"))
	tx.Set([]byte("d"), []byte("new"))
	require.Equal(t, []byte("2"), get(t, block, "b"), "the parent does not see the child before Write")

	tx.Write()
	require.Equal(t, 0, tx.Len())
	require.Equal(t, []byte("tx"), get(t, block, "b"))
	require.Nil(t, get(t, block, "c"), "a child's delete shadows the grandparent after Write")
	require.Equal(t, []byte("new"), get(t, block, "d"))
	require.Equal(t, []string{"a", "b", "c", "d"}, block.Keys())
	require.Empty(t, base.ops, "Write goes one level up only")

	block.WriteTo(base)
	require.Equal(t, []string{"set a=block", "set b=tx", "del c", "set d=new"}, base.ops)
	require.Equal(t, map[string][]byte{"a": []byte("block"), "b": []byte("tx"), "d": []byte("new")}, base.m)
}

func TestCacheWriteNeedsWriterParent(t *testing.T) {
	c := store.NewCache(readOnly{})
	c.Set([]byte("a"), []byte("1"))
	require.Panics(t, func() { c.Write() })
}

func TestCacheDiscard(t *testing.T) {
	base := newMem("a", "1")
	parent := store.NewCache(base)
	c := store.NewCache(parent)
	c.Set([]byte("a"), []byte("2"))
	c.Delete([]byte("b"))
	c.Discard()
	require.Equal(t, 0, c.Len())
	require.Equal(t, []byte("1"), get(t, c, "a"), "after Discard reads fall through again")
	c.Write()
	require.Equal(t, 0, parent.Len(), "nothing staged reaches the parent after Discard")
	parent.WriteTo(base)
	require.Empty(t, base.ops)
	// The overlay stays usable.
	c.Set([]byte("x"), []byte("y"))
	c.Write()
	require.Equal(t, []byte("y"), get(t, parent, "x"))
}

func TestFreeze(t *testing.T) {
	c := store.NewCache(readOnly{})
	c.Set([]byte("a"), []byte("1"))
	c.Delete([]byte("b"))
	f := store.Freeze(c)
	require.Equal(t, []byte("1"), get(t, f, "a"))
	require.Nil(t, get(t, f, "b"))
	// The frozen copy does not follow later changes to the overlay.
	c.Set([]byte("a"), []byte("2"))
	c.Set([]byte("c"), []byte("3"))
	require.Equal(t, []byte("1"), get(t, f, "a"))
	require.Nil(t, get(t, f, "c"))
	c.Discard()
	require.Equal(t, []byte("1"), get(t, f, "a"))
}

// TestCacheIntoTree: an overlay flushed into an IAVL tree in different
// staging orders gives the same root, and reads back through a snapshot.
func TestCacheIntoTree(t *testing.T) {
	roots := make([][]byte, 0, 2)
	for _, reverse := range []bool{false, true} {
		tree, err := store.OpenTree(t.TempDir(), store.Options{CacheNodes: 1000})
		require.NoError(t, err)
		c := store.NewCache(tree)
		keys := []string{"k1", "k2", "k3", "k4", "k5", "k6"}
		if reverse {
			for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
		for _, k := range keys {
			c.Set([]byte(k), []byte("v"+k))
		}
		c.WriteTo(tree)
		_, v, err := tree.Commit()
		require.NoError(t, err)
		require.Equal(t, int64(1), v)

		c = store.NewCache(tree)
		c.Delete([]byte("k3"))
		c.Set([]byte("k1"), []byte("changed"))
		c.WriteTo(tree)
		hash, _, err := tree.Commit()
		require.NoError(t, err)
		roots = append(roots, hash)

		snap, err := tree.At(2)
		require.NoError(t, err)
		require.Equal(t, []byte("changed"), get(t, snap, "k1"))
		require.Nil(t, get(t, snap, "k3"))
		old, err := tree.At(1)
		require.NoError(t, err)
		require.Equal(t, []byte("vk3"), get(t, old, "k3"))
		_, err = tree.At(3)
		require.ErrorIs(t, err, store.ErrVersionPruned)
		require.NoError(t, tree.Close())
	}
	require.Equal(t, roots[0], roots[1])
}

// A memoizing overlay reads each parent key once (absent keys included),
// its own writes and deletes still win, reads are never flushed as writes,
// and a flush into the parent forgets what it read.
func TestCacheMemoize(t *testing.T) {
	p := newMem("a", "1", "b", "2")
	c := store.NewCache(p).Memoize()
	for i := 0; i < 3; i++ {
		require.Equal(t, []byte("1"), get(t, c, "a"))
		require.Nil(t, get(t, c, "zz"))
	}
	require.Equal(t, 2, p.reads, "each key read from the parent once")

	c.Set([]byte("a"), []byte("10"))
	c.Delete([]byte("b"))
	require.Equal(t, []byte("10"), get(t, c, "a"))
	require.Nil(t, get(t, c, "b"))
	require.Equal(t, 2, p.reads)

	c.WriteTo(p)
	require.Equal(t, []string{"set a=10", "del b"}, p.ops, "only writes are flushed, not memoized reads")
	p.m["zz"] = []byte("3") // the parent changed; the overlay must see it
	require.Equal(t, []byte("3"), get(t, c, "zz"))
	require.Equal(t, []byte("10"), get(t, c, "a"))
	require.Equal(t, 4, p.reads)
}
