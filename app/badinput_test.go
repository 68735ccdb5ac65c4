package app_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"math/big"
	"math/rand"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/stretchr/testify/require"
)

// ---- helpers shared by this package's tests (badinput, query, fuzz,
// determinism). Names start with "bi"/"q" to stay clear of other files. ----

// biTx builds and signs a tx with an arbitrary uint256 fee.
func biTx(key *ecdsa.PrivateKey, chainID, nonce uint64, fee *uint256.Int, msg auth.Msg) *auth.Tx {
	tx := &auth.Tx{ChainID: chainID, Msg: msg}
	tx.Nonce = nonce
	tx.Fee = *fee
	if err := tx.Sign(key); err != nil {
		panic(err)
	}
	return tx
}

func biEncode(t testing.TB, tx *auth.Tx) []byte {
	t.Helper()
	b, err := tx.Encode()
	require.NoError(t, err)
	return b
}

func biDecode(t testing.TB, a *testutil.App, raw []byte) *auth.Tx {
	t.Helper()
	tx, err := a.Codec().Decode(raw)
	require.NoError(t, err)
	return tx
}

// biFields splits an encoded envelope into its seven raw RLP fields.
func biFields(t testing.TB, raw []byte) []rlp.RawValue {
	t.Helper()
	var f []rlp.RawValue
	require.NoError(t, rlp.DecodeBytes(raw, &f))
	require.Len(t, f, 7)
	return f
}

func biJoin(t testing.TB, f []rlp.RawValue) []byte {
	t.Helper()
	b, err := rlp.EncodeToBytes(f)
	require.NoError(t, err)
	return b
}

func biOutputs(n int, amount uint64) []bank.Output {
	outs := make([]bank.Output, n)
	for i := range outs {
		outs[i] = bank.Output{To: testutil.Addr(testutil.Key(uint64(100 + i%7))), Amount: *uint256.NewInt(amount)}
	}
	return outs
}

func biBlockTime(h int64) time.Time { return time.Unix(1_700_000_000+h, 0) }

// biQuery runs a query and requires it to succeed.
func biQuery(t testing.TB, a *testutil.App, path string, height int64, prove bool) *abci.ResponseQuery {
	t.Helper()
	q, err := a.Query(context.Background(), &abci.RequestQuery{Path: path, Height: height, Prove: prove})
	require.NoError(t, err)
	require.Equal(t, uint32(0), q.Code, "%s @%d: %s", path, height, q.Log)
	return q
}

// biAccount reads an account at the latest height.
func biAccount(t testing.TB, a *testutil.App, addr auth.Address) auth.Account {
	t.Helper()
	q := biQuery(t, a, "/auth/account/"+addr.Hex(), 0, false)
	if q.Value == nil {
		return auth.Account{}
	}
	acc, err := auth.UnmarshalAccount(q.Value)
	require.NoError(t, err)
	return acc
}

func biBalance(t testing.TB, a *testutil.App, addr auth.Address) uint64 {
	t.Helper()
	acc := biAccount(t, a, addr)
	return acc.Balance.Uint64()
}

// biState is every queryable record of the given accounts plus supply and
// fee pool, at the latest height.
func biState(t testing.TB, a *testutil.App, addrs []auth.Address) map[string]string {
	t.Helper()
	out := map[string]string{}
	paths := []string{"/bank/supply", "/bank/fee_pool", "/auth/params", "/bank/params"}
	for _, ad := range addrs {
		paths = append(paths, "/auth/account/"+ad.Hex())
	}
	for _, p := range paths {
		out[p] = string(biQuery(t, a, p, 0, false).Value)
	}
	return out
}

func biInfo(t testing.TB, a *testutil.App) *abci.ResponseInfo {
	t.Helper()
	info, err := a.Info(context.Background(), &abci.RequestInfo{})
	require.NoError(t, err)
	return info
}

// ---- the bad-input table ----

