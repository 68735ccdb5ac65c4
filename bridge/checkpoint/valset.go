package checkpoint

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

// MaxValidators bounds a set (and so the signatures of one message); the
// contract enforces the same bound.
const MaxValidators = 256

// Validator is one member of the anchored set. Its index in the set is its
// position in the slice the set is built from.
type Validator struct {
	PubKey ed25519.PublicKey
	Power  uint64
}

// validatorBits: pubkey(256) power(64), the dictionary value.
const validatorBits = 256 + 64

// ErrInvalidSet is returned for a set the contract would refuse.
var ErrInvalidSet = errors.New("checkpoint: invalid validator set")

// validateSet applies the contract's canonical-set rule: 1..MaxValidators
// entries, 32-byte keys, every power > 0, total power below 2^64.
func validateSet(set []Validator) error {
	if len(set) == 0 || len(set) > MaxValidators {
		return fmt.Errorf("%w: %d validators (want 1..%d)", ErrInvalidSet, len(set), MaxValidators)
	}
	var total uint64
	for i, v := range set {
		if len(v.PubKey) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: validator %d: key of %d bytes", ErrInvalidSet, i, len(v.PubKey))
		}
		if v.Power == 0 {
			return fmt.Errorf("%w: validator %d: zero power", ErrInvalidSet, i)
		}
		if total+v.Power < total {
			return fmt.Errorf("%w: total power overflows 64 bits", ErrInvalidSet)
		}
		total += v.Power
	}
	return nil
}

// TotalPower is the sum of the set's powers (validate the set first).
func TotalPower(set []Validator) uint64 {
	var t uint64
	for _, v := range set {
		t += v.Power
	}
	return t
}

// ValsetCell builds the set's dictionary, index (uint16) -> pubkey:bits256
// power:uint64, and returns its root cell (a `Hashmap 16 Validator`, the
// non-empty form; HashmapE's presence bit belongs to whatever stores it).
func ValsetCell(set []Validator) (*cell.Cell, error) {
	if err := validateSet(set); err != nil {
		return nil, err
	}
	d := cell.NewDict(16)
	for i, v := range set {
		val := cell.BeginCell().MustStoreSlice(v.PubKey, 256).MustStoreUInt(v.Power, 64).EndCell()
		if err := d.SetIntKey(big.NewInt(int64(i)), val); err != nil {
			return nil, fmt.Errorf("checkpoint: valset dict: %w", err)
		}
	}
	return d.AsCell(), nil
}

// ValsetHash is valset_hash: the cell hash of ValsetCell(set).
func ValsetHash(set []Validator) ([32]byte, error) {
	var h [32]byte
	c, err := ValsetCell(set)
	if err != nil {
		return h, err
	}
	copy(h[:], c.Hash())
	return h, nil
}

// ParseValset reads a set dictionary root back into index order and checks
// it is canonical (indexes 0..n-1, the rules of validateSet), so that
// rebuilding it gives the same hash.
func ParseValset(root *cell.Cell) (set []Validator, err error) {
	if root == nil {
		return nil, fmt.Errorf("%w: empty", ErrInvalidSet)
	}
	defer func() {
		// tonutils-go's dictionary walker trusts its input in places.
		if r := recover(); r != nil {
			set, err = nil, fmt.Errorf("%w: %v", ErrInvalidSet, r)
		}
	}()
	kvs, err := root.AsDict(16).LoadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSet, err)
	}
	if len(kvs) > MaxValidators {
		return nil, fmt.Errorf("%w: %d entries", ErrInvalidSet, len(kvs))
	}
	set = make([]Validator, len(kvs))
	seen := make([]bool, len(kvs))
	for _, kv := range kvs {
		idx, err := kv.Key.LoadUInt(16)
		if err != nil {
			return nil, fmt.Errorf("%w: key: %v", ErrInvalidSet, err)
		}
		if idx >= uint64(len(kvs)) || seen[idx] {
			return nil, fmt.Errorf("%w: index %d not in 0..%d", ErrInvalidSet, idx, len(kvs)-1)
		}
		seen[idx] = true
		if kv.Value.BitsLeft() != validatorBits || kv.Value.RefsNum() != 0 {
			return nil, fmt.Errorf("%w: entry %d has %d bits, %d refs", ErrInvalidSet, idx, kv.Value.BitsLeft(), kv.Value.RefsNum())
		}
		pub := kv.Value.MustLoadSlice(256)
		set[idx] = Validator{PubKey: ed25519.PublicKey(pub), Power: kv.Value.MustLoadUInt(64)}
	}
	if err := validateSet(set); err != nil {
		return nil, err
	}
	// Same entries, different cells (a non-canonical label, a level mask)
	// would hash differently from the set they describe.
	rebuilt, err := ValsetCell(set)
	if err != nil {
		return nil, err
	}
	if string(rebuilt.Hash()) != string(root.Hash()) {
		return nil, fmt.Errorf("%w: dictionary is not in canonical form", ErrInvalidSet)
	}
	return set, nil
}
