package app_test

import (
	"context"
	"math"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	"github.com/stretchr/testify/require"
)

// qAllowed is every non-OK (codespace, code) Query may answer with; anything
// else (above all pingo/1, internal) is a bug.
var qAllowed = map[string]map[uint32]bool{
	"query": {2: true, 3: true}, // unknown path, height unavailable
	"auth":  {12: true},         // invalid address
}

// FuzzQueryPath: Query never panics or errors on any path, height and prove
// flag; answers OK only for documented paths at committed heights (with a
// proof that verifies when asked) and otherwise with a registered code.
// Seeds: testdata/fuzz/FuzzQueryPath plus the table of TestQueryGarbage.
func FuzzQueryPath(f *testing.F) {
	c := newQChain(f)
	a0 := testutil.Addr(testutil.Key(0)).Hex()
	for _, p := range []string{
		"/auth/account/" + a0, "/bank/balance/" + strings.ToLower(a0), "/auth/params", "/bank/params",
		"/bank/supply", "/bank/fee_pool", "/staking/params", "/staking/validators",
		"/nft/params", "/nft/nft/1", "/nft/owner/" + a0, "/nft/contributor/" + a0,
		"/compute/params", "/compute/nodes", "/compute/node/" + a0, "/compute/job/1", "/compute/receipt/18446744073709551615",
		"/compute/jobs/state/open", "/compute/jobs/owner/" + a0 + "/0", "/compute/jobs/node/" + a0,
		"/compute/jobs/epoch/0/4294967295", "/compute/receipts/job/01", "/compute/receipts/contributor/" + a0 + "/-1",
		"/compute/attestation/0x" + strings.Repeat("ab", 32), "/compute/incentive_pool", "/compute/escrow_total",
		"/bridge/withdrawal/1", "/bridge/withdrawal_leaves/1", "/bridge/withdrawal_epoch/01", "/bridge/withdrawals/" + a0 + "/count",
		"/bridge/withdrawals/" + a0 + "/0", "/bridge/next_withdrawal_id", "/bridge/withdrawn_total",
		"/bridge/deposit/0x" + strings.Repeat("ab", 32) + "/1", "/bridge/deposit/0xab/01", "/bridge/deposited_total", "/bridge/refundable_total", "/bridge/returned_total",
	} {
		f.Add(p, int64(0), true)
		f.Add(p, int64(1), false)
	}
	for _, g := range qGarbage() {
		if len(g.path) < 512 {
			f.Add(g.path, g.height, false)
		}
	}
	f.Add("/bank/supply", int64(math.MaxInt64), true)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, path string, height int64, prove bool) {
		q, err := c.Query(ctx, &abci.RequestQuery{Path: path, Height: height, Prove: prove})
		require.NoError(t, err)
		require.NotNil(t, q)
		if q.Code != 0 {
			require.True(t, qAllowed[q.Codespace][q.Code], "unexpected code %s/%d for %q @%d: %s", q.Codespace, q.Code, path, height, q.Log)
			require.NotEmpty(t, q.Log)
			require.Nil(t, q.Value)
			require.Nil(t, q.ProofOps)
			return
		}
		require.Empty(t, q.Codespace)
		trimmed := strings.TrimPrefix(path, "/")
		ok := false
		for _, m := range []string{"auth/", "bank/", "staking/", "nft/", "compute/", "bridge/"} {
			ok = ok || strings.HasPrefix(trimmed, m)
		}
		require.True(t, ok, "OK for %q", path)
		require.NotEmpty(t, q.Key)
		require.GreaterOrEqual(t, q.Height, int64(1))
		require.LessOrEqual(t, q.Height, c.Height)
		if height != 0 {
			require.Equal(t, height, q.Height)
		}
		if prove {
			require.True(t, qVerify(t, q, c.hashes[q.Height]), "proof for %q @%d does not verify", path, q.Height)
		} else {
			require.Nil(t, q.ProofOps)
		}
	})
}

