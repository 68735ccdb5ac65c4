package keeper_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"testing"

	"github.com/holiman/uint256"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/staking/keeper"
	"github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// memKV is committed state for tests: KV and Iterator over one sorted map,
// so iteration sees every write.
type memKV struct{ m map[string][]byte }

func newKV() *memKV { return &memKV{m: map[string][]byte{}} }

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

func (s *memKV) snapshot() map[string][]byte {
	c := make(map[string][]byte, len(s.m))
	for k, v := range s.m {
		c[k] = append([]byte(nil), v...)
	}
	return c
}

const pingo = 1_000_000_000

func u(v uint64) *uint256.Int { return uint256.NewInt(v) }

// addr i: distinct addresses whose byte order follows i.
func addr(i int) auth.Address {
	var a auth.Address
	a[0] = 0x10
	binary.BigEndian.PutUint32(a[16:], uint32(i))
	return a
}

func consKey(i int) types.ConsPubKey {
	seed := sha256.Sum256([]byte{'v', byte(i), byte(i >> 8)})
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	return types.ConsPubKey(pub)
}

func consAddr(i int) []byte { return consKey(i).ConsAddress() }

// testParams are small so windows and unbonding fit in a test.
func testParams() types.Params {
	p := types.DefaultParams()
	p.UnbondingBlocks = 10
	p.MaxValidators = 10
	p.SignedBlocksWindow = 10
	p.MinSignedPerWindowBps = 5000
	p.DowntimeJailBlocks = 20
	p.SlashFractionDowntimePpb = 10_000_000   // 1%
	p.SlashFractionDoubleSignPpb = 50_000_000 // 5%
	p.BlockReward = u(0)
	p.HalvingBlocks = 0
	return p
}

type env struct {
	t      *testing.T
	kv     *memKV
	p      types.Params
	supply uint256.Int
}

// setup funds accounts 0..n-1 with bal each (bank genesis), then runs
// staking's InitGenesis with g (params from p if g.Params is zero).
func setup(t *testing.T, n int, bal uint64, g types.Genesis) *env {
	t.Helper()
	kv := newKV()
	bg := bank.DefaultGenesis()
	for i := 0; i < n; i++ {
		bg.Balances = append(bg.Balances, bank.Balance{Address: addr(i), Amount: u(bal)})
	}
	require.NoError(t, bankkeeper.InitGenesis(kv, &bg))
	if g.Params.PowerReduction == nil {
		g.Params = testParams()
	}
	_, err := keeper.InitGenesis(kv, &g)
	require.NoError(t, err)
	e := &env{t: t, kv: kv, p: g.Params}
	e.supply, err = bankkeeper.Supply(kv)
	require.NoError(t, err)
	e.check()
	return e
}

// check asserts the supply invariant and that supply never changed.
func (e *env) check() {
	e.t.Helper()
	require.NoError(e.t, keeper.CheckSupply(e.kv, e.kv))
	s, err := bankkeeper.Supply(e.kv)
	require.NoError(e.t, err)
	require.True(e.t, s.Eq(&e.supply), "supply changed: %s → %s", e.supply.Dec(), s.Dec())
}

func (e *env) exec(from auth.Address, msg auth.Msg, height int64) ([]keeper.Event, error) {
	e.t.Helper()
	h := &auth.Header{From: from}
	evs, err := keeper.Execute(e.kv, &e.p, h, msg, height)
	e.check()
	return evs, err
}

func (e *env) mustExec(from auth.Address, msg auth.Msg, height int64) []keeper.Event {
	e.t.Helper()
	evs, err := e.exec(from, msg, height)
	require.NoError(e.t, err)
	return evs
}

func (e *env) create(i int, amount uint64, commissionBps uint32, height int64) {
	e.t.Helper()
	e.mustExec(addr(i), &types.CreateValidator{ConsensusKey: consKey(i), Moniker: "val", CommissionBps: commissionBps, Amount: *u(amount)}, height)
}

func (e *env) balance(i int) uint64 {
	e.t.Helper()
	acc, err := authkeeper.GetAccount(e.kv, addr(i))
	require.NoError(e.t, err)
	return acc.Balance.Uint64()
}

func (e *env) val(i int) types.Validator {
	e.t.Helper()
	v, found, err := keeper.GetValidator(e.kv, addr(i))
	require.NoError(e.t, err)
	require.True(e.t, found)
	return v
}

func (e *env) setVal(v types.Validator) { keeper.SetValidator(e.kv, &v) }

// payFee moves amt from account i to bank's fee pool, as the ante does.
func (e *env) payFee(i int, amt uint64) {
	e.t.Helper()
	acc, err := authkeeper.GetAccount(e.kv, addr(i))
	require.NoError(e.t, err)
	acc.Balance.Sub(&acc.Balance, u(amt))
	authkeeper.SetAccount(e.kv, addr(i), &acc)
	require.NoError(e.t, bankkeeper.AddToFeePool(e.kv, u(amt)))
	e.check()
}

func votes(signed map[int]bool, power map[int]int64, order ...int) []types.Vote {
	vs := make([]types.Vote, 0, len(order))
	for _, i := range order {
		vs = append(vs, types.Vote{ConsAddr: consAddr(i), Power: power[i], Signed: signed[i]})
	}
	return vs
}

// block runs BeginBlock and EndBlock at height and checks the invariant.
func (e *env) block(height int64, vs []types.Vote, ev []types.Evidence) ([]types.ValidatorUpdate, []keeper.Event) {
	e.t.Helper()
	bevs, err := keeper.BeginBlock(e.kv, e.kv, types.BlockInfo{Height: height, Votes: vs, Evidence: ev})
	require.NoError(e.t, err)
	e.check()
	ups, eevs, err := keeper.EndBlock(e.kv, e.kv, height)
	require.NoError(e.t, err)
	e.check()
	return ups, append(bevs, eevs...)
}

func sortUpdates(ups []types.ValidatorUpdate) []types.ValidatorUpdate {
	sort.Slice(ups, func(a, b int) bool { return bytes.Compare(ups[a].PubKey[:], ups[b].PubKey[:]) < 0 })
	return ups
}

func upd(i int, power int64) types.ValidatorUpdate {
	return types.ValidatorUpdate{PubKey: consKey(i), Power: power}
}

func tokens(v types.Validator) uint64 { return v.Tokens.Uint64() }

func outstanding(v types.Validator) uint64 { return v.Outstanding.Uint64() }
