package store_test

import (
	"testing"

	"github.com/pingo-chain/pingo/app/store"
	"github.com/stretchr/testify/require"
)

// Hot serves a version's values from memory, follows a commit only with
// that commit's writes, and forgets everything on any other version change.
func TestHot(t *testing.T) {
	v5 := newMem("a", "1", "b", "2")
	h := store.NewHot(10)
	r := h.Over(v5, 5)
	require.Equal(t, []byte("1"), get(t, r, "a"))
	require.Nil(t, get(t, r, "zz"))
	require.Equal(t, []byte("1"), get(t, r, "a"))
	require.Nil(t, get(t, r, "zz"))
	require.Equal(t, 2, v5.reads, "second reads are served from the cache, absent keys too")

	// Version 6 wrote a and deleted b; its snapshot is v6.
	h.Advance(5, []store.Write{{Key: []byte("a"), Value: []byte("10")}, {Key: []byte("b")}})
	v6 := newMem("a", "10")
	r6 := h.Over(v6, 6)
	require.Equal(t, []byte("10"), get(t, r6, "a"))
	require.Nil(t, get(t, r6, "b"))
	require.Nil(t, get(t, r6, "zz"))
	require.Zero(t, v6.reads, "the commit's writes and the earlier reads carried over")

	// A reader of the old version never sees (or fills) the new one.
	require.Equal(t, []byte("2"), get(t, r, "b"))

	// A rollback (Over at another version) empties it.
	v4 := newMem("a", "0")
	r4 := h.Over(v4, 4)
	require.Equal(t, []byte("0"), get(t, r4, "a"))
	require.Equal(t, 1, v4.reads)

	// Advancing from a version it does not hold also empties it.
	h.Advance(7, []store.Write{{Key: []byte("a"), Value: []byte("x")}})
	require.Zero(t, h.Len())
	v8 := newMem("a", "8")
	require.Equal(t, []byte("8"), get(t, h.Over(v8, 8), "a"))
}

func TestHotBounded(t *testing.T) {
	p := newMem()
	h := store.NewHot(3)
	r := h.Over(p, 1)
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		get(t, r, k)
	}
	require.Equal(t, 3, h.Len())
	h.Advance(1, []store.Write{{Key: []byte("x"), Value: []byte("1")}})
	require.Zero(t, h.Len(), "a commit that would overflow starts over")
}

// Recorder passes every write through and keeps them in order.
func TestRecorder(t *testing.T) {
	p := newMem("a", "1")
	c := store.NewCache(p)
	c.Set([]byte("b"), []byte("2"))
	c.Delete([]byte("a"))
	rec := &store.Recorder{W: p}
	c.WriteTo(rec)
	require.Equal(t, []string{"del a", "set b=2"}, p.ops)
	require.Equal(t, []store.Write{{Key: []byte("a")}, {Key: []byte("b"), Value: []byte("2")}}, rec.Writes)
}