const (
	biFunded = 1_000_000
	biPoor   = 5_000 // below min_fee
	biMinFee = 10_000
)

type badCase struct {
	name  string
	tx    []byte
	space string
	code  uint32
}

// badInputApp is an app where key 0 already sent one tx (nonce 1), keys 1
// and 2 are funded, key 3 holds less than min_fee and key 9 holds nothing.
func badInputApp(t *testing.T) *testutil.App {
	g := testutil.Genesis(3, biFunded)
	g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: testutil.Addr(testutil.Key(3)), Amount: uint256.NewInt(biPoor)})
	a := testutil.NewApp(t, g)
	setup := testutil.Transfer(testutil.Key(0), testutil.ChainID, 0, biMinFee, testutil.Addr(testutil.Key(1)), 1000)
	res := a.Block(setup)
	require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, uint64(1), biAccount(t, a, testutil.Addr(testutil.Key(0))).Nonce)
	return a
}

func badCases(t *testing.T, a *testutil.App) []badCase {
	k0, k1, k3, k9 := testutil.Key(0), testutil.Key(1), testutil.Key(3), testutil.Key(9)
	to := testutil.Addr(k1)
	cid := testutil.ChainID
	fee := uint256.NewInt(biMinFee)
	tr := func(amount uint64) *bank.Transfer { return &bank.Transfer{To: to, Amount: *uint256.NewInt(amount)} }
	// valid is what key 0 may send next; every mutation below starts from it.
	valid := testutil.Transfer(k0, cid, 1, biMinFee, to, 500)
	withSig := func(mut func(sig *[65]byte)) []byte {
		tx := biDecode(t, a, valid)
		mut(&tx.Sig)
		return biEncode(t, tx)
	}
	withField := func(i int, v rlp.RawValue) []byte {
		f := biFields(t, valid)
		f[i] = v
		return biJoin(t, f)
	}
	n := crypto.S256().Params().N
	halfN := new(big.Int).Rsh(n, 1)
	rng := rand.New(rand.NewSource(7))
	randomBytes := func(k int) []byte { b := make([]byte, k); rng.Read(b); return b }

	maxU := new(uint256.Int).SetAllOne()
	amountFeeOverflow := new(uint256.Int).Sub(maxU, uint256.NewInt(biMinFee-1)) // amount+fee = 2^256
	amountFeeMax := new(uint256.Int).Sub(maxU, uint256.NewInt(biMinFee))        // amount+fee = 2^256-1

	unknown := func() []byte {
		f := biFields(t, valid)
		f[1] = rlp.RawValue{0x63} // action 99
		return biJoin(t, f)
	}()
	mismatch := func() []byte {
		tx := biDecode(t, a, testutil.Transfer(k1, cid, 1, biMinFee, testutil.Addr(testutil.Key(2)), 500))
		tx.From = testutil.Addr(k0) // claims key 0, signed by key 1
		return biEncode(t, tx)
	}()

	cases := []badCase{
		{"empty", []byte{}, "auth", 2},
		{"malformed bytes", []byte("this is not a transaction \xff\x00\x01"), "auth", 2},
		{"random bytes", randomBytes(300), "auth", 2},
		{"truncated", valid[:len(valid)-1], "auth", 2},
		{"truncated to half", valid[:len(valid)/2], "auth", 2},
		{"trailing garbage", append(append([]byte{}, valid...), 0xde, 0xad), "auth", 2},
		{"trailing empty list", append(append([]byte{}, valid...), 0xc0), "auth", 2},
		// Same logical tx as `valid`, the nonce 1 written as 0x00 0x01.
		{"non-canonical nonce (leading zero)", withField(3, rlp.RawValue{0x82, 0x00, 0x01}), "auth", 2},
		{"non-canonical fee (leading zero)", withField(4, rlp.RawValue{0x83, 0x00, 0x27, 0x10}), "auth", 2},
		{"non-canonical nonce (long form single byte)", withField(3, rlp.RawValue{0x81, 0x01}), "auth", 2},
		{"oversized (> max_tx_bytes)", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{Outputs: biOutputs(400, 1)})), "auth", 3},
		{"oversized garbage", bytes.Repeat([]byte{0xc0}, 8193), "auth", 3},
		{"unknown action", unknown, "auth", 4},
		{"wrong chain id", testutil.Transfer(k0, 1, 1, biMinFee, to, 500), "auth", 5},
		{"wrong chain id (off by one)", testutil.Transfer(k0, cid+1, 1, biMinFee, to, 500), "auth", 5},
		{"bad signature: random bytes", withSig(func(s *[65]byte) { copy(s[:], randomBytes(65)); s[64] = 0x9c }), "auth", 6},
		{"bad signature: all zero", withSig(func(s *[65]byte) { *s = [65]byte{} }), "auth", 6},
		{"bad signature: r not on the curve", withSig(func(s *[65]byte) { copy(s[:32], biNonX()); s[64] = 27 }), "auth", 6},
		{"bad signature: random r,s in range recover a stranger", withSig(func(s *[65]byte) {
			copy(s[:32], biOnCurveR())
			copy(s[32:64], randomBytes(32))
			s[32] &= 0x3f // low s
		}), "auth", 7},
		{"malleated high-s signature", withSig(func(s *[65]byte) {
			sv := new(big.Int).SetBytes(s[32:64])
			new(big.Int).Sub(n, sv).FillBytes(s[32:64])
			s[64] = 27 + 28 - s[64]
		}), "auth", 6},
		{"s = halfN + 1", withSig(func(s *[65]byte) { new(big.Int).Add(halfN, big.NewInt(1)).FillBytes(s[32:64]) }), "auth", 6},
		{"v = 0 (raw recovery id)", withSig(func(s *[65]byte) { s[64] -= 27 }), "auth", 6},
		{"v = 1", withSig(func(s *[65]byte) { s[64] = 1 }), "auth", 6},
		{"v = 29", withSig(func(s *[65]byte) { s[64] = 29 }), "auth", 6},
		{"v = 35 (EIP-155 style)", withSig(func(s *[65]byte) { s[64] = 35 }), "auth", 6},
		{"signer mismatch (signed by another key)", mismatch, "auth", 7},
		{"nonce too low", testutil.Transfer(k0, cid, 0, biMinFee, to, 500), "auth", 8},
		{"nonce too high", testutil.Transfer(k0, cid, 2, biMinFee, to, 500), "auth", 9},
		{"nonce far too high", testutil.Transfer(k0, cid, ^uint64(0), biMinFee, to, 500), "auth", 9},
		{"fee below min_fee", testutil.Transfer(k0, cid, 1, biMinFee-1, to, 500), "auth", 10},
		{"zero fee", testutil.Transfer(k0, cid, 1, 0, to, 500), "auth", 10},
		{"insufficient for fee alone", testutil.Transfer(k3, cid, 0, biMinFee, to, 1), "auth", 11},
		{"unfunded sender", testutil.Transfer(k9, cid, 0, biMinFee, to, 1), "auth", 11},
		// key 0 holds 989000 after the setup tx: 980000 fits, 980000+fee does not.
		{"insufficient for amount + fee", testutil.Transfer(k0, cid, 1, biMinFee, to, 980_000), "bank", 4},
		{"insufficient: amount = balance", testutil.Transfer(k0, cid, 1, biMinFee, to, 989_000), "bank", 4},
		{"amount + fee = 2^256-1 (no overflow, unfunded)", biEncode(t, biTx(k0, cid, 1, fee, &bank.Transfer{To: to, Amount: *amountFeeMax})), "bank", 4},
		{"zero amount", testutil.Transfer(k0, cid, 1, biMinFee, to, 0), "bank", 2},
		{"amount 2^256-1", biEncode(t, biTx(k0, cid, 1, fee, &bank.Transfer{To: to, Amount: *maxU})), "bank", 5},
		{"amount + fee = 2^256 (overflow)", biEncode(t, biTx(k0, cid, 1, fee, &bank.Transfer{To: to, Amount: *amountFeeOverflow})), "bank", 5},
		{"fee 2^256-1", biEncode(t, biTx(k0, cid, 1, maxU, tr(1))), "bank", 5},
		{"transfer to self", testutil.Transfer(k0, cid, 1, biMinFee, testutil.Addr(k0), 500), "bank", 3},
		{"transfer to zero address", testutil.Transfer(k0, cid, 1, biMinFee, auth.ZeroAddress, 500), "bank", 7},
		{"multisend 0 outputs", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{})), "bank", 6},
		{"multisend > max_outputs", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{Outputs: biOutputs(65, 1)})), "bank", 6},
		{"multisend one zero output", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{Outputs: append(biOutputs(2, 1), bank.Output{To: to})})), "bank", 2},
		{"multisend to self", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{Outputs: []bank.Output{{To: testutil.Addr(k0), Amount: *uint256.NewInt(1)}}})), "bank", 3},
		{"multisend to zero address", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{Outputs: []bank.Output{{To: auth.ZeroAddress, Amount: *uint256.NewInt(1)}}})), "bank", 7},
		{"multisend sum overflows", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{Outputs: []bank.Output{{To: to, Amount: *maxU}, {To: testutil.Addr(testutil.Key(2)), Amount: *uint256.NewInt(1)}}})), "bank", 5},
		{"multisend insufficient", biEncode(t, biTx(k0, cid, 1, fee, &bank.MultiSend{Outputs: []bank.Output{{To: to, Amount: *uint256.NewInt(500_000)}, {To: testutil.Addr(testutil.Key(2)), Amount: *uint256.NewInt(500_000)}}})), "bank", 4},
	}
	// Sanity: the oversized MultiSend really is a well-formed tx that only
	// its size rules out, and max_outputs+1 is still under the size cap.
	require.Greater(t, len(cases[10].tx), int(auth.DefaultParams().MaxTxBytes))
	_, err := a.Codec().Decode(cases[10].tx)
	require.NoError(t, err)
	return cases
}

