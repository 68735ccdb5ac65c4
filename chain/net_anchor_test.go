package chain_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"
	"github.com/xssnick/tonutils-go/tlb"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/relayer"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// TONOutageEnv sets how long TestAnchoringConfirmedOnNetwork keeps the
// TON endpoint down (a Go duration; default 10s). `make test-ton-outage`
// runs it with 60s.
const TONOutageEnv = "PINGO_TON_OUTAGE"

// anchorNet is the 4-validator network with watchers, the local TON
// endpoint and one relayer.
type anchorNet struct {
	t       *testing.T
	n       *testutil.Net
	tonOpts tonlocal.Options
	ton     *tonlocal.Endpoint
	reader  *bton.Reader // the test's own TON view

	mu        sync.Mutex
	anchored  map[uint64]time.Duration // seal → relayer saw it land (wall clock)
	confirmed map[uint64]time.Duration // seal block → confirm block (block times)
}

// TestAnchoringConfirmedOnNetwork: four validators (epochs of 8 blocks),
// each with a TON watcher configured in app.toml against the local TON
// endpoint (deployed with the genesis bridge set), and a relayer that anchors sealed checkpoints and reports
// them back (ReportAnchor). In order:
//  1. three consecutive checkpoints anchored on TON and confirmed on the
//     chain (status confirmed with the anchor's transaction, read through
//     a proof-verifying client; that transaction re-checked on TON), with
//     seal-to-anchored and seal-to-confirmed latencies;
//  2. a validator joins (CreateValidator + SetBridgeKey): the checkpoint
//     that rotates to the 5-member set lands and the anchor's valsetHash
//     getter shows the new set; the next checkpoint, signed by the new
//     set, is anchored and confirmed;
//  3. the TON endpoint stops for PINGO_TON_OUTAGE (10 s; 60 s in `make
//     test-ton-outage`): blocks go on at the normal rate (max block gap
//     measured against the same span before), then anchoring and
//     confirmation resume by themselves.
func TestAnchoringConfirmedOnNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-validator network and the local TON endpoint")
	}
	outage := 10 * time.Second
	if v := os.Getenv(TONOutageEnv); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, TONOutageEnv)
		outage = d
	}
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 4, FirstIP: 181, BlockTime: 300 * time.Millisecond,
		Genesis: func(g *chain.Genesis) { g.State.Bridge.Params.EpochBlocks = 8 }})
	joiner := n.AddNode("joiner", 185, nil)
	defer func() {
		if t.Failed() {
			n.LogTails(4000)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute+2*outage)
	defer cancel()
	x := &anchorNet{t: t, n: n, anchored: map[uint64]time.Duration{}, confirmed: map[uint64]time.Duration{}}

	// The anchor is deployed with the genesis bridge set (the set that
	// signs checkpoint 1), so the TON endpoint runs before the chain and
	// every validator's app.toml names it from the first start.
	g, err := chain.ReadGenesis(chain.GenesisFile(n.Nodes[0].Home))
	require.NoError(t, err)
	key := tonlocaltest.RelayerKey()
	x.tonOpts = tonlocal.Options{
		Dir: t.TempDir(), Addr: "127.0.0.186:0", ContractsDir: tonlocaltest.ContractsDir(t),
		BlockInterval: 200 * time.Millisecond, ChainID: g.State.Auth.Params.ChainID, Validators: genesisBridgeSet(t, g),
		Wallets: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, Log: t.Logf,
	}
	x.startTON()
	t.Cleanup(func() { x.ton.Close() })
	x.reader, err = bton.DialReader(ctx, x.ton.ConfigPath(), x.ton.Anchor(), true)
	require.NoError(t, err)
	t.Cleanup(x.reader.Close)
	for i := 0; i < 4; i++ {
		cfg, err := chain.LoadConfig(n.Nodes[i].Home, nil)
		require.NoError(t, err)
		cfg.App.TONConfig, cfg.App.TONAnchor, cfg.App.TONUnsafe = x.ton.ConfigPath(), x.ton.Anchor().String(), true
		require.NoError(t, chain.WriteAppConfig(chain.AppConfigFile(n.Nodes[i].Home), cfg.App))
	}
	n.StartAll()
	var rec1 bridge.CheckpointRecord
	require.True(t, within(30*time.Second, func() bool {
		r, found, err := n.Nodes[0].Client.Checkpoint(ctx, 1)
		rec1 = r
		return err == nil && found
	}), "checkpoint 1 never taken")
	deployed, err := checkpoint.ValsetHash(x.tonOpts.Validators)
	require.NoError(t, err)
	require.Equal(t, [32]byte(rec1.ValsetHash), deployed, "the anchor was deployed with another set than checkpoint 1's")

	stopRelayer := x.startRelayer(ctx, key)
	defer stopRelayer()

	// 1. Three consecutive checkpoints anchored and confirmed. The
	// relayer first catches up with the epochs sealed before it started;
	// latencies are measured on the epochs sealed after that.
	require.True(t, within(90*time.Second, func() bool {
		e, err := x.reader.LastEpoch(ctx)
		return err == nil && e > 0 && e >= x.sealed(ctx)
	}), "the relayer never caught up")
	first := x.sealed(ctx) + 1
	require.True(t, within(90*time.Second, func() bool { return x.status(ctx, first+2) == bridge.StatusConfirmed }),
		"epochs %d..%d not confirmed (statuses %s %s %s)", first, first+2, x.status(ctx, first), x.status(ctx, first+1), x.status(ctx, first+2))
	for e := first; e <= first+2; e++ {
		x.checkConfirmed(ctx, e)
	}
	x.report(first, first+2)

	// 2. A validator joins; the set rotates on TON.
	op := chain.DevKey(0)
	opAddr := auth.PubkeyToAddress(&op.PublicKey)
	_, err = sendTx(ctx, joiner.Client, op, &staking.CreateValidator{ConsensusKey: joiner.ConsKey(t), Moniker: "joiner", CommissionBps: 1000, Amount: *chain.DevSelfBond})
	require.NoError(t, err, "CreateValidator")
	bk, err := chain.LoadBridgeKey(chain.BridgeKeyFile(joiner.Home))
	require.NoError(t, err)
	m := &bridge.SetBridgeKey{}
	copy(m.BridgeKey[:], bk.Public().(ed25519.PublicKey))
	copy(m.Proof[:], ed25519.Sign(bk, bridge.KeyProofMessage(rec1.ChainID, opAddr)))
	res, err := sendTx(ctx, joiner.Client, op, m)
	require.NoError(t, err, "SetBridgeKey")
	t.Logf("validator joined with its bridge key at height %d", res.Height)
	var rot bridge.CheckpointRecord
	require.True(t, within(60*time.Second, func() bool {
		for e := x.sealed(ctx); e > 0 && e+4 > x.sealed(ctx); e-- {
			r, found, err := n.Nodes[0].Client.Checkpoint(ctx, e)
			if err == nil && found && r.Rotates() && len(r.NextValset) == 5 {
				rot = r
				return true
			}
		}
		return false
	}), "no checkpoint rotating to the 5-member set")
	require.True(t, within(60*time.Second, func() bool { return x.status(ctx, rot.Epoch+1) == bridge.StatusConfirmed }),
		"the checkpoint after the rotation (epoch %d, signed by the new set) not confirmed", rot.Epoch+1)
	x.checkConfirmed(ctx, rot.Epoch)
	x.checkConfirmed(ctx, rot.Epoch+1)
	vh, err := x.reader.ValsetHash(ctx)
	require.NoError(t, err)
	after, _, _ := n.Nodes[1].Client.Checkpoint(ctx, rot.Epoch+1)
	require.Len(t, after.Valset, 5, "epoch %d signed by %d members", rot.Epoch+1, len(after.Valset))
	require.Equal(t, [32]byte(after.NextValsetHash), vh, "anchor valsetHash after rotation")
	require.Equal(t, [32]byte(rot.NextValsetHash), [32]byte(after.ValsetHash))
	t.Logf("epoch %d rotated the anchor to 5 members (valset_hash %x); epoch %d signed by them and confirmed", rot.Epoch, vh[:8], rot.Epoch+1)

	// 3. TON down: blocks go on; anchoring and confirmation resume.
	before := n.MaxHeight()
	time.Sleep(outage)
	h0 := n.MaxHeight()
	x.ton.Close()
	downAt := time.Now()
	time.Sleep(outage)
	h1 := n.MaxHeight()
	sealedInOutage := x.sealed(ctx)
	x.startTON()
	t.Logf("TON endpoint down for %s (heights %d..%d)", time.Since(downAt).Round(time.Millisecond), h0, h1)
	baseGap, baseRate := x.blockStats(ctx, before, h0)
	gap, rate := x.blockStats(ctx, h0, h1)
	t.Logf("blocks: before the outage %.2f/s, max gap %s; during it %.2f/s, max gap %s", baseRate, baseGap, rate, gap)
	require.Less(t, gap, 3*time.Second, "max block gap during the TON outage")
	require.Greater(t, rate, 0.7*baseRate, "block rate during the TON outage")
	require.True(t, within(90*time.Second, func() bool { return x.status(ctx, sealedInOutage) == bridge.StatusConfirmed }),
		"epoch %d (sealed during the outage) not confirmed after TON returned: %s", sealedInOutage, x.status(ctx, sealedInOutage))
	x.checkConfirmed(ctx, sealedInOutage)
	t.Logf("epoch %d, sealed during the outage, anchored and confirmed %s after TON returned", sealedInOutage, time.Since(downAt)-outage)
}

