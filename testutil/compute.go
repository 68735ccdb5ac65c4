package testutil

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"fmt"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// ComputeParams are fast compute parameters for tests: 10-block epochs, a
// 1,000 upingo node bond, one network job of 64 units per epoch over at
// most 2 nodes, paying 1,000,000 upingo per unit while the pool lasts;
// 8 units sampled per attestation, beacons within 5 blocks, reveals within
// 10 more.
func ComputeParams() compute.Params {
	p := compute.DefaultParams()
	p.MinNodeBond = uint256.NewInt(1_000)
	p.NodeUnbondingBlocks = 5
	p.NodeJailBlocks = 3
	p.EpochBlocks = 10
	p.MaxJobTTL = 1_000
	p.NetworkJobsPerEpoch = 1
	p.NetworkJobUnits = 64
	p.NetworkJobMaxNodes = 2
	p.NetworkUnitKind = 1
	p.EpochEmission = uint256.NewInt(64_000_000)
	p.EmissionHalvingEpochs = 0
	p.NetworkSpecHash = kernel.SpecMatmulI8
	p.SampleK = 8
	p.BeaconWindow = 5
	p.RevealBlocks = 10
	return p
}

// ComputeGenesis is Genesis(n, amount) with ComputeParams and an incentive
// pool of pool upingo.
func ComputeGenesis(n int, amount, pool uint64) app.GenesisState {
	g := Genesis(n, amount)
	g.Compute.Params = ComputeParams()
	g.Compute.IncentivePool = uint256.NewInt(pool)
	return g
}

// ShareSig is contributor key's EIP-712 signature of its share of an
// attestation of [start, end) of job by node.
func ShareSig(key *ecdsa.PrivateKey, chainID, job uint64, node auth.Address, start, end, units uint64, subRoot compute.Hash) [65]byte {
	d := compute.ShareDigest(chainID, job, node, start, end, Addr(key), units, subRoot)
	sig, err := crypto.Sign(d[:], key)
	if err != nil {
		panic(err)
	}
	var out [65]byte
	copy(out[:], sig)
	out[64] += 27
	return out
}

// Attestation builds an Attest of [start, end) of job by node whose units
// are split as evenly as possible over the contributors (the first ones
// take the remainder), each share signed by its contributor. The id is
// derived from (job, start, end); the sub-roots are placeholders and the
// output root is their top tree (Attest checks only that; DoWork builds
// real ones).
func Attestation(chainID, job uint64, node auth.Address, start, end, expiry uint64, contributors []*ecdsa.PrivateKey) *compute.Attest {
	n := uint64(len(contributors))
	size := end - start
	m := &compute.Attest{JobID: job, Start: start, End: end, Expiry: expiry, Shares: make([]compute.Share, n)}
	var idSeed [24]byte
	putU64(idSeed[0:], job)
	putU64(idSeed[8:], start)
	putU64(idSeed[16:], end)
	m.AttestationID = compute.Hash(crypto.Keccak256([]byte("attestation"), idSeed[:]))
	for i, k := range contributors {
		units := size / n
		if uint64(i) < size%n {
			units++
		}
		sub := compute.Hash(crypto.Keccak256([]byte("sub"), idSeed[:], addrBytes(Addr(k))))
		m.Shares[i] = compute.Share{Contributor: Addr(k), Units: units, SubRoot: sub,
			Sig: ShareSig(k, chainID, job, node, start, end, units, sub)}
	}
	subs := make([][32]byte, n)
	for i := range m.Shares {
		subs[i] = m.Shares[i].SubRoot
	}
	m.OutputRoot = kernel.TopRoot(subs)
	return m
}

func putU64(b []byte, v uint64) {
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

func addrBytes(a auth.Address) []byte { return a[:] }

// KeysFrom returns n test keys starting at Key(first).
func KeysFrom(first uint64, n int) []*ecdsa.PrivateKey {
	out := make([]*ecdsa.PrivateKey, n)
	for i := range out {
		out[i] = Key(first + uint64(i))
	}
	return out
}

// Work is a CDN node's honest (or partly lazy) computation of units
// [start, end) of a job: the attestation it signs and what it needs to
// reveal any sample later.
type Work struct {
	Attest *compute.Attest
	// Digests[i] is the committed output digest of unit start+i (garbage
	// for the units the node skipped).
	Digests [][32]byte
	start   uint64
	shares  [][][32]byte // each share's leaves
	firsts  []uint64     // each share's first unit
}

// DoWork runs units [start, end) of the job with seed by the kernel, split
// over the contributors as Attestation does, and builds the output tree
// and the signed attestation. Units for which skip returns true get a
// garbage digest instead (a lazy node); skip may be nil.
func DoWork(chainID, job uint64, seed [32]byte, node auth.Address, start, end, expiry uint64, contributors []*ecdsa.PrivateKey, skip func(index uint64) bool) *Work {
	m := Attestation(chainID, job, node, start, end, expiry, contributors)
	w := &Work{Attest: m, start: start}
	first := start
	subs := make([][32]byte, len(m.Shares))
	for i := range m.Shares {
		s := &m.Shares[i]
		leaves := make([][32]byte, s.Units)
		for u := uint64(0); u < s.Units; u++ {
			idx := first + u
			var d [32]byte
			if skip != nil && skip(idx) {
				d = sha256.Sum256([]byte(fmt.Sprintf("garbage %d", idx)))
			} else {
				d = kernel.Digest(seed, idx)
			}
			w.Digests = append(w.Digests, d)
			leaves[u] = kernel.Leaf(job, idx, s.Contributor, d)
		}
		subs[i] = kernel.Root(leaves)
		s.SubRoot = subs[i]
		s.Sig = ShareSig(contributors[i], chainID, job, node, start, end, s.Units, s.SubRoot)
		w.shares = append(w.shares, leaves)
		w.firsts = append(w.firsts, first)
		first += s.Units
	}
	m.OutputRoot = kernel.TopRoot(subs)
	return w
}

// Opening is the opening of unit index as committed.
func (w *Work) Opening(index uint64) compute.Opening {
	for i := len(w.firsts) - 1; i >= 0; i-- {
		if index >= w.firsts[i] {
			path := kernel.Path(w.shares[i], index-w.firsts[i])
			return compute.Opening{Digest: w.Digests[index-w.start], Path: kernel.EncodePath(path)}
		}
	}
	panic("unit outside the work")
}

// Reveal opens sample positions [first, first+count) of sample (the
// receipt's sampled indices, ascending).
func (w *Work) Reveal(sample []uint64, first, count int) *compute.Reveal {
	r := &compute.Reveal{AttestationID: w.Attest.AttestationID, First: uint64(first)}
	for _, idx := range sample[first : first+count] {
		r.Openings = append(r.Openings, w.Opening(idx))
	}
	return r
}
