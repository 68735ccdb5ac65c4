package contributor_test

import (
	"context"
	"testing"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	"github.com/pingo-chain/pingo/cmd/pingo-contributor/contributor"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// BenchmarkRawKernel is x/compute/kernel's BenchmarkKernel measured in
// this process, one unit per op, for a side-by-side ratio.
func BenchmarkRawKernel(b *testing.B) {
	seed := compute.Hash{1}
	for i := 0; i < b.N; i++ {
		_ = kernel.Digest(seed, uint64(i))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "units/s")
}

// BenchmarkContributorPerCore is the agent's whole per-assignment work on
// one core (--cores 1): the bounded worker pool computing the units, the
// Merkle leaves and sub-root, and the EIP-712 share signature, in
// assignments of 64 units. One op is one unit, so ns/op and units/s
// compare directly with BenchmarkRawKernel.
func BenchmarkContributorPerCore(b *testing.B) {
	key := testutil.Key(20)
	addr := testutil.Addr(key)
	as := &agentproto.Assignment{ChainID: testutil.ChainID, JobID: 1, Seed: compute.Hash{1}, UnitKind: 1, SpecHash: kernel.SpecMatmulI8}
	lim := contributor.Limits{Cores: 1}
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(64, b.N-done)
		as.Start, as.End, as.AttStart, as.AttEnd = uint64(done), uint64(done+n), uint64(done), uint64(done+n)
		ds, err := contributor.Compute(context.Background(), as.Seed, as.Start, as.End, lim, nil)
		if err != nil {
			b.Fatal(err)
		}
		sub := kernel.Root(agentproto.Leaves(as.JobID, as.Start, addr, ds))
		if _, err := agentproto.SignShare(key, as, sub); err != nil {
			b.Fatal(err)
		}
		done += n
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "units/s")
}
