package store_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"strconv"
	"testing"

	"github.com/pingo-chain/pingo/app/store"
)

// BenchmarkSnapshotRestore exports a committed tree of N accounts (40-byte
// values under 22-byte keys, the auth layout) into the snapshot stream and
// imports it into an empty tree on disk, as state sync does. N defaults to
// 200,000; PINGO_BENCH_ACCOUNTS=1000000 is the scale.
func BenchmarkSnapshotRestore(b *testing.B) {
	n := 200_000
	if v := os.Getenv("PINGO_BENCH_ACCOUNTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	src, err := store.OpenTree(b.TempDir(), store.Options{CacheNodes: 100_000})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	key := make([]byte, 22)
	key[0], key[1] = 0x01, 0x01
	val := make([]byte, 40)
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint64(key[14:], uint64(i)*0x9E3779B97F4A7C15) // spread like hashes
		binary.BigEndian.PutUint64(val[32:], uint64(i))
		src.Set(append([]byte(nil), key...), append([]byte(nil), val...))
		if i%100_000 == 99_999 {
			if _, _, err := src.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, _, err := src.Commit(); err != nil {
		b.Fatal(err)
	}
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
