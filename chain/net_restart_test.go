package chain_test

import (
	"context"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/pingo-chain/pingo/testutil"
)

// TestRestartInProcess: four validators on 127.0.0.64–67, each stopped and
// restarted in the same process in turn (as the network tests do to
// reconfigure a node), while a client created before the restarts keeps
// querying. Regression test for two leaks of CometBFT v0.38's Stop that
// made chain/TestDepositWithdrawNetwork fail:
//
//   - RPC: Stop only closed the listener, so a client's keep-alive
//     connection went on being served by the stopped node, whose app is
//     closed: "query/3 height N pruned" for as long as the client polled.
//     The node now serves the RPC itself and closes every connection,
//     websocket ones included (chain/rpc.go): a subscriber of node0 must
//     get blocks from the restarted node.
//   - p2p: the peers redialled the stopping node between its disconnecting
//     them and closing its listener; the stopping switch leaked those
//     connections, and each peer then refused the restarted node as a
//     duplicate for tens of seconds. The p2p filter now refuses them
//     (chain/peerfilter.go).
//
// Each restarted node must be back with all three peers and at the
// network's height within 10 s (300 ms blocks), and the old client's next
// query must be answered by the new node.
func TestRestartInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-validator network")
	}
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 4, FirstIP: 64, BlockTime: 300 * time.Millisecond})
	defer func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	n.StartAll()
	n.WaitHeight(0, 3, 30*time.Second)
	// A websocket subscriber of node0: its connection must be closed by
	// the stop too (net/http forgets hijacked connections), so that the
	// client reconnects to the restarted node and events resume.
	ws := n.Nodes[0].Client.RPC()
	require.NoError(t, ws.Start())
	defer func() { _ = ws.Stop() }()
	blocks, err := ws.Subscribe(ctx, "restart-test", "tm.event='NewBlock'")
	require.NoError(t, err)
	newestBlock := func() int64 { // drains what arrived
		var h int64
		for {
			select {
			case ev := <-blocks:
				if b, ok := ev.Data.(cmttypes.EventDataNewBlock); ok {
					h = b.Block.Height
				}
			default:
				return h
			}
		}
	}
	for i := range n.Nodes {
		c := n.Nodes[i].Client
		_, err := c.Query(ctx, "/bank/supply", 0) // leaves a keep-alive connection open
		require.NoError(t, err)
		start := time.Now()
		n.Stop(i)
		n.Start(i)
		target := n.MaxHeight() + 2
		require.True(t, within(10*time.Second, func() bool {
			out, _, _ := n.Nodes[i].Node.Cmt.Switch().NumPeers()
			in := n.Nodes[i].Node.Cmt.Switch().Peers().Size() - out
			return out+in == 3 && n.Nodes[i].Committed() >= target
		}), "node%d: not back with 3 peers at height %d within 10 s of its restart (peers %d, height %d)",
			i, target, n.Nodes[i].Node.Cmt.Switch().Peers().Size(), n.Nodes[i].Committed())
		t.Logf("node%d: restarted, 3 peers, height %d after %s", i, n.Nodes[i].Committed(), time.Since(start).Round(time.Millisecond))
		r, err := c.Query(ctx, "/bank/supply", 0)
		require.NoError(t, err, "node%d: the client created before the restart", i)
		require.GreaterOrEqual(t, r.Height, target-1, "node%d answered from an old height", i)
		if i == 0 {
			require.True(t, within(15*time.Second, func() bool { return newestBlock() >= target }),
				"node0: the websocket subscriber got no block from the restarted node")
		}
	}
}
