package store

// Warm loads the last committed version into memory after a restart: every
// node into IAVL's node cache, and every key → value into the latest-state
// index h (Hot), so the blocks after a restart neither read their paths
// from LevelDB one by one nor descend the tree for their reads. In a CPU
// profile of a restarted 1M-account node under transfer load, nodeDB reads
// from LevelDB (cache misses) were most of CheckTx, of FinalizeBlock's
// flush and of the block's execution; a node that ran genesis in-process
// has them cached already (IAVL caches the nodes it saves, and genesis's
// writes enter the index at the first commit).
//
// It only reads, through the node cache every reader shares, so it may run
// beside block execution; it walks the leaves in chunks of warmChunk, each
// under the tree's read lock, so a block's flush waits at most one chunk.
// It walks when the tree's nodes (≈ 2 × leaves) fit the node cache, or the
// index has room; when only the index does, it stops once the index is full
// (walking further would only evict the hot nodes it competes with). It
// also stops once a block has been committed since its snapshot: the index
// then holds a newer version, and the walk's values may be stale.

const warmChunk = 4096

// Warm returns the leaves it walked (0 when skipped); it stops early, with
// what it did so far, when stop is closed. h may be nil.
func (t *Tree) Warm(stop <-chan struct{}, h *Hot) (int64, error) {
	v := t.Version()
	if v == 0 {
		return 0, nil
	}
	snap, err := t.At(v)
	if err != nil {
		return 0, err
	}
	fitsCache := 2*snap.t.Size() <= int64(t.opts.CacheNodes)
	fill := h != nil && h.Room() > 0
	if !fitsCache && !fill {
		return 0, nil
	}
	var n int64
	var start []byte
	kvs := make([]Write, 0, warmChunk)
	for {
		select {
		case <-stop:
			return n, nil
		default:
		}
		var last []byte
		kvs = kvs[:0]
		t.mu.RLock()
		stopped := snap.t.IterateRange(start, nil, true, func(k, val []byte) bool {
			kvs = append(kvs, Write{Key: k, Value: val})
			last = k
			return len(kvs) >= warmChunk
		})
		t.mu.RUnlock()
		n += int64(len(kvs))
		if fill {
			// Outside the tree's lock: Hot's readers take its lock, then
			// the tree's, never both at once.
			fill = h.Fill(v, kvs)
			if !fill && !fitsCache {
				return n, nil
			}
		}
		if !stopped {
			return n, nil
		}
		start = append(append(make([]byte, 0, len(last)+1), last...), 0)
	}
}
