// Package store is the application's view of state: one IAVL tree on disk
// (tree.go) and write-back overlays on top of it (this file). Execution never
// writes the tree directly; it writes an overlay, and the overlay is flushed
// in sorted key order, because IAVL's shape — and so the AppHash — depends on
// insertion order.
package store

import (
	"sort"
	"sync"
)

// Reader is the read side every layer offers.
type Reader interface {
	Get(key []byte) ([]byte, error)
}

// KV is what keepers use: reads fall through overlays to the tree; writes stay
// in the innermost overlay until it is written back.
type KV interface {
	Reader
	Set(key, value []byte)
	Delete(key []byte)
}

// Writer receives an overlay's changes on Write.
type Writer interface {
	Set(key, value []byte)
	Delete(key []byte)
}

type entry struct {
	value   []byte
	deleted bool
	// owned: value's backing array was allocated by Append in this chain
	// of overlays and was never handed to the tree, so bytes past its
	// length are nobody else's and Append may extend it in place.
	owned bool
}

// Cache is a write-back overlay. It is not safe for concurrent use: each
// execution context (a tx, a block, a CheckTx state) owns its own.
type Cache struct {
	parent Reader
	dirty  map[string]entry
	// reads remembers parent values (nil = absent) when memoizing; see
	// Memoize.
	reads map[string][]byte
	// sides holds typed values staged beside the writes (see Side).
	sides map[string]Merger
}

// Merger is a typed value a tx stages for its block's end beside its
// key-value writes (x/compute's contributor credits): it travels with the
// writes — merged into the parent overlay by Write, dropped by Discard and
// Release — so a failed tx leaves none behind.
//
// MergeFrom folds src, a value of the same kind staged by a child overlay
// being written into this one, after the receiver's entries. (An alias of
// an unnamed interface, so modules name it without importing this
// package.)
type Merger = interface{ MergeFrom(src any) }

// Side returns this overlay's value named name, creating it with mk when
// the overlay has none yet. A block hook takes the block's merged value
// with TakeSide; WriteTo refuses an overlay whose sides were not taken.
func (c *Cache) Side(name string, mk func() Merger) Merger {
	if v, ok := c.sides[name]; ok {
		return v
	}
	if c.sides == nil {
		c.sides = make(map[string]Merger, 1)
	}
	v := mk()
	c.sides[name] = v
	return v
}

// TakeSide removes and returns this overlay's value named name (nil if
// none): the block's end consumes what its txs staged.
func (c *Cache) TakeSide(name string) Merger {
	v := c.sides[name]
	delete(c.sides, name)
	return v
}

// NewCache layers a fresh overlay over parent.
func NewCache(parent Reader) *Cache {
	return &Cache{parent: parent, dirty: make(map[string]entry, 4)}
}

// Memoize makes c remember what it reads from its parent, so a key read
// again in the same block costs a map lookup instead of an IAVL descent:
// an attestation reads 16 contributors' accounts and NFTs, and the same
// contributors recur across a block. Only for overlays whose parent cannot
// change while they live — a block's overlay over the tree, CheckTx's over a
// committed snapshot; WriteTo, which changes the parent, forgets them.
func (c *Cache) Memoize() *Cache {
	c.reads = make(map[string][]byte)
	return c
}

// Get returns the overlay's value or falls through to the parent.
// A nil value means absent. Callers must not modify the returned slice.
func (c *Cache) Get(key []byte) ([]byte, error) {
	if e, ok := c.dirty[string(key)]; ok {
		if e.deleted {
			return nil, nil
		}
		return e.value, nil
	}
	if c.reads == nil {
		return c.parent.Get(key)
	}
	if v, ok := c.reads[string(key)]; ok {
		return v, nil
	}
	v, err := c.parent.Get(key)
	if err == nil {
		c.reads[string(key)] = v
	}
	return v, err
}

// lookup is Get that also says whether the value's buffer is owned (see
// entry.owned): only entries staged by Append in this overlay or in a
// parent overlay are.
func (c *Cache) lookup(key []byte) ([]byte, bool, error) {
	if e, ok := c.dirty[string(key)]; ok {
		if e.deleted {
			return nil, false, nil
		}
		return e.value, e.owned, nil
	}
	if p, ok := c.parent.(*Cache); ok && c.reads == nil {
		return p.lookup(key)
	}
	v, err := c.Get(key)
	return v, false, err
}

