package app

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/pingo-chain/pingo/app/store"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// PLACEHOLDER — replaced on merge with x/bridge's validator beacon (issue
// #5: hash of the ed25519 signatures over (chain id, h) of >2/3 power,
// carried in vote extensions). The lead wires it by making App.beacons an
// adapter over x/bridge's stored beacon with the computekeeper.Beacons
// contract (immutable once written, written by block h+1) and deleting
// this file and its call in executeBlock.
//
// Until then the beacon of height h is SHA-256("pingo/placeholder-beacon"
// ‖ BE64(h) ‖ app hash after block h), written at the start of block h+1.
// It is unpredictable when an attestation at height < h is included, but
// the proposer of block h can grind it by choosing block h's txs — which
// is why it is a placeholder (README §Proof, bias).
type placeholderBeacons struct{}

func (placeholderBeacons) BeaconAt(kv computekeeper.KV, h uint64) ([32]byte, bool, error) {
	b, err := kv.Get(compute.PlaceholderBeaconKey(h))
	if err != nil || len(b) != 32 {
		return [32]byte{}, false, err
	}
	return [32]byte(b), true, nil
}

// writePlaceholderBeacon stores the placeholder beacon of height−1 from the
// committed app hash, at the start of block height — only while some
// receipt awaits its verdict, so idle blocks leave the AppHash alone.
func writePlaceholderBeacon(kv store.KV, height int64, lastAppHash []byte) error {
	if height <= 1 {
		return nil
	}
	if n, err := computekeeper.PendingReceipts(kv); err != nil || n == 0 {
		return err
	}
	b := PlaceholderBeacon(uint64(height-1), lastAppHash)
	kv.Set(compute.PlaceholderBeaconKey(uint64(height-1)), b[:])
	return nil
}

// PlaceholderBeacon is the PLACEHOLDER beacon of height h given the app
// hash after block h (what a revealer computes before the record exists).
func PlaceholderBeacon(h uint64, appHash []byte) [32]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], h)
	s := sha256.New()
	s.Write([]byte("pingo/placeholder-beacon"))
	s.Write(b[:])
	s.Write(appHash)
	return [32]byte(s.Sum(nil))
}
