package keeper

import (
	"crypto/sha256"
	"encoding/binary"
	"sort"

	"github.com/pingo-chain/pingo/x/compute/types"
)

// Beacons is the randomness source the proof layer samples with: the
// beacon of height h, if that height has one (a height may lack it). The
// real source is x/bridge's validator beacon (hash of >2/3 power's ed25519
// signatures over (chain id, h)); the app wires it. Contract: once BeaconAt
// returns ok for h it returns the same value forever, and a beacon for h
// is written no later than block h+1 — so every height below the current
// one is settled and "the first beacon after h" never changes.
type Beacons interface {
	BeaconAt(kv KV, h uint64) (beacon [32]byte, ok bool, err error)
}

// FirstBeacon is the first beacon at a height in (after, upto]: the one
// that fixes the sample of an attestation included at height after.
// Bounded by beacon_window point reads.
func FirstBeacon(kv KV, b Beacons, after, upto uint64) (h uint64, beacon [32]byte, ok bool, err error) {
	for h = after + 1; h <= upto; h++ {
		beacon, ok, err = b.BeaconAt(kv, h)
		if err != nil || ok {
			return h, beacon, ok, err
		}
	}
	return 0, beacon, false, nil
}

// SampleSeed is SHA-256("pingo/sample" ‖ beacon ‖ attestationId): the
// attestation id is fixed before the beacon exists, so the node cannot
// grind it, and two attestations under one beacon get independent samples.
func SampleSeed(beacon, attestationID [32]byte) [32]byte {
	var b [12 + 64]byte
	copy(b[:], "pingo/sample")
	copy(b[12:], beacon[:])
	copy(b[44:], attestationID[:])
	return sha256.Sum256(b[:])
}

// Sample is k distinct offsets in [0, n), ascending (all of them when
// k ≥ n), by Floyd's algorithm: for j = n−k … n−1, t = U_j mod (j+1) with
// U_j the first 8 bytes (BE) of SHA-256(seed ‖ BE64(j)); take t unless
// already taken, else j. Exactly k steps; each k-subset is equally likely
// up to the modulo bias (< (j+1)/2^64 per step, below 2^-40 for any job
// within max_job_units).
func Sample(seed [32]byte, n, k uint64) []uint64 {
	if k >= n {
		out := make([]uint64, n)
		for i := range out {
			out[i] = uint64(i)
		}
		return out
	}
	taken := make(map[uint64]struct{}, k) // lookups only; the order comes from out
	out := make([]uint64, 0, k)
	var msg [40]byte
	copy(msg[:], seed[:])
	for j := n - k; j < n; j++ {
		binary.BigEndian.PutUint64(msg[32:], j)
		h := sha256.Sum256(msg[:])
		t := binary.BigEndian.Uint64(h[:8]) % (j + 1)
		if _, dup := taken[t]; dup {
			t = j
		}
		taken[t] = struct{}{}
		out = append(out, t)
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

// SampleHash is SHA-256 of the sampled unit indices, 8 bytes BE each,
// ascending: recorded with the receipt.
func SampleHash(indices []uint64) types.Hash {
	h := sha256.New()
	var b [8]byte
	for _, i := range indices {
		binary.BigEndian.PutUint64(b[:], i)
		h.Write(b[:])
	}
	return types.Hash(h.Sum(nil))
}

// SampleIndices is the sampled unit indices (absolute, ascending) of
// receipt r under beacon: what a revealer opens, in this order.
func SampleIndices(r *types.Receipt, beacon [32]byte) []uint64 {
	offs := Sample(SampleSeed(beacon, r.AttestationID), r.End-r.Start, r.K)
	for i := range offs {
		offs[i] += r.Start
	}
	return offs
}

func sampleOf(r *types.Receipt) []uint64 { return SampleIndices(r, r.Beacon) }
