package store

import "sync"

// Hot remembers values of the latest committed version that CheckTx has
// read or a block has written, so the mempool connection — which CometBFT
// serialises, and which rechecks every pending tx after each block — reads
// an account from a map instead of descending the IAVL tree (two descents
// were two thirds of a recheck's time in BenchmarkCheckTx).
//
// It is tied to one version: Advance moves it to the next only from the
// version it holds, with exactly that block's writes; anything else (a
// rollback, a state-sync restore, a missed commit) empties it. It is never
// read by block execution or queries, so a bug here can cost a wrong
// mempool verdict, never an AppHash.
type Hot struct {
	mu      sync.RWMutex
	version int64
	m       map[string][]byte // nil value = absent
	max     int
}

// NewHot holds at most max entries; when full it starts over.
func NewHot(max int) *Hot { return &Hot{m: make(map[string][]byte), max: max} }

// Over reads snap (which must be version v) through the cache. If the
// cache holds another version it is emptied and rebased on v.
func (h *Hot) Over(snap Reader, v int64) Reader {
	h.mu.Lock()
	if h.version != v {
		clear(h.m)
		h.version = v
	}
	h.mu.Unlock()
	return &hotReader{h: h, parent: snap, version: v}
}

// Advance records that version from+1 was committed with writes (key →
// value, nil = deleted). Called by Commit before CheckTx resumes.
func (h *Hot) Advance(from int64, writes []Write) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.version != from || len(h.m)+len(writes) > h.max {
		clear(h.m)
		h.version = from + 1
		return
	}
	for _, w := range writes {
		h.m[string(w.Key)] = w.Value
	}
	h.version = from + 1
}

// Len is the number of cached keys (for tests and metrics).
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
	ok = ok && h.version == r.version
	h.mu.RUnlock()
	if ok {
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
