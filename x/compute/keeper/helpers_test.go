package keeper_test

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"testing"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/pingo-chain/pingo/x/compute/types"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	"github.com/stretchr/testify/require"
)

// memKV is committed state for tests: KV and Iterator over one sorted map,
// so iteration sees every write.
type memKV struct{ m map[string][]byte }

func (s *memKV) Get(k []byte) ([]byte, error) { return s.m[string(k)], nil }
func (s *memKV) Set(k, v []byte)              { s.m[string(k)] = append([]byte(nil), v...) }
func (s *memKV) Delete(k []byte)              { delete(s.m, string(k)) }

func (s *memKV) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		if k >= string(start) && (end == nil || k < string(end)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !fn([]byte(k), s.m[k]) {
			break
		}
	}
	return nil
}

func (s *memKV) snapshot() map[string]string {
	c := make(map[string]string, len(s.m))
	for k, v := range s.m {
		c[k] = string(v)
	}
	return c
}

// Funded keys 0..9 hold fundedBalance each; keys 20+ are newcomers with
// nothing.
const (
	fundedBalance = 1_000_000_000_000
	pool          = 1_000_000_000_000
	chainID       = testutil.ChainID
)

func key(i int) *ecdsa.PrivateKey { return testutil.Key(uint64(i)) }
func addr(i int) auth.Address     { return testutil.Addr(key(i)) }
func u(v uint64) *uint256.Int     { return uint256.NewInt(v) }

type env struct {
	t      *testing.T
	kv     *memKV
	p      types.Params
	np     nft.Params
	supply uint256.Int
	height int64
	// beacons: the test beacon source; block h writes the beacon of h−1
	// (as x/bridge will) unless skipBeacons is set.
	beacons     testBeacons
	skipBeacons bool
}

// testBeacons keeps beacons in state under "test/beacon" ‖ BE64(h), each
// SHA-256("test beacon" ‖ BE64(h)): deterministic, as the contract of
// keeper.Beacons asks (immutable once written).
type testBeacons struct{}

func beaconKey(h uint64) []byte { return binary.BigEndian.AppendUint64([]byte("test/beacon"), h) }

func (testBeacons) BeaconAt(kv keeper.KV, h uint64) ([32]byte, bool, error) {
	b, err := kv.Get(beaconKey(h))
	if err != nil || b == nil {
		return [32]byte{}, false, err
	}
	return [32]byte(b), true, nil
}

func testBeacon(h uint64) [32]byte {
	return sha256.Sum256(binary.BigEndian.AppendUint64([]byte("test beacon"), h))
}

func setup(t *testing.T) *env { return setupPool(t, pool) }

func setupPool(t *testing.T, poolAmount uint64) *env {
	t.Helper()
	kv := &memKV{m: map[string][]byte{}}
	bg := bank.DefaultGenesis()
	for i := 0; i < 10; i++ {
		bg.Balances = append(bg.Balances, bank.Balance{Address: addr(i), Amount: u(fundedBalance)})
	}
	require.NoError(t, bankkeeper.InitGenesis(kv, &bg))
	ng := nft.DefaultGenesis()
	require.NoError(t, nftkeeper.InitGenesis(kv, &ng))
	cg := types.Genesis{Params: testutil.ComputeParams(), IncentivePool: u(poolAmount)}
	require.NoError(t, keeper.InitGenesis(kv, &cg))
	e := &env{t: t, kv: kv, p: cg.Params, np: ng.Params}
	var err error
	e.supply, err = bankkeeper.Supply(kv)
	require.NoError(t, err)
	e.check()
	return e
}

// check asserts the supply invariant with compute's holdings and compute's
// totals against its records, and that supply never changes.
func (e *env) check() {
	e.t.Helper()
	h, err := keeper.Holdings(e.kv)
	require.NoError(e.t, err)
	require.NoError(e.t, bankkeeper.CheckSupply(e.kv, e.kv, &h))
	require.NoError(e.t, keeper.CheckTotals(e.kv, e.kv))
	s, err := bankkeeper.Supply(e.kv)
	require.NoError(e.t, err)
	require.True(e.t, s.Eq(&e.supply), "supply changed")
}

