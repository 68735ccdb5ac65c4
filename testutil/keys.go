// Package testutil builds keys, signed transactions, genesis states and
// running apps/nodes for tests and benchmarks. Keys here are derived from a
// public seed: never fund them on a real network.
package testutil

import (
	"crypto/ecdsa"
	"encoding/binary"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
)

// Key returns the i-th deterministic test key: keccak256("pingo-test" ‖ i).
func Key(i uint64) *ecdsa.PrivateKey {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], i)
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("pingo-test"), b[:]))
	if err != nil {
		panic(err) // probability ~2^-128
	}
	return k
}

// Addr is the address of key.
func Addr(k *ecdsa.PrivateKey) auth.Address { return auth.PubkeyToAddress(&k.PublicKey) }

// SignedTx signs msg from key and returns the wire bytes.
func SignedTx(key *ecdsa.PrivateKey, chainID, nonce uint64, fee uint64, msg auth.Msg) []byte {
	tx := &auth.Tx{ChainID: chainID, Msg: msg}
	tx.Nonce = nonce
	tx.Fee.SetUint64(fee)
	if err := tx.Sign(key); err != nil {
		panic(err)
	}
	b, err := tx.Encode()
	if err != nil {
		panic(err)
	}
	return b
}

// Transfer is a signed Transfer of amount upingo.
func Transfer(key *ecdsa.PrivateKey, chainID, nonce, fee uint64, to auth.Address, amount uint64) []byte {
	return SignedTx(key, chainID, nonce, fee, &bank.Transfer{To: to, Amount: *uint256.NewInt(amount)})
}
