package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/stretchr/testify/require"
)

// qChain is an app with three committed blocks and, per height H, the AppHash
// FinalizeBlock(H) returned, which is the root of committed version H.
type qChain struct {
	*testutil.App
	hashes map[int64][]byte
}

func newQChain(t testing.TB) *qChain {
	a := testutil.NewApp(t, testutil.Genesis(3, biFunded))
	c := &qChain{App: a, hashes: map[int64][]byte{}}
	k0, k1, k2 := testutil.Key(0), testutil.Key(1), testutil.Key(2)
	blocks := [][][]byte{
		{testutil.Transfer(k0, testutil.ChainID, 0, biMinFee, testutil.Addr(k1), 1000)},
		{testutil.Transfer(k1, testutil.ChainID, 0, biMinFee, testutil.Addr(k2), 2000),
			testutil.Transfer(k0, testutil.ChainID, 1, biMinFee, testutil.Addr(k2), 3000)},
		{},
	}
	for _, txs := range blocks {
		res := a.Block(txs...)
		for _, r := range res.TxResults {
			require.Equal(t, uint32(0), r.Code, r.Log)
		}
		c.hashes[a.Height] = res.AppHash
	}
	return c
}

// qVerify checks the response's ICS23 proof against root: membership of
// (Key, Value), or non-membership of Key when Value is nil.
func qVerify(t testing.TB, q *abci.ResponseQuery, root []byte) bool {
	t.Helper()
	require.NotNil(t, q.ProofOps)
	require.Len(t, q.ProofOps.Ops, 1)
	op := q.ProofOps.Ops[0]
	require.Equal(t, app.ProofOpType, op.Type)
	require.Equal(t, q.Key, op.Key)
	var p ics23.CommitmentProof
	require.NoError(t, p.Unmarshal(op.Data))
	if q.Value == nil {
		return ics23.VerifyNonMembership(ics23.IavlSpec, root, &p, q.Key)
	}
	return ics23.VerifyMembership(ics23.IavlSpec, root, &p, q.Key, q.Value)
}

