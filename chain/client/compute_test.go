package client_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// The full cycle on a running node over RPC, every read proven
// against a signed header: a node registers, a newcomer (no balance, no
// NFT) contributes to the epoch's network contribution job through it and
// receives its NFT and an emission weight (paid after the epoch), then —
// funded by someone — submits a paid job;
// the node accepts and attests; escrow pays the node and the contributors;
// receipts and NFT counters are queryable with verified proofs.
func TestComputeCycleOnNode(t *testing.T) {
	g := testutil.ComputeGenesis(3, 1_000_000_000_000, 1_000_000_000_000)
	g.Compute.Params.EpochBlocks = 1_000 // network job 1 lives through the test
	n := testutil.StartNode(t, g)
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	fee := uint256.NewInt(10_000)
	node, newcomer := testutil.Key(0), testutil.Key(20)
	nodeAddr, newAddr := testutil.Addr(node), testutil.Addr(newcomer)

	_, _, err = c.Send(ctx, node, &compute.RegisterNode{Endpoint: "https://127.0.0.71:8443", Region: "local", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(1_000)}, fee)
	require.NoError(t, err)
	open, err := c.JobsByState(ctx, "open")
	require.NoError(t, err)
	require.Equal(t, []uint64{1}, open)
	_, h, err := c.Send(ctx, node, &compute.AcceptJob{JobID: 1}, fee)
	require.NoError(t, err)
	w := testutil.DoWork(testutil.ChainID, 1, computekeeper.NetworkSeed(0, 0), nodeAddr, 0, 16, uint64(h)+100, testutil.KeysFrom(20, 2), nil)
	_, _, err = c.Send(ctx, node, w.Attest, fee)
	require.NoError(t, err)
	reveal(t, ctx, c, node, w, g.Compute.Params.BeaconWindow)

	id, err := c.NFTOfContributor(ctx, newAddr)
	require.NoError(t, err)
	require.NotZero(t, id)
	nf, found, _, err := c.NFT(ctx, id)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(8), nf.Units)
	owned, err := c.NFTsByOwner(ctx, newAddr)
	require.NoError(t, err)
	require.Equal(t, []uint64{id}, owned)
	acc, _, err := c.Account(ctx, newAddr)
	require.NoError(t, err)
	require.True(t, acc.Balance.IsZero(), "pooled emission is paid after the epoch")
	weight, err := c.EmissionWeight(ctx, 0, newAddr)
	require.NoError(t, err)
	require.Equal(t, uint64(8*8_000), weight)
	rec, found, _, err := c.EmissionEpoch(ctx, 0)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(16), rec.Units)
	require.Equal(t, uint64(64_000_000), rec.Share.Uint64())
	_, _, err = c.Transfer(ctx, testutil.Key(1), newAddr, uint256.NewInt(1_000_000), fee)
	require.NoError(t, err)

	// A job without an NFT is refused with its stable code.
	_, _, err = c.Send(ctx, testutil.Key(2), &compute.SubmitJob{UnitKind: 1, SpecHash: kernel.SpecMatmulI8, Units: 1, PricePerUnit: *uint256.NewInt(1), MaxNodes: 1, Expiry: 900}, fee)
	var te *client.TxError
	require.True(t, errors.As(err, &te), "%v", err)
	require.Equal(t, compute.Codespace, te.Codespace)
	require.Equal(t, compute.ErrNoNFT.Code(), te.Code)

	_, h, err = c.Send(ctx, newcomer, &compute.SubmitJob{UnitKind: 1, SpecHash: kernel.SpecMatmulI8, Units: 10, PricePerUnit: *uint256.NewInt(1_000), MaxNodes: 1, Expiry: 900}, fee)
	require.NoError(t, err)
	mine, err := c.JobsByOwner(ctx, newAddr)
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, mine)
	j, _, _, err := c.Job(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, uint64(10_000), j.Escrow.Uint64())

	before, _, err := c.Account(ctx, nodeAddr)
	require.NoError(t, err)
	_, _, err = c.Send(ctx, node, &compute.AcceptJob{JobID: 2}, fee)
	require.NoError(t, err)
	w = testutil.DoWork(testutil.ChainID, 2, compute.Hash{}, nodeAddr, 0, 10, uint64(h)+100, testutil.KeysFrom(21, 2), nil)
	_, _, err = c.Send(ctx, node, w.Attest, fee)
	require.NoError(t, err)
	reveal(t, ctx, c, node, w, g.Compute.Params.BeaconWindow)

	after, _, err := c.Account(ctx, nodeAddr)
	require.NoError(t, err)
	require.Equal(t, before.Balance.Uint64()+2_000-30_000, after.Balance.Uint64())
	receipts, err := c.ReceiptsByJob(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, receipts)
	r, found, _, err := c.Receipt(ctx, 2)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(2_000), r.NodePaid.Uint64())
	require.Equal(t, uint64(4_000), r.Shares[0].Paid.Uint64())
	byContrib, err := c.ReceiptsByContributor(ctx, testutil.Addr(testutil.Key(21)))
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2}, byContrib)
	id21, err := c.NFTOfContributor(ctx, testutil.Addr(testutil.Key(21)))
	require.NoError(t, err)
	nf21, _, _, err := c.NFT(ctx, id21)
	require.NoError(t, err)
	require.Equal(t, uint64(8+5), nf21.Units)
	require.Equal(t, uint64(2), nf21.Receipts)
	j, _, _, err = c.Job(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, compute.JobDone, j.State)
	esc, _, err := c.EscrowTotal(ctx)
	require.NoError(t, err)
	require.True(t, esc.IsZero(), "network jobs hold no escrow")
	pool, _, err := c.IncentivePool(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1_000_000_000_000-64_000_000), pool.Uint64())
	em, _, err := c.EmissionTotal(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(64_000_000), em.Uint64(), "epoch 0's share, set aside")
	require.NoError(t, n.App.CheckInvariants())

	// The other reads the issue lists, each proof-verified: nodes, a node,
	// jobs by node, and jobs by every state. Job 3 expires unaccepted two
	// blocks after its submission, then its owner cancels it.
	ops, _, err := c.Nodes(ctx)
	require.NoError(t, err)
	require.Equal(t, []auth.Address{nodeAddr}, ops)
	nd, found, _, err := c.Node(ctx, nodeAddr)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(2), nd.Receipts)
	byNode, err := c.JobsByNode(ctx, nodeAddr)
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2}, byNode)
	st, err := c.RPC().Status(ctx)
	require.NoError(t, err)
	// Room for the submission to be included under load before it expires
	// (an expired SubmitJob is dropped by PrepareProposal and never lands).
	exp := uint64(st.SyncInfo.LatestBlockHeight) + 10
	_, _, err = c.Send(ctx, newcomer, &compute.SubmitJob{UnitKind: 1, SpecHash: kernel.SpecMatmulI8, Units: 4, PricePerUnit: *uint256.NewInt(10), MaxNodes: 1, Expiry: exp}, fee)
	require.NoError(t, err)
	n.WaitHeight(t, int64(exp)+2, 30*time.Second)
	states := func() map[string][]uint64 {
		m := map[string][]uint64{}
		for _, s := range []string{"open", "assigned", "done", "expired", "cancelled"} {
			ids, err := c.JobsByState(ctx, s)
			require.NoError(t, err, s)
			if len(ids) > 0 {
				m[s] = ids
			}
		}
		return m
	}
	require.Equal(t, map[string][]uint64{"open": {1}, "done": {2}, "expired": {3}}, states())
	_, _, err = c.Send(ctx, newcomer, &compute.CancelJob{JobID: 3}, fee)
	require.NoError(t, err)
	require.Equal(t, map[string][]uint64{"open": {1}, "done": {2}, "expired": {3}, "cancelled": {3}}, states())

	// The supply invariant and compute's totals on every committed block.
	info, err := n.App.Info(ctx, nil)
	require.NoError(t, err)
	last := info.LastBlockHeight
	require.Greater(t, last, int64(10))
	for h := int64(1); h <= last; h++ {
		require.NoError(t, n.App.CheckInvariantsAt(h), "height %d", h)
	}
}

