// Package store is the application's view of state: one IAVL tree on disk
// (tree.go) and write-back overlays on top of it (this file). Execution never
// writes the tree directly; it writes an overlay, and the overlay is flushed
// in sorted key order, because IAVL's shape — and so the AppHash — depends on
// insertion order.
package store

import (
	"sort"
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
}

// Cache is a write-back overlay. It is not safe for concurrent use: each
// execution context (a tx, a block, a CheckTx state) owns its own.
type Cache struct {
	parent Reader
	dirty  map[string]entry
	// reads remembers parent values (nil = absent) when memoizing; see
	// Memoize.
	reads map[string][]byte
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
func (c *Cache) WriteTo(w Writer) {
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
func (c *Cache) Write() {
	c.WriteTo(c.parent.(Writer))
}

// Discard drops the staged changes.
func (c *Cache) Discard() { clear(c.dirty) }

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
