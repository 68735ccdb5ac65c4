package testutil

import (
	"crypto/ecdsa"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// ComputeParams are fast compute parameters for tests: 10-block epochs, a
// 1,000 upingo node bond, one network job of 64 units per epoch over at
// most 2 nodes, paying 1,000,000 upingo per unit while the pool lasts.
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
// derived from (job, start, end); the sub-roots and root are placeholders
// (this layer does not check them).
func Attestation(chainID, job uint64, node auth.Address, start, end, expiry uint64, contributors []*ecdsa.PrivateKey) *compute.Attest {
	n := uint64(len(contributors))
	size := end - start
	m := &compute.Attest{JobID: job, Start: start, End: end, Expiry: expiry, Shares: make([]compute.Share, n)}
	var idSeed [24]byte
	putU64(idSeed[0:], job)
	putU64(idSeed[8:], start)
	putU64(idSeed[16:], end)
	m.AttestationID = compute.Hash(crypto.Keccak256([]byte("attestation"), idSeed[:]))
	m.OutputRoot = compute.Hash(crypto.Keccak256([]byte("root"), idSeed[:]))
	for i, k := range contributors {
		units := size / n
		if uint64(i) < size%n {
			units++
		}
		sub := compute.Hash(crypto.Keccak256([]byte("sub"), idSeed[:], addrBytes(Addr(k))))
		m.Shares[i] = compute.Share{Contributor: Addr(k), Units: units, SubRoot: sub,
			Sig: ShareSig(k, chainID, job, node, start, end, units, sub)}
	}
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