func TestQueryPaths(t *testing.T) {
	c := newQChain(t)
	a0, a1, a2 := testutil.Addr(testutil.Key(0)), testutil.Addr(testutil.Key(1)), testutil.Addr(testutil.Key(2))
	stranger := testutil.Addr(testutil.Key(42))
	// Expected account records per height (nonce, balance).
	type acc struct{ nonce, bal uint64 }
	want := map[int64]map[auth.Address]acc{
		1: {a0: {1, biFunded - 1000 - biMinFee}, a1: {0, biFunded + 1000}, a2: {0, biFunded}},
		2: {a0: {2, biFunded - 4000 - 2*biMinFee}, a1: {1, biFunded + 1000 - 2000 - biMinFee}, a2: {0, biFunded + 5000}},
	}
	want[3] = want[2]
	// The fee pool holds the block's own fees: the test validator signs
	// every block, and each BeginBlock pays it the previous block's.
	pool := map[int64]uint64{1: biMinFee, 2: 2 * biMinFee, 3: 0}
	supply := 3*biFunded + testutil.ValidatorSelfBond.Uint64()

	authParams, bankParams := auth.DefaultParams(), bank.DefaultParams()
	authParams.ChainID = testutil.ChainID

	for _, height := range []int64{0, 1, 2, 3} {
		h := height
		if h == 0 {
			h = c.Height
		}
		for _, prove := range []bool{false, true} {
			check := func(path string, key []byte, value func(t *testing.T, v []byte)) {
				t.Run(path, func(t *testing.T) {
					q := biQuery(t, c.App, path, height, prove)
					require.Equal(t, h, q.Height)
					require.Equal(t, key, q.Key)
					value(t, q.Value)
					if prove {
						require.True(t, qVerify(t, q, c.hashes[h]), "proof does not verify against FinalizeBlock(%d).AppHash", h)
						// The same proof must not verify against another height's
						// root (when the roots differ), nor for another value.
						if h > 1 && !bytes.Equal(c.hashes[h], c.hashes[h-1]) {
							require.False(t, qVerify(t, q, c.hashes[h-1]))
						}
						if q.Value != nil {
							forged := *q
							forged.Value = append(append([]byte{}, q.Value...), 0)
							require.False(t, qVerify(t, &forged, c.hashes[h]))
						}
					} else {
						require.Nil(t, q.ProofOps)
					}
				})
			}
			for _, ad := range []auth.Address{a0, a1, a2} {
				w := want[h][ad]
				for _, route := range []string{"/auth/account/", "/bank/balance/"} {
					for _, form := range []string{ad.Hex(), strings.ToLower(ad.Hex()), "0x" + strings.ToUpper(ad.Hex()[2:])} {
						check(route+form, auth.AccountKey(ad), func(t *testing.T, v []byte) {
							got, err := auth.UnmarshalAccount(v)
							require.NoError(t, err)
							require.Equal(t, w.nonce, got.Nonce)
							require.Equal(t, w.bal, got.Balance.Uint64())
						})
					}
				}
			}
			check("/auth/account/"+stranger.Hex(), auth.AccountKey(stranger), func(t *testing.T, v []byte) { require.Nil(t, v) })
			check("/bank/balance/"+auth.ZeroAddress.Hex(), auth.AccountKey(auth.ZeroAddress), func(t *testing.T, v []byte) { require.Nil(t, v) })
			check("/bank/supply", bank.SupplyKey, func(t *testing.T, v []byte) {
				require.Len(t, v, 32)
				require.Equal(t, supply, new(uint256.Int).SetBytes(v).Uint64())
			})
			check("/bank/fee_pool", bank.FeePoolKey, func(t *testing.T, v []byte) {
				require.Len(t, v, 32)
				require.Equal(t, pool[h], new(uint256.Int).SetBytes(v).Uint64())
			})
			check("/auth/params", auth.ParamsKey, func(t *testing.T, v []byte) {
				var p auth.Params
				require.NoError(t, json.Unmarshal(v, &p))
				require.Equal(t, authParams, p)
			})
			check("/bank/params", bank.ParamsKey, func(t *testing.T, v []byte) {
				p, err := bank.UnmarshalParams(v)
				require.NoError(t, err)
				require.Equal(t, bankParams, p)
			})
		}
	}

	t.Run("missing account says so", func(t *testing.T) {
		q := biQuery(t, c.App, "/auth/account/"+stranger.Hex(), 0, false)
		require.Nil(t, q.Value)
		require.Equal(t, "does not exist", q.Log)
	})

	t.Run("latest equals explicit last height", func(t *testing.T) {
		for _, p := range []string{"/bank/supply", "/auth/account/" + a0.Hex()} {
			l := biQuery(t, c.App, p, 0, true)
			e := biQuery(t, c.App, p, c.Height, true)
			require.Equal(t, e.Value, l.Value)
			require.Equal(t, e.Height, l.Height)
			require.Equal(t, e.ProofOps, l.ProofOps)
		}
	})

	t.Run("committed root equals FinalizeBlock AppHash and Info", func(t *testing.T) {
		info := biInfo(t, c.App)
		require.Equal(t, c.hashes[c.Height], info.LastBlockAppHash)
		// Block 3 has no user tx, yet its root moves: its injected
		// vote-extension tx writes the beacon of height 2, and its
		// BeginBlock pays block 2's fees to the validator.
		require.NotEqual(t, c.hashes[2], c.hashes[3])
		require.NotEqual(t, c.hashes[1], c.hashes[2])
		require.Len(t, biQuery(t, c.App, "/bridge/beacon/2", 3, false).Value, bridge.BeaconLen)
		require.Len(t, biQuery(t, c.App, "/bridge/beacon/3", 3, false).Value, 0, "written by block 4")
	})
}

// qGarbage is every malformed query the table below expects a stable code for.
func qGarbage() []struct {
	name, path string
	height     int64
	space      string
	code       uint32
} {
	good := testutil.Addr(testutil.Key(0)).Hex()
	badSum := []byte(good)
	for i := 2; i < len(badSum); i++ { // flip the case of the first letter
		if c := badSum[i]; c >= 'a' && c <= 'f' {
			badSum[i] = c - 32
			break
		} else if c >= 'A' && c <= 'F' {
			badSum[i] = c + 32
			break
		}
	}
	return []struct {
		name, path string
		height     int64
		space      string
		code       uint32
	}{
		{"empty", "", 0, "query", 2},
		{"slash", "/", 0, "query", 2},
		{"double slash", "//", 0, "query", 2},
		{"module only", "/bank", 0, "query", 2},
		{"module slash", "/bank/", 0, "query", 2},
		{"unknown module", "/compute/jobs", 0, "query", 2},
		{"unknown bank path", "/bank/balances", 0, "query", 2},
		{"balance without address", "/bank/balance", 0, "query", 2},
		{"balance empty address", "/bank/balance/", 0, "auth", 12},
		{"balance 0xZZ", "/bank/balance/0xZZ", 0, "auth", 12},
		{"balance non-hex 40", "/bank/balance/0x" + strings.Repeat("zz", 20), 0, "auth", 12},
		{"balance no 0x", "/bank/balance/" + good[2:], 0, "auth", 12},
		{"account bad checksum", "/auth/account/" + string(badSum), 0, "auth", 12},
		{"balance bad checksum", "/bank/balance/" + string(badSum), 0, "auth", 12},
		{"account trailing slash", "/auth/account/" + good + "/", 0, "query", 2},
		{"account extra segment", "/auth/account/" + good + "/x", 0, "query", 2},
		{"double leading slash", "//auth/params", 0, "query", 2},
		{"upper case", "/AUTH/PARAMS", 0, "query", 2},
		{"params trailing slash", "/auth/params/", 0, "query", 2},
		{"dot dot", "/../", 0, "query", 2},
		{"dot dot escape", "/bank/../auth/params", 0, "query", 2},
		{"unicode", "/bänk/süpply", 0, "query", 2},
		{"unicode address", "/bank/balance/0x" + strings.Repeat("é", 20), 0, "auth", 12},
		{"NUL", "/bank/supply\x00", 0, "query", 2},
		{"NUL in address", "/bank/balance/" + good[:41] + "\x00", 0, "auth", 12},
		{"very long", "/bank/" + strings.Repeat("a", 1<<16), 0, "query", 2},
		{"very long address", "/bank/balance/0x" + strings.Repeat("a", 300), 0, "query", 2},
		{"query string", "/bank/supply?height=1", 0, "query", 2},
		{"future height", "/bank/supply", 4, "query", 3},
		{"far future height", "/bank/supply", math.MaxInt64, "query", 3},
		{"negative height", "/bank/supply", -1, "query", 3},
		{"min int height", "/bank/supply", math.MinInt64, "query", 3},
		{"future height, account", "/auth/account/" + good, 1000, "query", 3},
	}
}

