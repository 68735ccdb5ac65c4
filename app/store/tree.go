package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/cosmos/iavl"
	idb "github.com/cosmos/iavl/db"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// Options tune the tree; zero values take the defaults below.
type Options struct {
	// CacheNodes is IAVL's node cache size (nodes, not bytes). The transfer
	// benchmark needs the upper levels of a million-leaf tree hot: 500k nodes
	// is ~100 MiB.
	CacheNodes int
	// KeepRecent is how many committed versions are kept for queries and
	// proofs; older ones are pruned. 0 keeps everything.
	KeepRecent int64
	// PruneEvery runs pruning once per this many commits, amortising its cost.
	PruneEvery int64
	// FastIndex keeps IAVL's "fast node" index (a second copy of every
	// leaf, keyed by key, for O(1) reads of the latest version). Off by
	// default: see OpenTree.
	FastIndex bool
}

// DefaultOptions suit a validator. The cache must hold the tree's hot
// nodes several times over (every block orphans ~20 per written key): at a
// million accounts, 500k nodes ran 2,650 transfers/s and 8M ran 7,200/s
// (app BenchmarkFinalizeCommit). The LRU fills only as nodes are read, so a
// small state never pays for the size. Keep the last 100k versions.
func DefaultOptions() Options {
	return Options{CacheNodes: 4_000_000, KeepRecent: 100_000, PruneEvery: 100}
}

// Tree is the node's single IAVL tree on goleveldb.
type Tree struct {
	db   *idb.GoLevelDB
	tree *iavl.MutableTree
	opts Options
	// stats counts node-cache hits and misses (atomic counters).
	stats *iavl.Statistics
	// mu orders snapshot reads (query and mempool connections) against the
	// writes of the consensus connection: IAVL's Set clones nodes shared
	// with committed versions (nil-ing their child pointers) and
	// SaveVersion rewrites nodeDB fields that ImmutableTree reads unlocked.
	// Found by app/query_test.go TestQueryConcurrentWithBlocks under -race.
	mu sync.RWMutex
	// saved is the version Save wrote and Commit has not yet marked
	// committed (0: none).
	saved int64
}

// committedKey holds the last version Commit marked committed (uint64 BE),
// beside IAVL's own records ('s' nodes, 'm' metadata, 'f', 'o', 'r'). A
// version above it was saved by FinalizeBlock but never committed: opening
// the tree drops it, so CometBFT replays that block (see Save).
var committedKey = []byte("Pcommitted")

// OpenTree opens (or creates) the tree under dir/application.db and loads the
// latest committed version.
func OpenTree(dir string, o Options) (*Tree, error) {
	if o.CacheNodes == 0 {
		o.CacheNodes = DefaultOptions().CacheNodes
	}
	if o.PruneEvery <= 0 {
		o.PruneEvery = 1
	}
	// IAVL writes every changed path node (hashes and keys: incompressible)
	// each block, so snappy only burns CPU, and small memtables and tables
	// make goleveldb compact constantly: under transfer load, compaction
	// was a quarter of the node's CPU in a profile.
	db, err := idb.NewGoLevelDBWithOpts("application", dir, &opt.Options{
		BlockCacheCapacity:  128 << 20,
		WriteBuffer:         64 << 20,
		CompactionTableSize: 8 << 20,
		Compression:         opt.NoCompression,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Join(dir, "application.db"), err)
	}
	// Without the fast index, reads walk the tree through the node cache
	// (which holds the hot paths anyway, because every write walks them),
	// commits write one record per changed leaf instead of two, and a
	// state-sync restore skips rebuilding the index over every leaf (17 s
	// of a 1M-account restore). App BenchmarkFinalizeCommit/warm, 1M
	// accounts, two interleaved runs each: 4,529 and 5,216 transfers per
	// CPU-second without the index, 4,144 and 4,497 with it; 23% fewer
	// allocations per block.
	stats := &iavl.Statistics{}
	t := iavl.NewMutableTree(db, o.CacheNodes, !o.FastIndex, iavl.NewNopLogger(),
		iavl.FlushThresholdOption(1<<20), iavl.StatOption(stats))
	if _, err := t.Load(); err != nil {
		db.Close()
		return nil, fmt.Errorf("load iavl: %w", err)
	}
	tr := &Tree{db: db, tree: t, opts: o, stats: stats}
	if err := tr.dropUncommitted(); err != nil {
		db.Close()
		return nil, err
	}
	return tr, nil
}

// Get reads the working tree: the last commit plus this block's flushed writes.
func (t *Tree) Get(key []byte) ([]byte, error) { return t.tree.Get(key) }

// Set writes the working tree. Only block execution's final flush calls it.
func (t *Tree) Set(key, value []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, err := t.tree.Set(key, value); err != nil {
		// IAVL only fails Set on nil/empty values, which the overlay never
		// stages; a failure here is a bug, not input.
		panic(fmt.Errorf("iavl set: %w", err))
	}
}

// Delete removes from the working tree.
func (t *Tree) Delete(key []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, _, err := t.tree.Remove(key); err != nil {
		panic(fmt.Errorf("iavl remove: %w", err))
	}
}

// WorkingHash is the AppHash the block being finalized will commit to.
func (t *Tree) WorkingHash() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tree.WorkingHash()
}

// CacheMisses is how many node reads went to LevelDB since the tree opened.
func (t *Tree) CacheMisses() uint64 { return t.stats.GetCacheMissCnt() }

