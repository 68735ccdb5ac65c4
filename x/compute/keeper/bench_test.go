package keeper_test

import (
	"testing"

	"github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// overlay stages writes over a base KV and forgets them: each benchmark
// iteration runs the same reveal against the same pending receipt.
type overlay struct {
	base *memKV
	m    map[string][]byte
}

func (o *overlay) Get(k []byte) ([]byte, error) {
	if v, ok := o.m[string(k)]; ok {
		return v, nil
	}
	return o.base.Get(k)
}
func (o *overlay) Set(k, v []byte) { o.m[string(k)] = v }
func (o *overlay) Delete(k []byte) { o.m[string(k)] = nil }

// BenchmarkReveal is the cost of one Reveal with k = 64 of an attestation
// of 4096 units by one contributor (paths of 12 siblings), verdict PASS:
// path checks, 64 re-executions, settle. ns/op is per reveal; ns/unit per
// sampled unit.
func BenchmarkReveal(b *testing.B) {
	t := &testing.T{}
	e := ready(t)
	e.t = t
	e.p.SampleK = 64
	e.kv.Set(types.ParamsKey, e.p.Marshal())
	const units = 4096
	e.untilPaid(0) // newcomer 20's emission pays for the job
	var job uint64
	e.block(func(h int64) {
		e.ok(20, &types.SubmitJob{UnitKind: 1, SpecHash: specHash, Units: units, PricePerUnit: *u(1), MaxNodes: 1, Expiry: uint64(h) + 100})
		ids, err := keeper.ListPage(e.kv, types.ListJobsByOwner, types.AddrSubject(addr(20)), 0)
		require.NoError(b, err)
		job = ids[0]
		e.ok(1, &types.AcceptJob{JobID: job})
	})
	w := e.work(job, 1, 0, units, nil, 21)
	e.block(func(int64) { e.ok(1, w.Attest) })
	e.block(nil)
	e.block(nil)
	e.height++
	s := e.sampleOf(w)
	require.Len(b, s, 64)
	m := w.Reveal(s, 0, 64)
	h := testHeader(9)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		keeper.ResetDigestMemo() // the cold path: every unit re-executed
		o := &overlay{base: e.kv, m: map[string][]byte{}}
		evs, err := keeper.Execute(o, &e.p, &e.np, e.beacons, h, m, e.height)
		if err != nil || evs[0].Attrs[3][1] != "pass" {
			b.Fatalf("%v %v", err, evs)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/64, "ns/unit")
}
