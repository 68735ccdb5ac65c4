package store_test

import (
	"bytes"
	"testing"

	"github.com/pingo-chain/pingo/app/store"
)

// BenchmarkSnapshotRestore exports a committed tree of N accounts (40-byte
// values under 22-byte keys, the auth layout) into the snapshot stream and
// imports it into an empty tree on disk, as state sync does. N defaults to
// 200,000; PINGO_BENCH_ACCOUNTS=1000000 is the scale.
func BenchmarkSnapshotRestore(b *testing.B) {
	n := store.BenchAccounts(b, 200_000)
	src, err := store.OpenTree(b.TempDir(), store.Options{CacheNodes: 100_000})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	store.FillAccounts(b, src, n, 100_000)
	v := src.Version()
	var stream bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		stream.Reset()
		b.StartTimer()
		nodes, err := src.ExportTo(v, &stream)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(nodes), "nodes")
		b.StopTimer()
		dst, err := store.OpenTree(b.TempDir(), store.Options{CacheNodes: 100_000})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		imp, err := dst.NewImporter(v)
		if err != nil {
			b.Fatal(err)
		}
		data := stream.Bytes()
		for len(data) > 0 { // 4 MiB pieces, like chunks
			c := min(len(data), 4<<20)
			if err := imp.Write(data[:c]); err != nil {
				b.Fatal(err)
			}
			data = data[c:]
		}
		if err := imp.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if !bytes.Equal(dst.Hash(), src.Hash()) {
			b.Fatalf("restored hash %X != %X", dst.Hash(), src.Hash())
		}
		dst.Close()
		b.StartTimer()
	}
}
