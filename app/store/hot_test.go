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

// A full index adds no new key, but keeps the keys it holds up to date
// with every commit; reads of the others fall back to the parent.
func TestHotBounded(t *testing.T) {
	p := newMem("a", "1", "e", "5")
	h := store.NewHot(3)
	r := h.Over(p, 1)
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		get(t, r, k)
	}
	require.Equal(t, 3, h.Len())
	h.Advance(1, []store.Write{{Key: []byte("a"), Value: []byte("2")}, {Key: []byte("x"), Value: []byte("1")}, {Key: []byte("e"), Value: []byte("6")}})
	require.Equal(t, 3, h.Len(), "a full index takes no new key")
	p2 := newMem("a", "2", "x", "1", "e", "6")
	r2 := h.Over(p2, 2)
	require.Equal(t, []byte("2"), get(t, r2, "a"))
	require.Zero(t, p2.reads, "a held key follows the commit")
	require.Equal(t, []byte("1"), get(t, r2, "x"))
	require.Equal(t, []byte("6"), get(t, r2, "e"))
	require.Equal(t, 2, p2.reads, "keys it could not take come from the parent")

	// Off: reads go straight to the parent.
	off := store.NewHot(0)
	p3 := newMem("a", "1")
	r3 := off.Over(p3, 1)
	get(t, r3, "a")
	get(t, r3, "a")
	require.Equal(t, 2, p3.reads)
	require.Zero(t, off.Len())
}

// Fill adds only to the version it holds, keeps held entries, and stops at
// the bound; Reset detaches the index from every version.
func TestHotFillReset(t *testing.T) {
	h := store.NewHot(3)
	p := newMem("a", "1")
	r := h.Over(p, 4)
	require.Equal(t, []byte("1"), get(t, r, "a"))
	require.False(t, h.Fill(3, []store.Write{{Key: []byte("b"), Value: []byte("old")}}), "another version")
	require.Equal(t, 1, h.Len())
	require.True(t, h.Fill(4, []store.Write{{Key: []byte("a"), Value: []byte("ignored")}, {Key: []byte("b"), Value: []byte("2")}}))
	require.False(t, h.Fill(4, []store.Write{{Key: []byte("c"), Value: []byte("3")}, {Key: []byte("d"), Value: []byte("4")}}), "full")
	require.Equal(t, 3, h.Len())
	require.Equal(t, 0, h.Room())
	require.Equal(t, []byte("1"), get(t, r, "a"), "held entries are kept")
	require.Equal(t, []byte("2"), get(t, r, "b"))
	require.Equal(t, 1, p.reads)

	h.Reset()
	require.Zero(t, h.Len())
	require.Equal(t, []byte("1"), get(t, r, "a"), "a reader of the old version falls back")
	require.Zero(t, h.Len(), "and no longer fills it")
	h.Advance(4, []store.Write{{Key: []byte("a"), Value: []byte("x")}})
	require.Zero(t, h.Len(), "nor does a commit from the old version")
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

// An index that followed the chain from the empty version 0 holds every
// key: a miss is an absent key, answered without reading the parent. It
// stops claiming that once it drops a key (full), follows a version it
// did not see committed, or is reset — and then reads the parent again.
func TestHotComplete(t *testing.T) {
	h := store.NewHot(3)
	require.False(t, h.Complete(), "version 0 is never served as complete")
	h.Advance(0, []store.Write{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: []byte("2")}})
	require.True(t, h.Complete())
	p := newMem("a", "1", "b", "2")
	r := h.Over(p, 1)
	require.Equal(t, []byte("1"), get(t, r, "a"))
	require.Nil(t, get(t, r, "zz"))
	require.Nil(t, get(t, r, "zz"))
	require.Zero(t, p.reads, "absent keys are not looked up")

	// A deletion keeps it complete; a reader of another version does not
	// use it.
	h.Advance(1, []store.Write{{Key: []byte("b")}})
	require.True(t, h.Complete())
	p2 := newMem("a", "1")
	r2 := h.Over(p2, 2)
	require.Nil(t, get(t, r2, "b"))
	require.Nil(t, get(t, r2, "c"))
	require.Zero(t, p2.reads)
	require.Equal(t, []byte("2"), get(t, r, "b"), "the old version's reader falls back to its parent")
	require.Equal(t, 1, p.reads)

	// Full (a, b held as deleted, c): d is dropped, so a miss may be a
	// present key from now on.
	h.Advance(2, []store.Write{{Key: []byte("c"), Value: []byte("3")}, {Key: []byte("d"), Value: []byte("4")}})
	require.False(t, h.Complete())
	p3 := newMem("a", "1", "c", "3", "d", "4")
	r3 := h.Over(p3, 3)
	require.Equal(t, []byte("4"), get(t, r3, "d"))
	require.Nil(t, get(t, r3, "zz"))
	require.Equal(t, 2, p3.reads)

	// Never again, even with room: the dropped key is unknown.
	h.Advance(3, []store.Write{{Key: []byte("a")}})
	require.False(t, h.Complete())

	for _, c := range []struct {
		name string
		lose func(h *store.Hot)
	}{
		{"another version", func(h *store.Hot) { h.Over(newMem(), 7) }},
		{"a missed commit", func(h *store.Hot) { h.Advance(5, nil) }},
		{"reset", func(h *store.Hot) { h.Reset() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := store.NewHot(10)
			h.Advance(0, []store.Write{{Key: []byte("a"), Value: []byte("1")}})
			require.True(t, h.Complete())
			c.lose(h)
			require.False(t, h.Complete())
		})
	}
}
