package chain_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/testutil"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/stretchr/testify/require"
)

// Four validators with bridge keys from the localnet genesis, epochs of 4
// blocks. Phase 1: node1's ExtendVote returns garbage; the chain goes on,
// beacons (3 of 4 equal powers > 2/3) and checkpoints still seal. Phase 2:
// node1 recovers and its missed signatures arrive late, for credit.
// Phase 3: node3 stops; the other three keep sealing. Beacons and
// checkpoint records are identical (and proven) on every running node.
func TestBridgeNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-validator network")
	}
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 4, FirstIP: 111, BlockTime: 300 * time.Millisecond,
		Genesis: func(g *chain.Genesis) { g.State.Bridge.Params.EpochBlocks = 4 }})
	defer func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	n.StartAll()
	n.Nodes[1].Node.App.SetExtendVoteOverride(func(int64, []byte) []byte { return []byte("garbage from node1") })

	latestSealed := func(node int) uint64 {
		res, err := n.Nodes[node].Client.Query(ctx, "/bridge/latest_sealed", 0)
		if err != nil || len(res.Value) != 8 {
			return 0
		}
		return binary.BigEndian.Uint64(res.Value)
	}
	checkpointAt := func(node int, e uint64) bridge.CheckpointRecord {
		res := queryRetry(ctx, t, n.Nodes[node].Client, "/bridge/checkpoint/"+itoa(e), 0)
		require.NotNil(t, res.Value, "no checkpoint %d", e)
		r, err := bridge.UnmarshalCheckpoint(res.Value)
		require.NoError(t, err)
		return r
	}
	require.True(t, within(60*time.Second, func() bool { return latestSealed(0) >= 3 }), "3 epochs not sealed with node1 sending garbage")
	r2 := checkpointAt(0, 2)
	require.Len(t, r2.Signatures, 3, "node1's garbage must not be credited")
	garbageUntil := n.MaxHeight()

	// Phase 2: node1 recovers; its signature for epoch 3 arrives late.
	n.Nodes[1].Node.App.SetExtendVoteOverride(nil)
	require.True(t, within(30*time.Second, func() bool { return len(checkpointAt(0, 3).Signatures) == 4 }), "node1's late signature for epoch 3 never credited")
	r3 := checkpointAt(0, 3)
	require.Equal(t, bridge.StatusSealed, r3.Status)
	late := false
	for _, s := range r3.Signatures {
		late = late || s.Height > r3.SealedHeight
	}
	require.True(t, late, "no signature recorded after sealing")

	// Phase 3: node3 stops; sealing goes on with 3 of 4.
	n.Stop(3)
	from := latestSealed(0)
	require.True(t, within(40*time.Second, func() bool { return latestSealed(0) >= from+2 }), "sealing stopped with 3 of 4 validators")
	t.Logf("node1 garbage until %d; sealed epoch %d after stopping node3 at %d", garbageUntil, latestSealed(0), n.MaxHeight())

	// Identical, verified state on every running node.
	top := n.MaxHeight() - 2
	for _, node := range []int{0, 1, 2} {
		n.WaitHeight(node, top+1, 20*time.Second)
	}
	beacons := 0
	for h := int64(2); h < top; h++ {
		var first []byte
		for _, node := range []int{0, 1, 2} {
			res := queryRetry(ctx, t, n.Nodes[node].Client, "/bridge/beacon/"+itoa(uint64(h)), top)
			if node == 0 {
				first = res.Value
				continue
			}
			require.True(t, bytes.Equal(first, res.Value), "beacon %d differs on node%d", h, node)
		}
		if first != nil {
			beacons++
		}
	}
	require.Greater(t, beacons, int(top)*3/4, "too few beacons: %d of %d heights", beacons, top-2)
	for _, node := range []int{1, 2} {
		a, b := checkpointAt(0, from), checkpointAt(node, from)
		require.Equal(t, a.Digest, b.Digest)
	}
}

func itoa(x uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + x%10)
		x /= 10
		if x == 0 {
			return string(b[i:])
		}
	}
}
