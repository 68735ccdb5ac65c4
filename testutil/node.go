package testutil

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/chain"
)

// FreePort asks the kernel for an unused loopback port.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Node is a single-validator node running in-process on loopback.
type Node struct {
	*chain.Node
	Home string
	RPC  string // http://127.0.0.1:port
	Cfg  *chain.Config
}

// StartNode initialises a home in a temp dir with genesis app state g,
// starts the node with fast blocks, and stops it when the test ends. The
// node's validator is g's test validator (SetValidator) with the home's
// consensus and bridge keys, so the chain has beacons.
func StartNode(t testing.TB, g app.GenesisState, tune ...func(*cmtcfg.Config)) *Node {
	t.Helper()
	// Not t.TempDir: CometBFT's address book may still be flushing when the
	// node stops, and TempDir's cleanup fails the test on a busy directory.
	home, err := os.MkdirTemp("", "pingo-node-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(home) })
	if _, err := chain.InitHome(home, chain.InitOptions{Moniker: "test", ChainID: "pingo-test", L2ChainID: g.Auth.Params.ChainID}); err != nil {
		t.Fatal(err)
	}
	gen, err := chain.ReadGenesis(chain.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	// The node's own key validates: the test validator (added if g lacks
	// it) takes the node's consensus key and its home's bridge key, so the
	// node's vote extensions produce x/bridge beacons as on a real chain.
	bk, err := chain.LoadBridgeKey(chain.BridgeKeyFile(home))
	if err != nil {
		t.Fatal(err)
	}
	SetValidator(&g, gen.Doc.Validators[0].PubKey.Bytes(), bk.Public().(ed25519.PublicKey))
	gen.State = &g
	if err := gen.Write(chain.GenesisFile(home)); err != nil {
		t.Fatal(err)
	}
	return StartHome(t, home, tune...)
}

// StartHome starts the node in an existing home on fresh loopback ports with
// fast blocks and stops it when the test ends.
func StartHome(t testing.TB, home string, tune ...func(*cmtcfg.Config)) *Node {
	t.Helper()
	cfg, err := chain.LoadConfig(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Cmt.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", FreePort(t))
	cfg.Cmt.P2P.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", FreePort(t))
	cfg.Cmt.P2P.PexReactor = false
	cfg.Cmt.Consensus.TimeoutCommit = 100 * time.Millisecond
	cfg.Cmt.Consensus.TimeoutPropose = 500 * time.Millisecond
	for _, f := range tune {
		f(cfg.Cmt)
	}
	n, err := chain.NewNode(cfg, log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Stop() })
	node := &Node{Node: n, Home: home, RPC: chain.RPCAddr(cfg.Cmt), Cfg: cfg}
	node.WaitHeight(t, node.committed()+2, 30*time.Second)
	return node
}

// committed is the app's last committed height (the block store can be one
// block ahead of it).
func (n *Node) committed() int64 {
	info, err := n.App.Info(context.Background(), nil)
	if err != nil {
		return 0
	}
	return info.LastBlockHeight
}

// WaitHeight blocks until the app has committed height h.
func (n *Node) WaitHeight(t testing.TB, h int64, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for n.committed() < h {
		select {
		case <-ctx.Done():
			t.Fatalf("height %d not committed in %s (at %d)", h, timeout, n.committed())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
