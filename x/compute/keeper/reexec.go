package keeper

import (
	"sync"

	"github.com/pingo-chain/pingo/x/compute/kernel"
)

// Re-execution memo. A Reveal's units are re-executed wherever the tx is
// executed: CheckTx when it reaches this node's mempool, every Recheck
// after a commit while it waits, PrepareProposal on the proposer and
// ProcessProposal on every validator — up to four kernel runs per sampled
// unit on one validator, the last of them on the block's critical path.
// kernel.Digest is a pure function of (seed, index), so its result is
// memoized process-wide, like the senders cache memoizes signature
// recovery: the block path then re-executes only units it has not seen
// (a reveal that skipped this node's mempool). A hit returns exactly what
// the computation would, so results — and consensus — never depend on the
// memo's contents, only the time taken does.
//
// Bounded: digestMemoSize entries (~10 MB), evicted oldest first, which
// covers ~100 s of reveals at the 10 reveals/s of k = 64.
const digestMemoSize = 1 << 16

type digestKey struct {
	seed  [32]byte
	index uint64
}

type digestMemo struct {
	mu   sync.Mutex
	m    map[digestKey][32]byte
	ring []digestKey // insertion order, for eviction
	next int
}

var unitDigests = &digestMemo{m: make(map[digestKey][32]byte, digestMemoSize), ring: make([]digestKey, 0, digestMemoSize)}

// unitDigest is kernel.Digest(seed, index), memoized.
func unitDigest(seed [32]byte, index uint64) [32]byte {
	k := digestKey{seed, index}
	unitDigests.mu.Lock()
	d, ok := unitDigests.m[k]
	unitDigests.mu.Unlock()
	if ok {
		return d
	}
	d = kernel.Digest(seed, index) // outside the lock: CheckTx and blocks run concurrently
	unitDigests.put(k, d)
	return d
}

func (c *digestMemo) put(k digestKey, d [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return
	}
	if len(c.ring) < digestMemoSize {
		c.ring = append(c.ring, k)
	} else {
		delete(c.m, c.ring[c.next])
		c.ring[c.next] = k
		c.next = (c.next + 1) % digestMemoSize
	}
	c.m[k] = d
}

// ResetDigestMemo empties the re-execution memo: benchmarks use it to
// measure the cold path (a reveal first seen in a block).
func ResetDigestMemo() {
	unitDigests.mu.Lock()
	defer unitDigests.mu.Unlock()
	clear(unitDigests.m)
	unitDigests.ring = unitDigests.ring[:0]
	unitDigests.next = 0
}
