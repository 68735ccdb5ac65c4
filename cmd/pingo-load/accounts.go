package main

import (
	"crypto/ecdsa"
	"encoding/binary"
	"runtime"
	"sync"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// Account i < senders is testutil.Key(i)'s address; the others are key-less
// addresses keccak256("pingo-bench-account" ‖ i)[12:] (the same rule as the
// app benchmark), cheap to derive and spread over the key space as real
// addresses are.
func cheapAddr(i uint64) auth.Address {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], i)
	var a auth.Address
	copy(a[:], crypto.Keccak256([]byte("pingo-bench-account"), b[:])[12:])
	return a
}

// population derives the sender keys and every account address.
func population(accounts, senders int) ([]*ecdsa.PrivateKey, []auth.Address) {
	keys := make([]*ecdsa.PrivateKey, senders)
	addrs := make([]auth.Address, accounts)
	parallel(accounts, func(i int) {
		if i < senders {
			keys[i] = testutil.Key(uint64(i))
			addrs[i] = testutil.Addr(keys[i])
		} else {
			addrs[i] = cheapAddr(uint64(i))
		}
	})
	return keys, addrs
}

// parallel runs fn(i) for i in [0, n) on GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
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
