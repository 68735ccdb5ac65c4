package store

import "sync"

// Hot is a flat index of the latest committed version: key → value, read
// by block execution and by CheckTx instead of descending the IAVL tree. A
// descent of a million-leaf tree is ~20 node-cache lookups, each a locked
// LRU map access and list move (nodeDB.GetNode): in a CPU profile of a
// node at transfer saturation they were a quarter of the node's CPU, split
// between CheckTx, block execution's account reads and IAVL's own Set. An
// index hit is one map lookup.
//
// It is tied to one version: Advance moves it to the next only from the
// version it holds, with exactly that block's writes; anything else (a
// rollback, a state-sync restore, a missed commit) empties it, and Reset
// empties it explicitly. It fills from three sources, each of which is
// exactly the committed bytes: the writes of every commit (and of genesis),
// values read from the tree on a miss, and the start-up walk of the tree
// (Tree.Warm). Its size is bounded: when full, new keys are simply not
// added (reads of them fall back to the tree), while keys it holds keep
// being updated by every commit. The index holds what the tree holds or
// nothing; app/store/hot_test.go checks every read against the tree.
//
// Complete: an index that has followed the chain from the empty version 0
// (genesis's writes arrive with the first commit) and never dropped a key
// holds every key of its version, so a miss means absent and the tree is
// not descended. That descent was ~16% of an attest block's labelled CPU
// (each Attest looks up its unused attestation id to refuse a replay): an
// absent key walks the whole depth, mostly through node-cache misses. Any
// drop (the bound reached), version change it did not follow, or Reset
// ends it for good; a restarted node (index rebuilt by the warm-up walk)
// does not claim it.
type Hot struct {
	mu       sync.RWMutex
	version  int64
	m        map[string][]byte // nil value = absent
	max      int
	complete bool // m holds every key of version (only meaningful above 0)
}

// NewHot holds at most max entries (0: the index is off, every read goes to
// the tree). It starts complete: version 0 is the empty tree.
func NewHot(max int) *Hot { return &Hot{m: make(map[string][]byte), max: max, complete: true} }

// Over reads r (which must hold exactly version v's state: a committed
// snapshot, or the working tree while no write of the next block has been
// flushed into it) through the index. If the index holds another version
// it is emptied and rebased on v.
func (h *Hot) Over(r Reader, v int64) Reader {
	if h.max <= 0 {
		return r
	}
	h.mu.Lock()
	if h.version != v {
		clear(h.m)
		h.version = v
		h.complete = false
	}
	h.mu.Unlock()
	return &hotReader{h: h, parent: r, version: v}
}

// Advance records that version from+1 was committed with writes (key →
// value, nil = deleted), in the order they were applied. Called by Commit
// before CheckTx and the next block read again.
func (h *Hot) Advance(from int64, writes []Write) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.version != from {
		clear(h.m)
		h.version = from + 1
		h.complete = false
		return
	}
	if len(h.m) == 0 && len(writes) > 1024 {
		// Genesis's commit: a million records at once; sized up front
		// instead of growing through every doubling.
		h.m = make(map[string][]byte, min(len(writes), h.max))
	}
	for _, w := range writes {
		k := string(w.Key)
		if _, ok := h.m[k]; ok || len(h.m) < h.max {
			h.m[k] = w.Value
		} else {
			h.complete = false
		}
	}
	h.version = from + 1
}

// Fill adds key → value pairs read from committed version v (the start-up
// walk), keeping entries it already holds; it returns false once the
// index is full or holds another version (a block was committed since the
// walk's snapshot: its values may be stale, so nothing is added).
func (h *Hot) Fill(v int64, kvs []Write) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.version != v {
		return false
	}
	for _, w := range kvs {
		if len(h.m) >= h.max {
			return false
		}
		k := string(w.Key)
		if _, ok := h.m[k]; !ok {
			h.m[k] = w.Value
		}
	}
	return len(h.m) < h.max
}

// Room is how many more entries the index takes.
func (h *Hot) Room() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.max - len(h.m)
}

// Reset empties the index and detaches it from any version: the tree was
// replaced underneath (rollback, state-sync restore).
func (h *Hot) Reset() {
	h.mu.Lock()
	clear(h.m)
	h.version = -1
	h.complete = false
	h.mu.Unlock()
}

// Complete reports whether the index holds every key of its version (a
// miss is an absent key; for tests and metrics).
func (h *Hot) Complete() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.complete && h.version > 0
}

// Len is the number of indexed keys (for tests and metrics).
func (h *Hot) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.m)
}

type hotReader struct {
	h       *Hot
	parent  Reader
	version int64
}

func (r *hotReader) Get(key []byte) ([]byte, error) {
	h := r.h
	h.mu.RLock()
	v, ok := h.m[string(key)]
	same := h.version == r.version
	absent := !ok && same && h.complete && h.version > 0
	ok = ok && same
	h.mu.RUnlock()
	if ok || absent {
		return v, nil
	}
	v, err := r.parent.Get(key)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	if h.version == r.version && len(h.m) < h.max {
		h.m[string(key)] = v
	}
	h.mu.Unlock()
	return v, nil
}

// Write is one change of a flushed overlay.
type Write struct {
	Key, Value []byte // Value nil: deleted
}

// Recorder passes writes to W and remembers them.
type Recorder struct {
	W      Writer
	Writes []Write
}

func (r *Recorder) Set(key, value []byte) {
	r.W.Set(key, value)
	r.Writes = append(r.Writes, Write{Key: key, Value: value})
}

func (r *Recorder) Delete(key []byte) {
	r.W.Delete(key)
	r.Writes = append(r.Writes, Write{Key: key})
}