// Version is the last committed version (= block height). It takes the
// read lock: the warm-up goroutine reads it while Commit's SaveVersion
// writes it (race detector, TestDeterminism with warm-up on).
func (t *Tree) Version() int64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.tree.Version()
}

// Hash is the root hash of the last committed version (the empty-tree hash
// before the first commit).
func (t *Tree) Hash() []byte { return t.tree.Hash() }

// Rollback discards uncommitted working changes (a block that was executed
// but will not be committed, e.g. after a failed FinalizeBlock).
func (t *Tree) Rollback() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tree.Rollback()
}

// SetInitialVersion makes the first SaveVersion produce version v, so the
// tree version equals the block height when a chain starts above 1.
func (t *Tree) SetInitialVersion(v int64) { t.tree.SetInitialVersion(uint64(v)) }

// Save writes the working tree as the next version, not yet committed:
// FinalizeBlock calls it, so IAVL's write path runs before CometBFT locks
// the mempool for Commit (CheckTx, and the signature recovery in front of
// it, wait for that lock). The version counts only once Commit marks it;
// a node that stops between the two reopens at the previous version and
// CometBFT replays the block, exactly as if FinalizeBlock had not run.
func (t *Tree) Save() (hash []byte, version int64, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.saved != 0 {
		return nil, 0, fmt.Errorf("iavl save: version %d saved and not committed", t.saved)
	}
	hash, version, err = t.tree.SaveVersion()
	if err != nil {
		return nil, 0, fmt.Errorf("iavl save version: %w", err)
	}
	t.saved = version
	return hash, version, nil
}

// Commit marks the saved version committed — one small record, the moment
// state counts as persisted — then prunes. Without a Save since the last
// Commit it saves the working tree first.
func (t *Tree) Commit() (hash []byte, version int64, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.saved == 0 {
		if _, t.saved, err = t.tree.SaveVersion(); err != nil {
			return nil, 0, fmt.Errorf("iavl save version: %w", err)
		}
	}
	version, hash = t.saved, t.tree.Hash()
	if err := t.markCommitted(version); err != nil {
		return nil, 0, err
	}
	t.saved = 0
	if k := t.opts.KeepRecent; k > 0 && version > k && version%t.opts.PruneEvery == 0 {
		if err := t.tree.DeleteVersionsTo(version - k); err != nil {
			return hash, version, fmt.Errorf("iavl prune to %d: %w", version-k, err)
		}
	}
	return hash, version, nil
}

func (t *Tree) markCommitted(v int64) error {
	if err := t.db.Set(committedKey, binary.BigEndian.AppendUint64(nil, uint64(v))); err != nil {
		return fmt.Errorf("mark version %d committed: %w", v, err)
	}
	return nil
}

// dropUncommitted deletes a version saved but never committed (the node
// stopped between FinalizeBlock and Commit). A database without the
// record predates it and is taken as committed.
func (t *Tree) dropUncommitted() error {
	b, err := t.db.Get(committedKey)
	if err != nil {
		return fmt.Errorf("read committed version: %w", err)
	}
	if len(b) != 8 {
		return nil
	}
	c := int64(binary.BigEndian.Uint64(b))
	if v := t.tree.Version(); v > c {
		if err := t.tree.LoadVersionForOverwriting(c); err != nil {
			return fmt.Errorf("drop uncommitted version %d (committed %d): %w", v, c, err)
		}
	}
	return nil
}

// ErrVersionPruned is returned for reads at a version no longer kept.
var ErrVersionPruned = errors.New("version pruned or not yet committed")

// Snapshot is a read-only view of one committed version, safe to use from
// other goroutines while the working tree executes the next block.
type Snapshot struct {
	t  *iavl.ImmutableTree
	mu *sync.RWMutex
}

// At returns the committed version v.
func (t *Tree) At(v int64) (*Snapshot, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if !t.tree.VersionExists(v) {
		return nil, ErrVersionPruned
	}
	it, err := t.tree.GetImmutable(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrVersionPruned, err)
	}
	return &Snapshot{t: it, mu: &t.mu}, nil
}

// Get reads the snapshot.
func (s *Snapshot) Get(key []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.t.Get(key)
}

// Hash is the snapshot's root hash (the AppHash of that height).
func (s *Snapshot) Hash() []byte { return s.t.Hash() }

// Version is the snapshot's height.
func (s *Snapshot) Version() int64 { return s.t.Version() }

// Proof returns an ICS23 membership proof if key exists, else a
// non-membership proof, against the snapshot's root.
func (s *Snapshot) Proof(key []byte) (*ics23.CommitmentProof, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.t.GetProof(key)
}

// Iterate walks keys in [start, end) ascending; fn returning false stops.
// It holds the read lock throughout, so fn must not call back into the tree.
func (s *Snapshot) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	it, err := s.t.Iterator(start, end, true)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if !fn(it.Key(), it.Value()) {
			break
		}
	}
	return it.Error()
}

// Close releases the database.
func (t *Tree) Close() error { return t.db.Close() }

// LoadVersionForOverwriting drops every version above v and makes v the
// latest, for rollback.
func (t *Tree) LoadVersionForOverwriting(v int64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.tree.LoadVersionForOverwriting(v); err != nil {
		return err
	}
	t.saved = 0
	return t.markCommitted(v)
}

// Size is the number of keys in the working tree.
func (t *Tree) Size() int64 { return t.tree.Size() }