// block runs the compute hooks of the next height around fn (the txs).
func (e *env) block(fn func(h int64)) []keeper.Event {
	e.t.Helper()
	e.height++
	if e.height > 1 && !e.skipBeacons {
		b := testBeacon(uint64(e.height - 1))
		e.kv.Set(beaconKey(uint64(e.height-1)), b[:])
	}
	evs, err := keeper.BeginBlock(e.kv, e.height)
	require.NoError(e.t, err)
	if fn != nil {
		fn(e.height)
	}
	more, err := keeper.EndBlock(e.kv, e.beacons, e.height)
	require.NoError(e.t, err)
	e.check()
	return append(evs, more...)
}

// exec runs msg from key i at the current height as the app would after
// the ante: co-signatures verified, then Execute.
func (e *env) exec(i int, msg auth.Msg) ([]keeper.Event, error) {
	e.t.Helper()
	h := &auth.Header{From: addr(i)}
	if cs, ok := msg.(auth.CoSigned); ok {
		if err := cs.VerifyCoSignatures(chainID, h.From); err != nil {
			return nil, err
		}
	}
	evs, err := keeper.Execute(e.kv, &e.p, &e.np, e.beacons, h, msg, e.height)
	e.check()
	return evs, err
}

func (e *env) ok(i int, msg auth.Msg) []keeper.Event {
	e.t.Helper()
	evs, err := e.exec(i, msg)
	require.NoError(e.t, err)
	return evs
}

// fail requires msg from key i to fail with code and to leave every
// record byte-identical.
func (e *env) fail(i int, msg auth.Msg, code *codes.Error) {
	e.t.Helper()
	before := e.kv.snapshot()
	_, err := e.exec(i, msg)
	require.ErrorIs(e.t, err, code, "got %v", err)
	require.Equal(e.t, before, e.kv.snapshot(), "state changed by a failed %T", msg)
}

func (e *env) balance(a auth.Address) uint64 {
	e.t.Helper()
	acc, err := authkeeper.GetAccount(e.kv, a)
	require.NoError(e.t, err)
	return acc.Balance.Uint64()
}

func (e *env) job(id uint64) types.Job {
	e.t.Helper()
	j, found, err := keeper.GetJob(e.kv, id)
	require.NoError(e.t, err)
	require.True(e.t, found)
	return j
}

func (e *env) node(i int) types.Node {
	e.t.Helper()
	n, found, err := keeper.GetNode(e.kv, addr(i))
	require.NoError(e.t, err)
	require.True(e.t, found)
	return n
}

func (e *env) nftOf(a auth.Address) nft.NFT {
	e.t.Helper()
	id, err := nftkeeper.ByContributor(e.kv, a)
	require.NoError(e.t, err)
	require.NotZero(e.t, id, "no nft for %s", a)
	n, found, err := nftkeeper.GetNFT(e.kv, id)
	require.NoError(e.t, err)
	require.True(e.t, found)
	return n
}

func register(i int, bond uint64) *types.RegisterNode {
	return &types.RegisterNode{Endpoint: "https://node.example", Region: "eu", UnitKinds: []uint32{1, 2}, Bond: *u(bond)}
}

func attestation(job uint64, node int, start, end uint64, expiry uint64, contributors ...int) *types.Attest {
	ks := make([]*ecdsa.PrivateKey, len(contributors))
	for i, c := range contributors {
		ks[i] = key(c)
	}
	return testutil.Attestation(chainID, job, addr(node), start, end, expiry, ks)
}