// Append stages key's value extended by suffix, provided the value is now
// wantLen bytes long (else it returns false and stages nothing; wantLen -1
// takes any length). capHint is the buffer size to allocate (0: double).
// Append-only records (x/compute's list pages, rewritten on every receipt
// of every contributor) then cost no copy of the whole value: the first
// Append of a block copies it into a buffer of capacity capHint owned by
// the block's overlays, and later ones extend that buffer in place. This
// is safe because execution is sequential and holders of an earlier
// value only ever see its first len bytes; a discarded tx's bytes past
// that length are simply overwritten by the next Append. Values read from
// the tree, and so anything flushed by a commit, are never owned.
func (c *Cache) Append(key, suffix []byte, wantLen, capHint int) (bool, error) {
	v, owned, err := c.lookup(key)
	if err != nil {
		return false, err
	}
	if wantLen >= 0 && len(v) != wantLen {
		return false, nil
	}
	if !owned || cap(v)-len(v) < len(suffix) {
		need := len(v) + len(suffix)
		if capHint <= 0 {
			capHint = 2 * need
		}
		nv := make([]byte, len(v), max(capHint, need))
		copy(nv, v)
		v = nv
	}
	c.dirty[string(key)] = entry{value: append(v, suffix...), owned: true}
	return true, nil
}

// Set stages a write. The caller must not mutate value afterwards.
func (c *Cache) Set(key, value []byte) {
	c.dirty[string(key)] = entry{value: value}
}

// Delete stages a removal.
func (c *Cache) Delete(key []byte) {
	c.dirty[string(key)] = entry{deleted: true}
}

// Len is the number of staged keys.
func (c *Cache) Len() int { return len(c.dirty) }

// WriteTo applies the staged changes to w in ascending key order and clears
// the overlay. The order is what makes a flush into IAVL deterministic.
// It panics on a side value nobody took (Side): that would be staged
// state — contributor credits — silently lost.
func (c *Cache) WriteTo(w Writer) {
	for name := range c.sides {
		panic("store: side value " + name + " not taken before the flush")
	}
	keys := make([]string, 0, len(c.dirty))
	for k := range c.dirty {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e := c.dirty[k]
		if e.deleted {
			w.Delete([]byte(k))
		} else {
			w.Set([]byte(k), e.value)
		}
	}
	clear(c.dirty)
	clear(c.reads)
}

// Write flushes into the parent, which must itself be a Writer (a Cache).
// Into a parent Cache the changes are merged without sorting: a map holds
// the same entries whatever order they arrive in, and the parent sorts
// once when it is itself written to the tree. A tx overlay of a receipt's
// settlement stages ~70 keys, and sorting them per tx was a tenth of it.
func (c *Cache) Write() {
	p, ok := c.parent.(*Cache)
	if !ok {
		c.WriteTo(c.parent.(Writer))
		return
	}
	for k, e := range c.dirty {
		p.dirty[k] = e
	}
	// Sorted names: a map's order must not decide the merge order (today
	// there is one name).
	names := make([]string, 0, len(c.sides))
	for name := range c.sides {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := c.sides[name]
		if pv, ok := p.sides[name]; ok {
			pv.MergeFrom(v)
		} else {
			if p.sides == nil {
				p.sides = make(map[string]Merger, 1)
			}
			p.sides[name] = v
		}
	}
	clear(c.sides)
	clear(c.dirty)
	clear(c.reads)
}

// Discard drops the staged changes (and side values).
func (c *Cache) Discard() {
	clear(c.dirty)
	clear(c.sides)
}

// txCaches recycles tx overlays: a cleared map keeps its buckets, so a
// settlement's ~70 staged keys no longer regrow a fresh map from 4 entries
// (five rehashes) in every tx. Reuse changes no result: Release clears
// everything the overlay held.
var txCaches = sync.Pool{New: func() any { return &Cache{dirty: make(map[string]entry, 64)} }}

// AcquireCache is NewCache from a pool of recycled overlays (not
// memoizing). Pair it with Release once the overlay is written or dropped.
func AcquireCache(parent Reader) *Cache {
	c := txCaches.Get().(*Cache)
	c.parent = parent
	return c
}

// Release clears c and returns it to the pool; c must not be used after.
// (sync.Pool drops idle overlays at garbage collection, so one that grew
// large for a big tx does not stay pinned.)
func (c *Cache) Release() {
	clear(c.dirty)
	clear(c.sides)
	c.parent, c.reads = nil, nil
	txCaches.Put(c)
}

// Keys returns the staged keys in ascending order (for tests and events).
func (c *Cache) Keys() []string {
	keys := make([]string, 0, len(c.dirty))
	for k := range c.dirty {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// frozen is an immutable copy of an overlay's writes.
type frozen map[string][]byte

func (f frozen) Get(key []byte) ([]byte, error) { return f[string(key)], nil }

// Freeze copies c's staged writes into a read-only Reader (deletions are
// dropped: used for genesis, which only sets).
func Freeze(c *Cache) Reader {
	f := make(frozen, len(c.dirty))
	for k, e := range c.dirty {
		if !e.deleted {
			f[k] = e.value
		}
	}
	return f
}