// biNonX is an r that is no curve point's x coordinate.
func biNonX() []byte {
	p := crypto.S256().Params().P
	for x := int64(1); ; x++ {
		y2 := new(big.Int).Exp(big.NewInt(x), big.NewInt(3), p)
		y2.Add(y2, big.NewInt(7)).Mod(y2, p)
		if new(big.Int).ModSqrt(y2, p) == nil {
			return big.NewInt(x).FillBytes(make([]byte, 32))
		}
	}
}

// biOnCurveR is an r that is a curve point's x coordinate.
func biOnCurveR() []byte {
	p := crypto.S256().Params().P
	for x := int64(1); ; x++ {
		y2 := new(big.Int).Exp(big.NewInt(x), big.NewInt(3), p)
		y2.Add(y2, big.NewInt(7)).Mod(y2, p)
		if new(big.Int).ModSqrt(y2, p) != nil {
			return big.NewInt(x).FillBytes(make([]byte, 32))
		}
	}
}

func TestBadInput(t *testing.T) {
	a := badInputApp(t)
	ctx := context.Background()
	k0 := testutil.Key(0)
	watched := []auth.Address{auth.ZeroAddress}
	for i := uint64(0); i < 10; i++ {
		watched = append(watched, testutil.Addr(testutil.Key(i)))
	}
	for i := uint64(100); i < 107; i++ {
		watched = append(watched, testutil.Addr(testutil.Key(i)))
	}
	// The tx key 0 may legitimately send next; CheckTx must still take it
	// after any rejection (a rejected tx leaves nothing in the mempool state).
	probe := testutil.Transfer(k0, testutil.ChainID, 1, biMinFee, testutil.Addr(testutil.Key(2)), 1)
	// A valid tx of an uninvolved sender, to put beside the bad one in a block.
	other := testutil.Transfer(testutil.Key(2), testutil.ChainID, 0, biMinFee, testutil.Addr(testutil.Key(1)), 1)

	for _, tc := range badCases(t, a) {
		t.Run(tc.name, func(t *testing.T) {
			before := biState(t, a, watched)
			info := biInfo(t, a)
			require.Equal(t, a.Height, info.LastBlockHeight)

			// CheckTx, twice (the second may hit the signature cache), and as a recheck.
			for _, typ := range []abci.CheckTxType{abci.CheckTxType_New, abci.CheckTxType_New, abci.CheckTxType_Recheck} {
				res, err := a.CheckTx(ctx, &abci.RequestCheckTx{Tx: tc.tx, Type: typ})
				require.NoError(t, err)
				require.Equal(t, tc.space, res.Codespace, "CheckTx log: %s", res.Log)
				require.Equal(t, tc.code, res.Code, "CheckTx log: %s", res.Log)
				require.NotEmpty(t, res.Log)
			}
			require.Equal(t, uint32(0), a.Check(probe).Code, "a valid tx is still accepted after the rejection")

			// PrepareProposal drops it.
			h := a.Height + 1
			prep, err := a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Txs: [][]byte{tc.tx}, MaxTxBytes: 1 << 20, Height: h, Time: biBlockTime(h)})
			require.NoError(t, err)
			require.Empty(t, prep.Txs)

			// ProcessProposal rejects a block holding it, alone or after a valid tx.
			for _, txs := range [][][]byte{{tc.tx}, {other, tc.tx}, {tc.tx, other}} {
				pp, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: h, Time: biBlockTime(h).Add(time.Second)})
				require.NoError(t, err)
				require.Equal(t, abci.ResponseProcessProposal_REJECT, pp.Status)
			}

			// FinalizeBlock given it anyway: a failing result, no state change.
			fin, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: [][]byte{tc.tx}, Height: h, Time: biBlockTime(h)})
			require.NoError(t, err)
			require.Len(t, fin.TxResults, 1)
			r := fin.TxResults[0]
			require.Equal(t, tc.space, r.Codespace, r.Log)
			require.Equal(t, tc.code, r.Code, r.Log)
			require.NotEmpty(t, r.Log)
			require.Empty(t, r.Events)
			require.Equal(t, info.LastBlockAppHash, fin.AppHash, "a block of only failing txs must not change the AppHash")
			_, err = a.Commit(ctx, &abci.RequestCommit{})
			require.NoError(t, err)
			a.Height = h
			require.NoError(t, a.CheckInvariants())

			after := biInfo(t, a)
			require.Equal(t, h, after.LastBlockHeight)
			require.Equal(t, info.LastBlockAppHash, after.LastBlockAppHash)
			require.Equal(t, before, biState(t, a, watched))
		})
	}

	// The app keeps serving: a valid transfer still goes through.
	bal1 := biBalance(t, a, testutil.Addr(testutil.Key(1)))
	tx := testutil.Transfer(k0, testutil.ChainID, 1, biMinFee, testutil.Addr(testutil.Key(1)), 777)
	require.Equal(t, uint32(0), a.Check(tx).Code)
	res := a.Block(tx)
	require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, bal1+777, biBalance(t, a, testutil.Addr(testutil.Key(1))))
	acc0 := biAccount(t, a, testutil.Addr(k0))
	require.Equal(t, uint64(2), acc0.Nonce)
	require.Equal(t, uint64(biFunded-1000-biMinFee-777-biMinFee), acc0.Balance.Uint64())
}

