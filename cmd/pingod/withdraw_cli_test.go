package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/stretchr/testify/require"
	"github.com/xssnick/tonutils-go/address"
)

// TestCLIWithdrawLive: a one-validator node on 127.0.0.215 (epochs of 4
// blocks). `pingod tx withdraw` in raw and user-friendly address forms;
// refusals with their codes; `query withdrawal` follows it from burned to
// checkpointed with a verified path; `query withdrawals --from` lists
// them; `bridge claim --out` writes a claim body that parses back and
// whose path verifies against the sealed root; with --ton-config the
// status also asks a real anchor (local TON endpoint, 127.0.0.218).
func TestCLIWithdrawLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node")
	}
	g := testutil.Genesis(0, 0)
	dev := auth.PubkeyToAddress(&chain.DevKey(0).PublicKey)
	g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: dev, Amount: uint256.NewInt(10_000_000_000_000)})
	g.Bridge.Params.EpochBlocks = 4
	n := testutil.StartNode(t, g, func(c *cmtcfg.Config) {
		c.RPC.ListenAddress = "tcp://127.0.0.215:26657"
		c.P2P.ListenAddress = "tcp://127.0.0.215:26656"
	})
	node := n.RPC
	require.Contains(t, node, "127.0.0.215")
	wallet := t.TempDir()
	kr := []string{"--home", wallet, "--keyring-backend", "test"}
	mustOK(t, pingod(t, []string{"PINGOD_MNEMONIC=" + chain.DevMnemonic()}, append([]string{"keys", "recover", "dev"}, kr...)...), "recover dev")
	tx := func(args ...string) result {
		return pingod(t, nil, append(append([]string{"tx", "withdraw"}, args...), append([]string{"--from", "dev", "--node", node}, kr...)...)...)
	}
	q := func(args ...string) map[string]any {
		r := pingod(t, nil, append(args, "--node", node)...)
		mustOK(t, r, args[0]+" "+args[1])
		return decodeJSON(t, r.stdout)
	}
	raw := "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8"
	friendly := address.MustParseRawAddr(raw).Bounce(false).String() // UQ…

	r := tx("--to", raw, "--amount", "1.5pingo")
	mustOK(t, r, "tx withdraw (raw address)")
	h1 := decodeJSON(t, r.stdout)["height"].(float64)
	mustOK(t, tx("--to", friendly, "--amount", "2pingo"), "tx withdraw (user-friendly address)")

	// Refusals: the chain's codes with exit 2; an unparsable address is a
	// usage error (1).
	for _, c := range []struct {
		to, amount, code string
		exit             int
	}{
		{raw, "0", "bridge/40", 2},
		{raw, "1329227995784915872903807060280344576", "bridge/40", 2}, // 2^120
		{raw, "20000000pingo", "bank/4", 2},
		{"5:" + raw[2:], "1", "workchain", 1},
		{"0:1234", "1", "TON address", 1},
		{friendly[:47] + "A", "1", "TON address", 1},
	} {
		r := tx("--to", c.to, "--amount", c.amount)
		require.Equal(t, c.exit, r.code, "%s %s: %s", c.to, c.amount, r)
		require.Contains(t, r.stderr, c.code)
	}

	// Burned at once; checkpointed once its epoch's checkpoint seals.
	w := q("query", "withdrawal", "1")
	rec := w["withdrawal"].(map[string]any)["record"].(map[string]any)
	require.Equal(t, raw, rec["to"])
	require.Equal(t, "1500000000", rec["amount"])
	require.Equal(t, h1, rec["height"])
	require.Equal(t, true, w["proof_verified"])
	deadline := time.Now().Add(60 * time.Second)
	var wd map[string]any
	for {
		wd = q("query", "withdrawal", "2")["withdrawal"].(map[string]any)
		if wd["status"] == "checkpointed" || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	require.Equal(t, "checkpointed", wd["status"], "%v", wd)
	require.Equal(t, raw, wd["record"].(map[string]any)["to"], "the user-friendly form is the same account")

	list := q("query", "withdrawals", "--from", dev.Hex())["withdrawals"].([]any)
	require.Len(t, list, 2)
	require.EqualValues(t, 2, list[0].(map[string]any)["id"])

	out := filepath.Join(t.TempDir(), "claim.boc")
	r = pingod(t, nil, "bridge", "claim", "2", "--out", out, "--node", node)
	mustOK(t, r, "bridge claim")
	boc, err := os.ReadFile(out)
	require.NoError(t, err)
	cl, err := checkpoint.ParseClaimBOC(boc)
	require.NoError(t, err)
	require.Equal(t, uint64(2), cl.Withdrawal.ID)
	require.Equal(t, "2000000000", cl.Withdrawal.Amount.String())
	root, err := hex.DecodeString(wd["withdrawal_root"].(string)[2:])
	require.NoError(t, err)
	leaf, err := cl.Withdrawal.LeafHash()
	require.NoError(t, err)
	require.True(t, checkpoint.VerifyWithdrawalPath([32]byte(root), leaf, uint64(cl.Index), cl.Path))
	// Asked of a real anchor (the local TON endpoint) too: not paid there,
	// so still checkpointed, with the anchor's answer shown.
	e := tonlocaltest.StartWithJetton(t, t.TempDir(), "127.0.0.218:0")
	defer e.Close()
	wt := q("query", "withdrawal", "2", "--ton-config", e.ConfigPath(), "--anchor", e.Anchor().String(), "--ton-unsafe")["withdrawal"].(map[string]any)
	require.Equal(t, false, wt["claimed_on_ton"], "%v", wt)
	require.Equal(t, "checkpointed", wt["status"])

	// No withdrawal 3: a clear error.
	r = pingod(t, nil, "bridge", "claim", "3", "--out", out, "--node", node)
	require.Equal(t, 1, r.code, "%s", r)
	require.Contains(t, r.stderr, "withdrawal 3: none on chain")
}
