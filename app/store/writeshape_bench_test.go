package store

import (
	"encoding/binary"
	"math/rand"
	"runtime"
	"testing"
	"time"
)

// BenchmarkWriteShapes prices the record shapes a block writes, per key,
// in a tree of 50,000 accounts (PINGO_BENCH_ACCOUNTS), 512 keys a block,
// flushed sorted, saved and committed, with a validator's node cache:
//
//   - random-update: an existing account rewritten (a transfer's side);
//   - random-insert: a new 34-byte key at a random place (a spent
//     attestation id);
//   - sequential-insert: new keys at the end of an id range with
//     1,300-byte values (a block's receipts);
//   - sequential-rewrite: blocks alternate between inserting a range
//     and rewriting the previous block's (a receipt's attest, then its
//     PASS), so half its keys are rewrites.
//
// x/compute/README.md §Performance uses the ratios to say which of an
// attestation's records are worth removing.
//
//	go test -run '^$' -bench WriteShapes -benchtime 60x ./app/store/
func BenchmarkWriteShapes(b *testing.B) {
	const perBlock = 512
	n := BenchAccounts(b, 50_000)
	for _, shape := range []string{"random-update", "random-insert", "sequential-insert", "sequential-rewrite"} {
		b.Run(shape, func(b *testing.B) {
			tr, err := OpenTree(b.TempDir(), Options{CacheNodes: DefaultOptions().CacheNodes})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			FillAccounts(b, tr, n, n)
			rng := rand.New(rand.NewSource(1))
			next := uint64(0) // next receipt id
			keys := make([][]byte, perBlock)
			vals := make([][]byte, perBlock)
			rewrite := false
			block := func() {
				base := next
				if shape == "sequential-rewrite" && rewrite {
					base = next - perBlock // the previous block's receipts
				}
				for j := range keys {
					switch shape {
					case "random-update":
						keys[j], vals[j] = BenchAccountKey(rng.Intn(n)), make([]byte, 40)
						binary.BigEndian.PutUint64(vals[j], rng.Uint64())
					case "random-insert":
						k := make([]byte, 34)
						k[0], k[1] = 0x05, 0x08
						rng.Read(k[2:])
						keys[j], vals[j] = k, make([]byte, 8)
					default:
						k := make([]byte, 10)
						k[0], k[1] = 0x05, 0x06
						binary.BigEndian.PutUint64(k[2:], base+uint64(j))
						keys[j], vals[j] = k, make([]byte, 1300)
						rng.Read(vals[j][:32])
					}
				}
				if base == next && shape != "random-update" && shape != "random-insert" {
					next += perBlock
				}
				rewrite = !rewrite
				writeBlock(b, tr, keys, vals)
			}
			for i := 0; i < 20; i++ {
				block()
			}
			runtime.GC()
			cpu0, t0 := cpuTime(), time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				block()
			}
			b.StopTimer()
			keysDone := float64(b.N * perBlock)
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/keysDone, "cpu-us/key")
			b.ReportMetric(float64(time.Since(t0).Microseconds())/keysDone, "wall-us/key")
		})
	}
}