// TestFinalizeBlockIsolatesFailures: failing txs between valid ones get their
// own code and change nothing; the valid ones around them apply in order.
func TestFinalizeBlockIsolatesFailures(t *testing.T) {
	a := testutil.NewApp(t, testutil.Genesis(3, biFunded))
	k0, k1, k2 := testutil.Key(0), testutil.Key(1), testutil.Key(2)
	a1, a2 := testutil.Addr(k1), testutil.Addr(k2)
	txs := [][]byte{
		testutil.Transfer(k0, testutil.ChainID, 0, biMinFee, a1, 100),
		testutil.Transfer(k0, testutil.ChainID, 0, biMinFee, a1, 100),       // replay of nonce 0: too low now
		testutil.Transfer(k0, testutil.ChainID, 1, biMinFee, a1, 5_000_000), // insufficient
		testutil.Transfer(k0, testutil.ChainID, 1, biMinFee, a2, 200),       // nonce 1 still free
		[]byte("junk"),
		testutil.Transfer(k1, testutil.ChainID, 0, biMinFee, a2, 300),
	}
	want := []struct {
		space string
		code  uint32
	}{{"", 0}, {"auth", 8}, {"bank", 4}, {"", 0}, {"auth", 2}, {"", 0}}

	ctx := context.Background()
	pp, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: 1, Time: biBlockTime(1)})
	require.NoError(t, err)
	require.Equal(t, abci.ResponseProcessProposal_REJECT, pp.Status)

	prep, err := a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Txs: txs, MaxTxBytes: 1 << 20, Height: 1, Time: biBlockTime(1)})
	require.NoError(t, err)
	require.Equal(t, [][]byte{txs[0], txs[3], txs[5]}, prep.Txs)

	res := a.Block(txs...)
	require.Len(t, res.TxResults, len(txs))
	for i, w := range want {
		require.Equal(t, w.space, res.TxResults[i].Codespace, "tx %d: %s", i, res.TxResults[i].Log)
		require.Equal(t, w.code, res.TxResults[i].Code, "tx %d: %s", i, res.TxResults[i].Log)
	}
	require.Equal(t, uint64(biFunded-100-200-2*biMinFee), biBalance(t, a, testutil.Addr(k0)))
	require.Equal(t, uint64(2), biAccount(t, a, testutil.Addr(k0)).Nonce)
	require.Equal(t, uint64(biFunded+100-300-biMinFee), biBalance(t, a, a1))
	require.Equal(t, uint64(biFunded+200+300), biBalance(t, a, a2))
	pool := biQuery(t, a, "/bank/fee_pool", 0, false).Value
	require.Equal(t, uint64(3*biMinFee), new(uint256.Int).SetBytes(pool).Uint64())
}

