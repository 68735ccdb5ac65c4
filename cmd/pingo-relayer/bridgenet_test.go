package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton/jetton"

	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// bridgeNet is what the relayer's end-to-end tests of issue #7 run on: a
// one-validator chain with epochs of 4 blocks on 127.0.0.ip, its first
// checkpoint sealed, and the local TON endpoint with the PINGO jetton and
// the anchor on 127.0.0.(ip+1).
type bridgeNet struct {
	n    *testutil.Net
	c    *client.Client
	rec1 bridge.CheckpointRecord // checkpoint 1: the endpoint's chain id and validator set
	e    *tonlocal.Endpoint
	j    *tonlocal.Jetton
}

// startBridgeNet starts the chain, waits for checkpoint 1, and starts the
// endpoint with the jetton that genesis gives (called with the running
// chain's client, e.g. to put its supply on the bridge's side).
func startBridgeNet(t *testing.T, ctx context.Context, ip int, genesis func(*client.Client) *tonlocal.JettonGenesis) *bridgeNet {
	t.Helper()
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 1, FirstIP: ip, BlockTime: 300 * time.Millisecond,
		Genesis: func(g *chain.Genesis) { g.State.Bridge.Params.EpochBlocks = 4 }})
	t.Cleanup(func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	})
	n.StartAll()
	b := &bridgeNet{n: n, c: n.Nodes[0].Client}
	waitFor(t, 20*time.Second, "checkpoint 1 on the chain", func() bool {
		r, found, err := b.c.Checkpoint(ctx, 1)
		b.rec1 = r
		return err == nil && found
	})
	key := tonlocaltest.RelayerKey()
	sctx, scancel := context.WithTimeout(ctx, 60*time.Second)
	e, err := tonlocal.Start(sctx, tonlocal.Options{
		Dir: t.TempDir(), Addr: fmt.Sprintf("127.0.0.%d:0", ip+1), ContractsDir: tonlocaltest.ContractsDir(t),
		BlockInterval: 200 * time.Millisecond, ChainID: b.rec1.ChainID, Validators: bridge.TONSet(b.rec1.Valset),
		Wallets: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)},
		Jetton:  genesis(b.c), AnchorBalance: big.NewInt(1_000_000_000), Log: t.Logf, Stderr: os.Stderr,
	})
	scancel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	b.e, b.j = e, e.Jetton()
	return b
}

// relayerSettings are a claiming relayer's settings against b, from
// claim 1 on.
func (b *bridgeNet) relayerSettings(t *testing.T) *settings {
	return &settings{
		ChainRPC: b.n.Nodes[0].RPC, ChainVerify: true, TONConfig: b.e.ConfigPath(), TONUnsafe: true,
		Anchor: b.e.Anchor(), WalletKey: tonlocaltest.RelayerKey(), WalletNetwork: tonlocal.WalletVersion.NetworkGlobalID,
		JournalDir: filepath.Join(t.TempDir(), "journal"), Amount: tlb.MustFromTON("0.05"),
		Claim: true, ClaimAmount: tlb.MustFromTON("0.1"), ClaimFrom: 1,
	}
}

// jettonBalance is owner's PINGO jetton balance on b's endpoint; 0 while
// its jetton wallet is not deployed.
func jettonBalance(t *testing.T, ctx context.Context, master *jetton.Client, owner *address.Address) *big.Int {
	w, err := master.GetJettonWallet(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	bal, err := w.GetBalance(ctx)
	if err != nil {
		return new(big.Int)
	}
	return bal
}