// txAllowed is every code CheckTx may reject a tx with: the auth, bank,
// staking, nft and compute codes a transaction can earn. pingo/1
// (internal) would be a bug.
var txAllowed = map[string]map[uint32]bool{
	"auth":    {2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true, 10: true, 11: true},
	"bank":    {2: true, 3: true, 4: true, 5: true, 6: true, 7: true},
	"staking": codeRange(2, 18),
	"nft":     codeRange(2, 5),
	"compute": codeRange(2, 42),
	"bridge":  {2: true, 3: true, 4: true, 5: true, 6: true, 10: true, 11: true, 12: true, 13: true, 40: true, 41: true, 42: true, 43: true, 50: true, 51: true},
}

func codeRange(lo, hi uint32) map[uint32]bool {
	m := map[uint32]bool{}
	for c := lo; c <= hi; c++ {
		m[c] = true
	}
	return m
}

// FuzzCheckTx: CheckTx on arbitrary bytes never panics or errors and answers
// OK or a registered tx code; whatever it accepts is canonical and signed
// by its sender.
func FuzzCheckTx(f *testing.F) {
	a := testutil.NewApp(f, testutil.Genesis(3, biFunded))
	k0, k1 := testutil.Key(0), testutil.Key(1)
	f.Add(testutil.Transfer(k0, testutil.ChainID, 0, biMinFee, testutil.Addr(k1), 1))
	f.Add(testutil.Transfer(k0, testutil.ChainID, 0, biMinFee, testutil.Addr(k1), 0))
	f.Add(testutil.SignedTx(k1, testutil.ChainID, 0, biMinFee, &bank.MultiSend{Outputs: biOutputs(3, 5)}))
	f.Add([]byte{0xc0})
	f.Add(testutil.SignedTx(k0, testutil.ChainID, 0, biMinFee, testutil.Attestation(testutil.ChainID, 1, testutil.Addr(k0), 0, 4, 9, testutil.KeysFrom(20, 2))))
	f.Add(testutil.SignedTx(k1, testutil.ChainID, 0, biMinFee, &compute.SubmitJob{UnitKind: 1, Units: 3, PricePerUnit: *uint256.NewInt(2), MaxNodes: 1, Expiry: 9}))
	f.Add(testutil.SignedTx(k1, testutil.ChainID, 0, biMinFee, &nft.TransferNFT{ID: 1, To: testutil.Addr(k0)}))
	f.Add(wdTx(k0, 0, wdTo(1), uint256.NewInt(1000)))
	f.Add(wdTx(k0, 0, wdTo(1), uint256.NewInt(0)))
	f.Add(testutil.SignedTx(k1, testutil.ChainID, 0, biMinFee, &bridge.ReportAnchor{Epoch: 1, TONTxHash: bridge.Hash32{1}, TONLt: 7}))
	f.Add(testutil.SignedTx(k1, testutil.ChainID, 0, biMinFee, &bridge.ReportRefund{TONTxHash: bridge.Hash32{1}, TONLt: 7, Sender: wdTo(2), Amount: *uint256.NewInt(5)}))
	f.Add(testutil.SignedTx(k1, testutil.ChainID, 0, biMinFee, &bridge.ReportRefund{TONTxHash: bridge.Hash32{1}, TONLt: 7, Sender: wdTo(2)}))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, tx []byte) {
		res, err := a.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		if res.Code != 0 {
			require.True(t, txAllowed[res.Codespace][res.Code], "unexpected code %s/%d: %s", res.Codespace, res.Code, res.Log)
			require.NotEmpty(t, res.Log)
			return
		}
		// Accepted: it must decode canonically and carry a valid signature.
		dec, err := a.Codec().Decode(tx)
		require.NoError(t, err)
		again, err := dec.Encode()
		require.NoError(t, err)
		require.Equal(t, tx, again)
		signer, err := dec.RecoverSender()
		require.NoError(t, err)
		require.Equal(t, dec.From, signer)
	})
}