// TestMempoolMinFee: the node-local floor applies to CheckTx only; a block
// from another proposer paying just the consensus min_fee is accepted.
func TestMempoolMinFee(t *testing.T) {
	dir := t.TempDir()
	inner, err := app.New(dir, app.Config{MempoolMinFee: uint256.NewInt(50_000), Tree: store.Options{CacheNodes: 10_000}}, log.NewNopLogger())
	require.NoError(t, err)
	t.Cleanup(func() { _ = inner.Close() })
	raw, err := json.Marshal(testutil.Genesis(2, biFunded))
	require.NoError(t, err)
	_, err = inner.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-test", AppStateBytes: raw, InitialHeight: 1})
	require.NoError(t, err)
	a := &testutil.App{App: inner, Dir: dir, T: t}

	cheap := testutil.Transfer(testutil.Key(0), testutil.ChainID, 0, biMinFee, testutil.Addr(testutil.Key(1)), 1)
	res := a.Check(cheap)
	require.Equal(t, "auth", res.Codespace)
	require.Equal(t, uint32(10), res.Code, res.Log)
	pp, err := a.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: [][]byte{cheap}, Height: 1, Time: biBlockTime(1)})
	require.NoError(t, err)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, pp.Status)
	fin := a.Block(cheap)
	require.Equal(t, uint32(0), fin.TxResults[0].Code, fin.TxResults[0].Log)
	rich := testutil.Transfer(testutil.Key(0), testutil.ChainID, 1, 50_000, testutil.Addr(testutil.Key(1)), 1)
	require.Equal(t, uint32(0), a.Check(rich).Code)
}
