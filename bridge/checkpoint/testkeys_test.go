package checkpoint

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"testing"
)

// testKey is validator i's key in every shared vector: the ed25519 key from
// seed sha256("pingo/test-validator/<i>"), the same rule the contract's
// tests use (bridge/contracts/lib/anchor.js testValidator).
func testKey(i int) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(fmt.Sprintf("pingo/test-validator/%d", i)))
	return ed25519.NewKeyFromSeed(seed[:])
}

type testMember struct {
	key   ed25519.PrivateKey
	power uint64
}

// testSet is a validator set with its private keys, in index order.
type testSet []testMember

// newTestSet: validators with key numbers keys[i] and powers powers[i].
func newTestSet(keys []int, powers []uint64) testSet {
	m := make(testSet, len(keys))
	for i, k := range keys {
		m[i] = testMember{key: testKey(k), power: powers[i]}
	}
	return m
}

// uniformSet: n validators, keys 0..n-1, equal power p.
func uniformSet(n int, p uint64) testSet {
	keys := make([]int, n)
	powers := make([]uint64, n)
	for i := range keys {
		keys[i], powers[i] = i, p
	}
	return newTestSet(keys, powers)
}

func (s testSet) validators() []Validator {
	v := make([]Validator, len(s))
	for i, m := range s {
		v[i] = Validator{PubKey: m.key.Public().(ed25519.PublicKey), Power: m.power}
	}
	return v
}

func (s testSet) hash(t testing.TB) [32]byte {
	t.Helper()
	h, err := ValsetHash(s.validators())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// sign: signatures of the members at idx (in the order given) over cp.
func (s testSet) sign(cp Checkpoint, idx ...int) []Signature {
	out := make([]Signature, len(idx))
	for i, j := range idx {
		out[i] = Signature{Index: uint16(j), Sig: Sign(s[j].key, cp)}
	}
	return out
}

// testCheckpoint: a checkpoint of chain 7 at epoch over set → next.
func testCheckpoint(t testing.TB, epoch uint64, set, next testSet) Checkpoint {
	t.Helper()
	cp := Checkpoint{ChainID: 7, Epoch: epoch, Height: epoch * 100, ValsetHash: set.hash(t), NextValsetHash: next.hash(t)}
	cp.AppHash = sha256.Sum256([]byte(fmt.Sprintf("app-%d", epoch)))
	return cp
}
