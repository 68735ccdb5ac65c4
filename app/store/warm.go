package store

// Warm loads every node of the last committed version into IAVL's node
// cache, so the blocks after a restart do not read their paths from
// LevelDB one by one. In a CPU profile of a restarted 1M-account node under
// transfer load, nodeDB reads from LevelDB (cache misses) were most of
// CheckTx, of FinalizeBlock's flush and of the block's execution; a node
// that ran genesis in-process has them cached already (IAVL caches the
// nodes it saves).
//
// It only reads, through the node cache every reader shares, so it may run
// beside block execution; it walks the leaves in chunks of warmChunk, each
// under the tree's read lock, so a block's flush waits at most one chunk.
// It skips a tree whose nodes (≈ 2 × leaves) would not fit the cache: it
// would only evict the hot nodes it competes with.

const warmChunk = 4096

// Warm returns the leaves it walked (0 when skipped); it stops early, with
// what it did so far, when stop is closed.
func (t *Tree) Warm(stop <-chan struct{}) (int64, error) {
	v := t.Version()
	if v == 0 {
		return 0, nil
	}
	snap, err := t.At(v)
	if err != nil {
		return 0, err
	}
	if 2*snap.t.Size() > int64(t.opts.CacheNodes) {
		return 0, nil
	}
	var n int64
	var start []byte
	for {
		select {
		case <-stop:
			return n, nil
		default:
		}
		var last []byte
		chunk := 0
		t.mu.RLock()
		stopped := snap.t.IterateRange(start, nil, true, func(k, _ []byte) bool {
			chunk++
			last = k
			return chunk >= warmChunk
		})
		t.mu.RUnlock()
		n += int64(chunk)
		if !stopped {
			return n, nil
		}
		start = append(append(make([]byte, 0, len(last)+1), last...), 0)
	}
}