// genesisBridgeSet is the bridge set x/bridge takes at genesis: genesis
// validators with a bridge key, power = self-bond / power_reduction,
// ascending by bridge key (x/bridge README "Bridge validator set").
func genesisBridgeSet(t *testing.T, g *chain.Genesis) []checkpoint.Validator {
	keys := map[auth.Address]bridge.Hash32{}
	for _, k := range g.State.Bridge.Keys {
		keys[k.Operator] = k.PubKey
	}
	var set []checkpoint.Validator
	for _, v := range g.State.Staking.GenesisValidators {
		pub, ok := keys[v.Operator]
		if !ok {
			continue
		}
		p := new(uint256.Int).Div(v.SelfBond, g.State.Staking.Params.PowerReduction)
		set = append(set, checkpoint.Validator{PubKey: ed25519.PublicKey(append([]byte(nil), pub[:]...)), Power: p.Uint64()})
	}
	sort.Slice(set, func(i, j int) bool { return bytes.Compare(set[i].PubKey, set[j].PubKey) < 0 })
	require.NotEmpty(t, set)
	return set
}

func (x *anchorNet) startTON() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e, err := tonlocal.Start(ctx, x.tonOpts)
	require.NoError(x.t, err)
	x.ton = e
}

// startRelayer runs a relayer that reports with dev account 1's key.
func (x *anchorNet) startRelayer(ctx context.Context, key ed25519.PrivateKey) (stop func()) {
	t := x.t
	rctx, cancel := context.WithCancel(ctx)
	tc, err := bton.Dial(rctx, bton.Config{GlobalConfig: x.ton.ConfigPath(), WalletKey: key, Wallet: tonlocal.WalletVersion,
		Anchor: x.ton.Anchor(), Unsafe: true})
	require.NoError(t, err)
	tc.Poll = 200 * time.Millisecond
	j, err := relayer.OpenJournal(filepath.Join(t.TempDir(), "journal"))
	require.NoError(t, err)
	c := x.n.Nodes[3].Client
	log := slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r := relayer.New(relayer.Config{Amount: tlb.MustFromTON("0.05"), Poll: 200 * time.Millisecond, MaxBackoff: 2 * time.Second,
		SubmitTimeout: 20 * time.Second}, relayer.ChainClient{Client: c}, tc, j, nil, log)
	r.Reporter = &relayer.ChainReporter{Client: c, Key: chain.DevKey(1), Fee: netFee}
	r.Anchored = func(e uint64, d time.Duration) { x.mu.Lock(); x.anchored[e] = d; x.mu.Unlock() }
	r.Confirmed = func(e uint64, d time.Duration) { x.mu.Lock(); x.confirmed[e] = d; x.mu.Unlock() }
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer tc.Close()
		defer j.Close()
		if err := r.Run(rctx); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("relayer Run returned %v", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Log(string(b))
	return len(b), nil
}

func (x *anchorNet) sealed(ctx context.Context) uint64 {
	s, err := x.n.Nodes[0].Client.LatestSealed(ctx)
	if err != nil {
		return 0
	}
	return s
}

func (x *anchorNet) status(ctx context.Context, e uint64) string {
	r, found, err := x.n.Nodes[0].Client.Checkpoint(ctx, e)
	if err != nil || !found {
		return ""
	}
	return r.Status
}

// checkConfirmed reads epoch e through a proof-verifying client of another
// node and re-checks on TON the transaction the chain recorded.
func (x *anchorNet) checkConfirmed(ctx context.Context, e uint64) {
	t := x.t
	c := x.n.Nodes[2].Client
	require.True(t, c.Verify, "client must verify proofs")
	r, found, err := c.Checkpoint(ctx, e)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, bridge.StatusConfirmed, r.Status, "epoch %d", e)
	require.NotNil(t, r.TONTxHash, "epoch %d", e)
	require.NotZero(t, r.TONLt)
	require.Greater(t, r.ConfirmedHeight, r.SealedHeight)
	require.GreaterOrEqual(t, r.ConfirmedHeight, r.SubmittedHeight)
	require.NoError(t, x.reader.VerifyAnchor(ctx, e, r.Digest, r.TONTxHash[:], r.TONLt), "epoch %d's recorded TON transaction", e)
	got, err := x.reader.CheckpointByEpoch(ctx, e)
	require.NoError(t, err)
	require.Equal(t, r.Checkpoint(), got, "epoch %d on the anchor", e)
}

