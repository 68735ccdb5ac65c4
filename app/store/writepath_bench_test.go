package store

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTransferWrites is the state store's floor for issue #2: only the
// IAVL work a block of transfers cannot avoid — two account records (22-byte
// keys, 40-byte values, the auth layout) rewritten per transfer in a tree of
// N accounts (default 1,000,000; PINGO_BENCH_ACCOUNTS), flushed in sorted
// order, saved and committed — with no decoding, signatures, execution,
// CometBFT or RPC. The node cache holds the whole tree (app.toml's
// iavl-cache-nodes for one validator: 4,000,000), so no read goes to disk.
// It reports process CPU per transfer, which includes LevelDB's background
// compaction, and the wall-clock time per transfer of the block path.
//
//	go test -run '^$' -bench TransferWrites -benchtime 20x ./app/store/
func BenchmarkTransferWrites(b *testing.B) {
	n := BenchAccounts(b, 1_000_000)
	tr, err := OpenTree(b.TempDir(), Options{CacheNodes: 4_000_000})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	FillAccounts(b, tr, n, 200_000)
	for _, per := range []int{1_000, 2_500, 10_000} {
		b.Run(fmt.Sprintf("transfers=%d", per), func(b *testing.B) {
			rng := rand.New(rand.NewSource(int64(per)))
			keys := make([][]byte, 0, 2*per)
			vals := make([][]byte, 0, 2*per)
			// Warm-up blocks (not timed) so every size starts from the
			// same steady state of cache and LevelDB.
			block := func() {
				keys, vals = keys[:0], vals[:0]
				for j := 0; j < 2*per; j++ {
					v := make([]byte, 40)
					binary.BigEndian.PutUint64(v[32:], rng.Uint64())
					keys = append(keys, BenchAccountKey(rng.Intn(n)))
					vals = append(vals, v)
				}
				writeBlock(b, tr, keys, vals)
			}
			for i := 0; i < 3; i++ {
				block()
			}
			// Each size starts without compaction debt from the load or an
			// earlier size (its own compactions are counted) and on a
			// collected heap.
			if err := tr.db.ForceCompact(nil, nil); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			cpu0 := cpuTime()
			b.ResetTimer()
			t0 := time.Now()
			for i := 0; i < b.N; i++ {
				block()
			}
			wall := time.Since(t0)
			b.StopTimer()
			txs := float64(b.N * per)
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/txs, "cpu-us/transfer")
			b.ReportMetric(float64(wall.Microseconds())/txs, "wall-us/transfer")
		})
	}
}

// writeBlock writes keys and vals as a block does: sorted, then saved and
// committed.
func writeBlock(b *testing.B, tr *Tree, keys, vals [][]byte) {
	sortKV(keys, vals)
	for j := range keys {
		tr.Set(keys[j], vals[j])
	}
	if _, _, err := tr.Save(); err != nil {
		b.Fatal(err)
	}
	if _, _, err := tr.Commit(); err != nil {
		b.Fatal(err)
	}
}

// sortKV sorts keys (and vals with them) ascending, as the block's flush does.
func sortKV(keys, vals [][]byte) {
	type kv struct{ k, v []byte }
	p := make([]kv, len(keys))
	for i := range p {
		p[i] = kv{keys[i], vals[i]}
	}
	sort.Slice(p, func(a, b int) bool { return string(p[a].k) < string(p[b].k) })
	for i := range p {
		keys[i], vals[i] = p[i].k, p[i].v
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
