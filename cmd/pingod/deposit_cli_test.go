package main

import (
	"context"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// TestCLIDepositStatusLive: a one-validator node on 127.0.0.226 without a
// TON watcher, so a reported deposit stays "reported". `query deposit`
// shows it with its pending fact (and not_found for a transaction nobody
// reported); `query transfers --stuck` lists it once it is older than
// --older-than blocks, and not before; a malformed hash is a usage error.
func TestCLIDepositStatusLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node")
	}
	g := testutil.Genesis(0, 0)
	dev := auth.PubkeyToAddress(&chain.DevKey(0).PublicKey)
	g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: dev, Amount: uint256.NewInt(10_000_000_000_000)})
	n := testutil.StartNode(t, g, func(c *cmtcfg.Config) {
		c.RPC.ListenAddress = "tcp://127.0.0.226:26657"
		c.P2P.ListenAddress = "tcp://127.0.0.226:26656"
	})
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	m := &bridge.ReportDeposit{TONTxHash: bridge.Hash32{0xab, 31: 1}, TONLt: 4242, Recipient: auth.Address{0x77}}
	m.Amount.SetUint64(5_000_000_000)
	_, h, err := c.Send(ctx, chain.DevKey(0), m, uint256.NewInt(10_000))
	require.NoError(t, err)
	hash, _ := m.TONTxHash.MarshalText()
	q := func(args ...string) map[string]any {
		r := pingod(t, nil, append(args, "--node", n.RPC)...)
		mustOK(t, r, strings.Join(args, " "))
		return decodeJSON(t, r.stdout)
	}
	d := q("query", "deposit", string(hash), "4242")
	rec := d["deposit"].(map[string]any)
	require.Equal(t, "reported", rec["status"])
	require.Equal(t, float64(h), rec["reported_height"])
	facts := d["pending_facts"].([]any)
	require.Len(t, facts, 1)
	id, _ := m.Fact().ID().MarshalText()
	require.Equal(t, string(id), facts[0].(map[string]any)["id"])
	require.Equal(t, true, d["proof_verified"])
	require.Equal(t, "not_found", q("query", "deposit", string(hash), "4243")["status"])

	require.Empty(t, q("query", "transfers", "--stuck", "--older-than", "1000")["deposits_unconfirmed"])
	var stuck map[string]any
	require.Eventually(t, func() bool {
		stuck = q("query", "transfers", "--stuck", "--older-than", "2")
		l, _ := stuck["deposits_unconfirmed"].([]any)
		return len(l) == 1 && l[0].(map[string]any)["ton_lt"] == float64(4242)
	}, 20*time.Second, 300*time.Millisecond)
	// No validator watches TON here: no vote, so reported; and without
	// --ton-config nothing is known about claims.
	require.Equal(t, "reported", stuck["deposits_unconfirmed"].([]any)[0].(map[string]any)["status"])
	require.Equal(t, "none", stuck["claim_status_source"])

	r := pingod(t, nil, "query", "deposit", "0x12", "1", "--node", n.RPC)
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, "64 hex digits")
}