// ready is the common fixture, after block 3: network job 1 (64 units, two
// shares of 32) open; nodes 0, 1 and 2 registered; node 0 assigned [0, 32),
// node 2 assigned [32, 64) (so the job is fully assigned); newcomer 20
// earned its NFT from node 0's attestation of [0, 16) (with newcomer 21),
// attested in block 1 and revealed (PASS) in block 3.
func ready(t *testing.T) *env {
	e := setup(t)
	var w *testutil.Work
	e.block(func(int64) {
		for i := 0; i < 3; i++ {
			e.ok(i, register(i, 1_000))
		}
		e.ok(0, &types.AcceptJob{JobID: 1})
		e.ok(2, &types.AcceptJob{JobID: 1})
		w = e.work(1, 0, 0, 16, nil, 20, 21)
		e.ok(0, w.Attest)
	})
	e.pass(w)
	return e
}

// work is node i's computation of [start, end) of job (units for which
// skip is true are garbage), split over the contributors, not yet sent.
func (e *env) work(job uint64, node int, start, end uint64, skip func(uint64) bool, contributors ...int) *testutil.Work {
	ks := make([]*ecdsa.PrivateKey, len(contributors))
	for i, c := range contributors {
		ks[i] = key(c)
	}
	return testutil.DoWork(chainID, job, e.job(job).Seed, addr(node), start, end, 1_000, ks, skip)
}

// receiptOf is the receipt of w's attestation.
func (e *env) receiptOf(w *testutil.Work) types.Receipt {
	e.t.Helper()
	ids, _ := types.UnmarshalIDs(e.kv.m[string(types.AttestationKey(w.Attest.AttestationID))])
	require.Len(e.t, ids, 1)
	r, found, err := keeper.GetReceipt(e.kv, ids[0])
	require.NoError(e.t, err)
	require.True(e.t, found)
	return r
}

// sampleOf is w's sample as a revealer computes it at the current height
// (nil if no beacon fixed it yet).
func (e *env) sampleOf(w *testutil.Work) []uint64 {
	e.t.Helper()
	r := e.receiptOf(w)
	_, b, ok, err := keeper.FirstBeacon(e.kv, e.beacons, r.Height, min(uint64(e.height)-1, r.Height+e.p.BeaconWindow))
	require.NoError(e.t, err)
	if !ok {
		return nil
	}
	return keeper.SampleIndices(&r, b)
}

// reveal opens w's whole sample from key `from` at the current height, in
// one tx, and returns its events.
func (e *env) reveal(from int, w *testutil.Work) []keeper.Event {
	e.t.Helper()
	s := e.sampleOf(w)
	require.NotNil(e.t, s, "no beacon yet")
	return e.ok(from, w.Reveal(s, 0, len(s)))
}

// pass runs blocks until every work's beacon exists, then reveals them all
// in one block (each must PASS).
func (e *env) pass(ws ...*testutil.Work) {
	e.t.Helper()
	e.block(nil)
	e.block(func(int64) {
		for _, w := range ws {
			e.reveal(9, w)
			require.Equal(e.t, types.VerdictPass, e.receiptOf(w).Verdict)
		}
	})
}

// untilPaid runs empty blocks until epoch's pooled emission is paid out
// (at most 300) and returns the record.
func (e *env) untilPaid(epoch uint64) types.EmissionEpoch {
	e.t.Helper()
	for i := 0; i < 300; i++ {
		rec, found, err := keeper.GetEmissionEpoch(e.kv, epoch)
		require.NoError(e.t, err)
		require.True(e.t, found, "no emission record for epoch %d", epoch)
		if rec.Done {
			return rec
		}
		e.block(nil)
	}
	e.t.Fatalf("epoch %d not paid out by height %d", epoch, e.height)
	return types.EmissionEpoch{}
}

// weight is account a's unpaid emission weight in epoch.
func (e *env) weight(epoch uint64, a auth.Address) uint64 {
	e.t.Helper()
	w, err := keeper.EmissionWeight(e.kv, epoch, a)
	require.NoError(e.t, err)
	return w
}

var specHash = kernel.SpecMatmulI8

func testHeader(i int) *auth.Header { return &auth.Header{From: addr(i)} }
