package testutil

import (
	"crypto/ecdsa"
	"encoding/binary"
	"runtime"
	"sync"

	"github.com/ethereum/go-ethereum/crypto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// BenchAddr is the i-th key-less funded account of a benchmark state:
// keccak256("pingo-bench-account" ‖ i)[12:]. One keccak each, and spread over
// the key space as real addresses are, so the tree has a realistic shape.
// The app benchmark and pingo-load must agree on it, hence one definition.
func BenchAddr(i uint64) auth.Address {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], i)
	var a auth.Address
	copy(a[:], crypto.Keccak256([]byte("pingo-bench-account"), b[:])[12:])
	return a
}

// Population derives a benchmark state's accounts: the first senders are
// Key(i)'s addresses (they can sign), the rest BenchAddr(i).
func Population(accounts, senders int) ([]*ecdsa.PrivateKey, []auth.Address) {
	keys := make([]*ecdsa.PrivateKey, senders)
	addrs := make([]auth.Address, accounts)
	Parallel(accounts, func(i int) {
		if i < senders {
			keys[i] = Key(uint64(i))
			addrs[i] = Addr(keys[i])
		} else {
			addrs[i] = BenchAddr(uint64(i))
		}
	})
	return keys, addrs
}

// Parallel runs fn(i) for i in [0, n) on GOMAXPROCS goroutines (set-up work
// only, never block execution).
func Parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}(w)
	}
	wg.Wait()
}
