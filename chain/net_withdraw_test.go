package chain_test

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/stretchr/testify/require"
)

// WithdrawLatencyEnv runs TestWithdrawNetwork with the localnet's own
// settings (epochs of 100 blocks, 1 s blocks; about 4 minutes) instead of
// the quick ones (8 blocks of 300 ms).
const WithdrawLatencyEnv = "PINGO_WITHDRAW_LOCALNET_TIMING"

// TestWithdrawNetwork: four validators on 127.0.0.211–214. A dev account
// withdraws several times, at different points of its epochs; every
// withdrawal becomes "checkpointed" (its epoch's checkpoint sealed) with a
// path that verifies against the sealed withdrawal_root, identical on all
// nodes, and a claim body that parses back. It reports the withdraw-to-
// claimable latency: from the Withdraw's block to the block that sealed
// its epoch's checkpoint, in blocks and in header seconds.
func TestWithdrawNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-validator network")
	}
	epochBlocks, blockTime, sends := uint64(8), 300*time.Millisecond, 5
	if os.Getenv(WithdrawLatencyEnv) != "" {
		epochBlocks, blockTime, sends = 100, time.Second, 4
	}
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 4, FirstIP: 211, BlockTime: blockTime,
		Genesis: func(g *chain.Genesis) { g.State.Bridge.Params.EpochBlocks = epochBlocks }})
	defer func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	}()
	timeout := time.Duration(sends+3) * time.Duration(epochBlocks) * blockTime * 3
	ctx, cancel := context.WithTimeout(context.Background(), timeout+60*time.Second)
	defer cancel()
	n.StartAll()
	n.WaitHeight(0, 2, 30*time.Second)
	c := n.Nodes[0].Client
	key := chain.DevKey(3)
	from := auth.PubkeyToAddress(&key.PublicKey)
	to, err := bridge.ParseTONAddr("0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8")
	require.NoError(t, err)
	supply := func() *uint256.Int {
		r, err := c.Query(ctx, "/bank/supply", 0)
		require.NoError(t, err)
		return new(uint256.Int).SetBytes(r.Value)
	}
	s0 := supply()
	fee := uint256.NewInt(10_000)

	type sent struct {
		id     uint64
		height int64
		amount uint64
	}
	var all []sent
	var total uint64
	// Spread the sends over the epochs: after each one, wait a number of
	// blocks that is not a multiple of the epoch.
	for i := 0; i < sends; i++ {
		amt := uint64(1_000_000_000 + i)
		_, h, err := c.Withdraw(ctx, key, to, uint256.NewInt(amt), fee)
		require.NoError(t, err, "withdraw %d", i)
		all = append(all, sent{id: uint64(i + 1), height: h, amount: amt})
		total += amt
		n.WaitHeight(0, h+int64(epochBlocks)/3+1, time.Duration(epochBlocks/3+10)*blockTime*3)
	}
	require.Equal(t, new(uint256.Int).Sub(s0, uint256.NewInt(total)).Dec(), supply().Dec(), "supply down by the burned total (no fees burned: they go to the pool)")

	type lat struct {
		blocks int64
		secs   float64
		pos    uint64 // position of the tx in its epoch (1 = first block)
	}
	var lats []lat
	for _, s := range all {
		var w *client.WithdrawalClaim
		require.True(t, within(timeout, func() bool {
			w, err = c.WithdrawalStatus(ctx, s.id)
			return err == nil && w.Status != client.WithdrawBurned
		}), "withdrawal %d never checkpointed (last: %+v, %v)", s.id, w, err)
		require.Equal(t, client.WithdrawCheckpointed, w.Status)
		require.Equal(t, s.height, w.Record.Height)
		require.Equal(t, (uint64(s.height)+epochBlocks-1)/epochBlocks, w.Record.Epoch)
		require.Equal(t, from, w.Record.From)
		require.Equal(t, s.amount, w.Record.Amount.Uint64())
		// The claim body parses back to this leaf and path, and the path
		// verifies against the sealed root.
		body, err := w.ClaimBody()
		require.NoError(t, err)
		cl, err := checkpoint.ParseClaimBOC(body.ToBOC())
		require.NoError(t, err)
		require.Equal(t, s.id, cl.Withdrawal.ID)
		require.Equal(t, s.id, cl.QueryID)
		leaf, err := cl.Withdrawal.LeafHash()
		require.NoError(t, err)
		require.True(t, checkpoint.VerifyWithdrawalPath([32]byte(w.Root), leaf, uint64(cl.Index), cl.Path))
		// Same record and checkpoint on every node.
		cp, ok, err := c.Checkpoint(ctx, w.Record.Epoch)
		require.NoError(t, err)
		require.True(t, ok)
		for _, nn := range n.Nodes[1:] {
			other, ok, err := nn.Client.Withdrawal(ctx, s.id)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, w.Record.Leaf, other.Leaf)
			ocp, _, err := nn.Client.Checkpoint(ctx, w.Record.Epoch)
			require.NoError(t, err)
			require.Equal(t, cp.Digest, ocp.Digest)
		}
		ht := func(h int64) time.Time {
			hdr, err := c.RPC().Header(ctx, &h)
			require.NoError(t, err)
			return hdr.Header.Time
		}
		lats = append(lats, lat{blocks: cp.SealedHeight - s.height, secs: ht(cp.SealedHeight).Sub(ht(s.height)).Seconds(),
			pos: uint64(s.height) - (w.Record.Epoch-1)*epochBlocks})
		require.LessOrEqual(t, cp.SealedHeight-s.height, int64(epochBlocks)+3, "claimable later than one epoch + 3 blocks")
	}
	ids, err := c.WithdrawalsFrom(ctx, from, 0)
	require.NoError(t, err)
	require.Len(t, ids, sends)
	require.Equal(t, uint64(sends), ids[0], "newest first")
	sort.Slice(lats, func(i, j int) bool { return lats[i].blocks < lats[j].blocks })
	var sum float64
	for _, l := range lats {
		sum += l.secs
		t.Logf("withdraw at block %d of its epoch → claimable after %d blocks, %.2f s", l.pos, l.blocks, l.secs)
	}
	t.Logf("withdraw-to-claimable over %d withdrawals (epoch %d blocks, timeout_commit %s, 4 validators): min %d blocks / %.2f s, max %d blocks / %.2f s, mean %.2f s",
		len(lats), epochBlocks, blockTime, lats[0].blocks, lats[0].secs, lats[len(lats)-1].blocks, lats[len(lats)-1].secs, sum/float64(len(lats)))
}
