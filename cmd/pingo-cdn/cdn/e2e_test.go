package cdn_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/cmd/pingo-cdn/cdn"
	"github.com/pingo-chain/pingo/cmd/pingo-contributor/contributor"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
)

// value reads a counter or gauge.
func value(m prometheus.Metric) float64 {
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		panic(err)
	}
	if out.Counter != nil {
		return out.Counter.GetValue()
	}
	return out.Gauge.GetValue()
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("t", t.Name())
	}
	return nil
}

// waitFor polls cond every 100 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// batchesDone reports whether every batch of job is done with verdict v
// (and there are want of them).
func batchesIn(d *cdn.Daemon, job uint64, state string) int {
	n := 0
	for _, b := range d.Journal().Snapshot() {
		if b.JobID == job && b.State == state {
			n++
		}
	}
	return n
}

// The whole flow on a running one-validator chain with the real agents:
// the CDN node daemon registers, takes the epoch's network contribution
// job, hands its 32 units to two contributor agents in two attestations,
// attests, waits for the beacon, reveals; both receipts PASS, node and
// contributors earn their epoch emission weights and the contributors'
// NFTs are credited (read with
// proof-checked queries). Then a user job, submitted by a contributor
// with its new NFT, is attested by a daemon that is stopped before it
// reveals; a fresh daemon on the same home resumes, reveals without
// attesting again, and that receipt PASSes too.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a node")
	}
	g := testutil.ComputeGenesis(3, 1_000_000_000_000, 1_000_000_000_000)
	g.Compute.Params.EpochBlocks = 1_000 // network job 1 lives through the test
	g.Compute.Params.RevealBlocks = 300  // the restart must not race the deadline
	n := testutil.StartNode(t, g)
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()

	nodeKey := testutil.Key(0)
	home := t.TempDir()
	listen := fmt.Sprintf("127.0.0.1:%d", testutil.FreePort(t))
	daemonCfg := cdn.Config{Home: home, Key: nodeKey, ChainRPC: n.RPC, Listen: listen, Bond: uint256.NewInt(1_000),
		BatchUnits: 16, MinContributors: 2, AssignTTL: 20 * time.Second, Poll: 200 * time.Millisecond,
		AttestTTL: 100, MinJobBlocksLeft: 20, Logger: testLogger(t)}
	start := func(cfg cdn.Config) *cdn.Daemon {
		d, err := cdn.New(ctx, cfg)
		require.NoError(t, err)
		require.NoError(t, d.Start())
		return d
	}
	d := start(daemonCfg)

	ckeys := testutil.KeysFrom(20, 2)
	agents := make([]*contributor.Agent, 2)
	actx, acancel := context.WithCancel(ctx)
	done := make(chan struct{}, 2)
	for i, k := range ckeys {
		a, err := contributor.New(contributor.Config{NodeURL: "http://" + listen, Home: t.TempDir(), Key: k,
			ChainRPC: n.RPC, Limits: contributor.Limits{Cores: 1}, PollWait: time.Second, Logger: testLogger(t)})
		require.NoError(t, err)
		agents[i] = a
		go func() { _ = a.Run(actx); done <- struct{}{} }()
	}
	defer func() {
		acancel()
		for range agents {
			<-done
		}
	}()

	// Phase 1: network job 1, 32 units in two attestations of 16.
	waitFor(t, 60*time.Second, "two PASS verdicts on job 1", func() bool { return batchesIn(d, 1, cdn.StateDone) == 2 })
	for _, b := range d.Journal().Snapshot() {
		require.Equal(t, "pass", b.Verdict, "batch %s", b.ID.Hex())
		require.Len(t, b.Parts, 2)
	}
	receipts, err := c.ReceiptsByJob(ctx, 1)
	require.NoError(t, err)
	require.Len(t, receipts, 2)
	for _, id := range receipts {
		r, found, _, err := c.Receipt(ctx, id)
		require.NoError(t, err)
		require.True(t, found)
		require.Equal(t, compute.ReceiptFinal, r.Status)
		require.Equal(t, compute.VerdictPass, r.Verdict)
		require.Equal(t, d.Address(), r.Node)
		require.True(t, r.NodePaid.IsZero(), "network units are paid from the epoch's pooled emission, after the epoch")
	}
	nodeWeight, err := c.EmissionWeight(ctx, 0, d.Address())
	require.NoError(t, err)
	require.Equal(t, uint64(32*2_000), nodeWeight) // network_node_share_bps 20% of 32 units
	for i, a := range agents {
		acc, _, err := c.Account(ctx, a.Address())
		require.NoError(t, err)
		require.True(t, acc.Balance.IsZero(), "contributor %d: pooled emission comes after the epoch", i)
		weight, err := c.EmissionWeight(ctx, 0, a.Address())
		require.NoError(t, err)
		require.Equal(t, uint64(16*8_000), weight, "contributor %d's weight for its 16 units", i)
		id, err := c.NFTOfContributor(ctx, a.Address())
		require.NoError(t, err)
		require.NotZero(t, id)
		nf, found, _, err := c.NFT(ctx, id)
		require.NoError(t, err)
		require.True(t, found)
		require.Equal(t, uint64(16), nf.Units)
		require.Equal(t, a.Address(), nf.Owner)
		a.RefreshEarnings(ctx)
		st := a.Status()
		require.Equal(t, "0", st.BalanceUpingo)
		require.Equal(t, uint64(16), st.NFTUnits)
		require.Equal(t, uint64(16), st.UnitsAccepted)
	}
	require.Equal(t, 2.0, value(d.Metrics().Attestations))
	require.Equal(t, 2.0, value(d.Metrics().Verdicts.WithLabelValues("pass")))
	require.Equal(t, 1.0, value(d.Metrics().JobsAccepted))
	d.Stop()

	// Phase 2: a user job by a contributor now holding an NFT (funded by
	// someone: its emission is paid after the epoch); the daemon attests
	// it and is stopped before revealing.
	_, _, err = c.Transfer(ctx, testutil.Key(1), agents[0].Address(), uint256.NewInt(1_000_000), uint256.NewInt(10_000))
	require.NoError(t, err)
	st, err := c.RPC().Status(ctx)
	require.NoError(t, err)
	_, _, err = c.Send(ctx, ckeys[0], &compute.SubmitJob{UnitKind: kernel.KindMatmulI8, SpecHash: kernel.SpecMatmulI8,
		Seed: compute.Hash{7}, Units: 16, PricePerUnit: *uint256.NewInt(1_000), MaxNodes: 1,
		Expiry: uint64(st.SyncInfo.LatestBlockHeight) + 500}, uint256.NewInt(10_000))
	require.NoError(t, err)
	mine, err := c.JobsByOwner(ctx, agents[0].Address())
	require.NoError(t, err)
	require.Len(t, mine, 1)
	job := mine[0]

	held := daemonCfg
	held.BeforeReveal = func(compute.Hash) bool { return false }
	d = start(held)
	waitFor(t, 40*time.Second, "job 2 attested", func() bool { return batchesIn(d, job, cdn.StateAttested) == 1 })
	require.Equal(t, 1.0, value(d.Metrics().Attestations))
	require.Equal(t, 0.0, value(d.Metrics().Reveals))
	d.Stop()
	receipts, err = c.ReceiptsByJob(ctx, job)
	require.NoError(t, err)
	require.Len(t, receipts, 1)
	r, _, _, err := c.Receipt(ctx, receipts[0])
	require.NoError(t, err)
	require.Equal(t, compute.ReceiptPending, r.Status)

	// Restart: resumes the reveal, never attests again. The journal is
	// set back to "attesting", as a crash between the Attest tx and its
	// journal write leaves it: the daemon must find the receipt on chain
	// instead of sending the attestation again.
	jpath := filepath.Join(home, cdn.JournalFile)
	raw, err := os.ReadFile(jpath)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(raw), `"state":"attested"`))
	require.NoError(t, os.WriteFile(jpath, []byte(strings.Replace(string(raw), `"state":"attested"`, `"state":"attesting"`, 1)), 0o600))
	d = start(daemonCfg)
	defer d.Stop()
	waitFor(t, 40*time.Second, "job 2 revealed", func() bool { return batchesIn(d, job, cdn.StateDone) == 1 })
	require.Equal(t, 0.0, value(d.Metrics().Attestations), "restarted daemon re-attested")
	require.Equal(t, 0.0, value(d.Metrics().AttestSends), "restarted daemon resent the attestation")
	require.GreaterOrEqual(t, value(d.Metrics().Reveals), 1.0)
	receipts, err = c.ReceiptsByJob(ctx, job)
	require.NoError(t, err)
	require.Len(t, receipts, 1)
	r, _, _, err = c.Receipt(ctx, receipts[0])
	require.NoError(t, err)
	require.Equal(t, compute.VerdictPass, r.Verdict)
	require.Equal(t, compute.ReceiptFinal, r.Status)
	// The user job pays from escrow at PASS: 16 units × 1,000, 20% to the
	// node, 800 per unit to the contributors.
	require.Equal(t, uint64(3_200), r.NodePaid.Uint64())
	for _, s := range r.Shares {
		require.Equal(t, s.Units*800, s.Paid.Uint64())
	}
	id, err := c.NFTOfContributor(ctx, agents[1].Address())
	require.NoError(t, err)
	nf, _, _, err := c.NFT(ctx, id)
	require.NoError(t, err)
	require.Equal(t, uint64(16+8), nf.Units)
	require.NoError(t, n.App.CheckInvariants())
}
