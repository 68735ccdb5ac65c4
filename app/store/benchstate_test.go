package store

import (
	"encoding/binary"
	"os"
	"strconv"
	"testing"
)

// Shared by the store's benchmarks (this package's and store_test's):
// a state of n accounts in the auth layout, 22-byte keys and 40-byte values.

// BenchAccounts is PINGO_BENCH_ACCOUNTS, or def.
func BenchAccounts(b *testing.B, def int) int {
	v := os.Getenv("PINGO_BENCH_ACCOUNTS")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchAccountKey is account i's key, spread over the key space like
// addresses.
func BenchAccountKey(i int) []byte {
	k := make([]byte, 22)
	k[0], k[1] = 0x01, 0x01
	binary.BigEndian.PutUint64(k[14:], uint64(i)*0x9E3779B97F4A7C15)
	return k
}

// FillAccounts writes accounts 0..n-1 into t, committing every `every`
// accounts and at the end.
func FillAccounts(b *testing.B, t *Tree, n, every int) {
	for i := 0; i < n; i++ {
		val := make([]byte, 40)
		binary.BigEndian.PutUint64(val[32:], uint64(i))
		t.Set(BenchAccountKey(i), val)
		if i%every == every-1 {
			if _, _, err := t.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, _, err := t.Commit(); err != nil {
		b.Fatal(err)
	}
}