// reveal waits for w's sample and reveals it from key k (PASS expected).
func reveal(t *testing.T, ctx context.Context, c *client.Client, k *ecdsa.PrivateKey, w *testutil.Work, window uint64) {
	t.Helper()
	r, sample, err := c.WaitSample(ctx, w.Attest.AttestationID, window, 200*time.Millisecond)
	require.NoError(t, err)
	require.Equal(t, compute.ReceiptPending, r.Status)
	_, _, err = c.Send(ctx, k, w.Reveal(sample, 0, len(sample)), uint256.NewInt(10_000))
	require.NoError(t, err)
	r, _, err = c.ReceiptOfAttestation(ctx, w.Attest.AttestationID)
	require.NoError(t, err)
	require.Equal(t, compute.VerdictPass, r.Verdict)
	// The receipt records the node's x/bridge beacon: what Beacon returns,
	// the value of the proven /bridge/beacon/{h} record, signed by > 2/3.
	b, ok, err := c.Beacon(ctx, r.BeaconHeight)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, [32]byte(r.Beacon), b)
	q, err := c.Query(ctx, "/bridge/beacon/"+strconv.FormatUint(r.BeaconHeight, 10), 0)
	require.NoError(t, err)
	rec, err := bridge.UnmarshalBeacon(q.Value)
	require.NoError(t, err)
	require.Equal(t, b, [32]byte(rec.Value))
	require.Greater(t, 3*rec.SignedPower, 2*rec.TotalPower)
}