// report logs the latencies of epochs from..to and holds seal-to-anchored
// to the 10 s target.
func (x *anchorNet) report(from, to uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var an, cf []time.Duration
	for e := from; e <= to; e++ {
		if d, ok := x.anchored[e]; ok && d > 0 {
			an = append(an, d)
		}
		if d, ok := x.confirmed[e]; ok && d > 0 {
			cf = append(cf, d)
		}
	}
	if len(an) == 0 || len(cf) == 0 {
		x.t.Fatalf("latencies missing: anchored %v, confirmed %v", x.anchored, x.confirmed)
	}
	sort.Slice(an, func(i, j int) bool { return an[i] < an[j] })
	sort.Slice(cf, func(i, j int) bool { return cf[i] < cf[j] })
	x.t.Logf("seal-to-anchored over %d epochs: min %s, median %s, max %s (target <= 10s)", len(an), an[0], an[len(an)/2], an[len(an)-1])
	x.t.Logf("seal-to-confirmed (block times) over %d epochs: min %s, median %s, max %s", len(cf), cf[0], cf[len(cf)/2], cf[len(cf)-1])
	if an[len(an)-1] > 10*time.Second {
		x.t.Errorf("seal-to-anchored %s above the 10 s target", an[len(an)-1])
	}
}

// blockStats is the largest gap between consecutive block times in
// heights from..to and the blocks per second over them.
func (x *anchorNet) blockStats(ctx context.Context, from, to int64) (time.Duration, float64) {
	t := x.t
	rpc := x.n.Nodes[0].Client.RPC()
	var times []time.Time
	for lo := from; lo <= to; lo += 20 {
		hi := min(lo+19, to)
		res, err := rpc.BlockchainInfo(ctx, lo, hi)
		require.NoError(t, err)
		for i := len(res.BlockMetas) - 1; i >= 0; i-- { // newest first in the reply
			times = append(times, res.BlockMetas[i].Header.Time)
		}
	}
	require.Greater(t, len(times), 1)
	var gap time.Duration
	for i := 1; i < len(times); i++ {
		gap = max(gap, times[i].Sub(times[i-1]))
	}
	return gap, float64(len(times)-1) / times[len(times)-1].Sub(times[0]).Seconds()
}