func TestQueryGarbage(t *testing.T) {
	c := newQChain(t)
	ctx := context.Background()
	for _, tc := range qGarbage() {
		for _, prove := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				q, err := c.Query(ctx, &abci.RequestQuery{Path: tc.path, Height: tc.height, Prove: prove})
				require.NoError(t, err)
				require.Equal(t, tc.space, q.Codespace, q.Log)
				require.Equal(t, tc.code, q.Code, q.Log)
				require.NotEmpty(t, q.Log)
				require.Less(t, len(q.Log), 512, "log of garbage input must be bounded")
				require.Nil(t, q.Value)
				require.Nil(t, q.ProofOps)
			})
		}
	}
}

func TestQueryBeforeFirstBlock(t *testing.T) {
	a := testutil.NewApp(t, testutil.Genesis(1, biFunded))
	for _, h := range []int64{0, 1} {
		q, err := a.Query(context.Background(), &abci.RequestQuery{Path: "/bank/supply", Height: h})
		require.NoError(t, err)
		require.Equal(t, "query", q.Codespace)
		require.Equal(t, uint32(3), q.Code, q.Log)
	}
	// CheckTx already works on the genesis state.
	tx := testutil.Transfer(testutil.Key(0), testutil.ChainID, 0, biMinFee, testutil.Addr(testutil.Key(1)), 1)
	require.Equal(t, uint32(0), a.Check(tx).Code)
}

// TestQueryConcurrentWithBlocks: Query (query connection) and CheckTx
// (mempool connection) run beside block execution and Commit (consensus
// connection), as in a node. Every answer must be consistent with the
// AppHash of the height it names. Run with -race to check the locking.
func TestQueryConcurrentWithBlocks(t *testing.T) {
	a := testutil.NewApp(t, testutil.Genesis(4, biFunded))
	k0, k1 := testutil.Key(0), testutil.Key(1)
	const blocks = 30
	hashes := make(chan map[int64][]byte, 1)
	hashes <- map[int64][]byte{}
	a.Block() // height 1, so queries have a committed version
	done := make(chan struct{})
	errs := make(chan error, 4)
	go func() {
		defer close(done)
		for i := 0; i < blocks; i++ {
			tx := testutil.Transfer(k0, testutil.ChainID, uint64(i), biMinFee, testutil.Addr(k1), 1)
			h := a.Height + 1
			ctx := context.Background()
			fin, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: [][]byte{tx}, Height: h, Time: biBlockTime(h)})
			if err != nil {
				errs <- err
				return
			}
			m := <-hashes
			m[h] = fin.AppHash
			hashes <- m
			if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
				errs <- err
				return
			}
			a.Height = h
		}
	}()
	path := "/auth/account/" + testutil.Addr(k0).Hex()
	checked := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		q, err := a.Query(context.Background(), &abci.RequestQuery{Path: path, Prove: true})
		require.NoError(t, err)
		require.Equal(t, uint32(0), q.Code, q.Log)
		_ = a.Check(testutil.Transfer(testutil.Key(2), testutil.ChainID, 0, biMinFee, testutil.Addr(k1), 1))
		m := <-hashes
		root, ok := m[q.Height]
		hashes <- m
		if ok {
			require.True(t, qVerify(t, q, root), "height %d", q.Height)
			acc, err := auth.UnmarshalAccount(q.Value)
			require.NoError(t, err)
			require.Equal(t, uint64(q.Height-1), acc.Nonce, "state of height %d", q.Height)
			checked++
		}
	}
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	require.Equal(t, int64(blocks+1), a.Height)
	require.Greater(t, checked, 0)
}
