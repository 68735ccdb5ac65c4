package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/jetton"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/relayer"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// TestRelayerAutoClaimEndToEnd: a one-validator chain (epochs of 4 blocks,
// 127.0.0.216), the local TON endpoint with the PINGO jetton and the anchor
// that pays claims (127.0.0.217), and the relayer with auto-claim over its
// production paths. Two withdrawals on the L2 — to the jetton holder's TON
// wallet and to a fresh address — are anchored and claimed by the relayer:
// each recipient's jetton wallet receives exactly the amount, the anchor's
// jetton wallet gives exactly the sum, isClaimed turns true. A second,
// manual claim of the same withdrawal from another wallet (the body
// `pingod bridge claim` writes) is refused with 303 and pays nothing; a
// restarted relayer prepares no claim again. It logs withdraw-to-paid
// latency.
func TestRelayerAutoClaimEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain node and the local TON endpoint")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	bn := startBridgeNet(t, ctx, 216, func(*client.Client) *tonlocal.JettonGenesis {
		return &tonlocal.JettonGenesis{Supply: tonlocaltest.JettonSupply, Bridge: tonlocaltest.JettonBridge,
			Holder: tonlocaltest.HolderKey().Public().(ed25519.PublicKey)}
	})
	c, e, j := bn.c, bn.e, bn.j
	s := bn.relayerSettings(t)
	master := jetton.NewJettonMasterClient(liteAPI(t, e), j.Master)
	balance := func(owner *address.Address) *big.Int { return jettonBalance(t, ctx, master, owner) }

	// The relayer runs and catches up with the sealed epochs first, so the
	// latency below is the steady state.
	r, stop := runClaimRelayer(t, ctx, s)
	reader, err := dialTON(ctx, s, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reader.Close)
	// Caught up with what was sealed when it started: the chain keeps
	// sealing an epoch every few blocks, and on a loaded machine a relayer
	// anchoring one at a time may trail the very latest by one or two.
	var target uint64
	waitFor(t, 30*time.Second, "two sealed epochs", func() bool {
		sealed, err := c.LatestSealed(ctx)
		target = sealed
		return err == nil && sealed > 1
	})
	waitFor(t, 60*time.Second, "the relayer caught up", func() bool {
		anchored, err := reader.LastEpoch(ctx)
		return err == nil && anchored >= target
	})

	// Two withdrawals on the L2.
	fresh := address.MustParseRawAddr("0:5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819a2b")
	holderTo, err := bridge.TONAddrFrom(j.Holder)
	if err != nil {
		t.Fatal(err)
	}
	freshTo, err := bridge.TONAddrFrom(fresh)
	if err != nil {
		t.Fatal(err)
	}
	amounts := []*big.Int{big.NewInt(5_000_000_000), big.NewInt(7_000_000_001)}
	holder0, anchor0 := balance(j.Holder), balance(e.Anchor())
	dev := chain.DevKey(0)
	fee := uint256.NewInt(10_000)
	var sentAt [2]time.Time
	var heights [2]int64
	for i, to := range []bridge.TONAddr{holderTo, freshTo} {
		a, _ := uint256.FromBig(amounts[i])
		_, h, err := c.Withdraw(ctx, dev, to, a, fee)
		if err != nil {
			t.Fatal(err)
		}
		sentAt[i], heights[i] = time.Now(), h
	}

	// The relayer anchors their epoch and claims them.
	paidAt := [2]time.Time{}
	waitFor(t, 90*time.Second, "both withdrawals paid on TON", func() bool {
		for i, owner := range []*address.Address{j.Holder, fresh} {
			if paidAt[i].IsZero() {
				want := new(big.Int).Set(amounts[i])
				if i == 0 {
					want.Add(want, holder0)
				}
				if balance(owner).Cmp(want) == 0 {
					paidAt[i] = time.Now()
				}
			}
		}
		return !paidAt[0].IsZero() && !paidAt[1].IsZero()
	})
	// The relayer learns its claims' outcome from the anchor's transaction.
	waitFor(t, 30*time.Second, "the relayer resolved both claims", func() bool { return r.ClaimMetric("claimed") == 2 })
	stop()
	for i := range paidAt {
		t.Logf("withdrawal %d (block %d, epochs of 4 blocks of 300 ms): withdraw tx seen committed → jettons in the recipient's TON wallet: %.2f s",
			i+1, heights[i], paidAt[i].Sub(sentAt[i]).Seconds())
	}
	sum := new(big.Int).Add(amounts[0], amounts[1])
	if got := new(big.Int).Sub(anchor0, balance(e.Anchor())); got.Cmp(sum) != 0 {
		t.Fatalf("anchor's jetton wallet gave %v, want %v", got, sum)
	}
	for id := uint64(1); id <= 2; id++ {
		if ok, err := reader.IsClaimed(ctx, id); err != nil || !ok {
			t.Fatalf("isClaimed(%d) = %v, %v", id, ok, err)
		}
	}
	if got := r.ClaimMetric("claimed"); got != 2 {
		t.Fatalf("claims_total{claimed} = %v, want 2", got)
	}

	// A manual claim of withdrawal 1 from another wallet: refused (303),
	// nothing paid. Its status, asked of TON too, is claimed.
	w, err := c.WithdrawalStatus(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.CheckClaimed(ctx, reader); err != nil || w.Status != client.WithdrawClaimed || !*w.ClaimedOnTON {
		t.Fatalf("status with TON: %s %v (%v)", w.Status, w.ClaimedOnTON, err)
	}
	body, err := w.ClaimBody()
	if err != nil {
		t.Fatal(err)
	}
	hs := *s
	hs.WalletKey = tonlocaltest.HolderKey()
	hc, err := dialTON(ctx, &hs, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	hc.Poll = 200 * time.Millisecond
	before := balance(j.Holder)
	_, err = hc.SubmitCheckpoint(ctx, body, tlb.MustFromTON("0.1"))
	var refused *bton.RefusedError
	if !errors.As(err, &refused) || refused.Exit != checkpoint.ExitAlreadyClaimed {
		t.Fatalf("second claim of withdrawal 1: %v, want exit 303", err)
	}
	if after := balance(j.Holder); after.Cmp(before) != 0 {
		t.Fatalf("second claim paid: %v → %v", before, after)
	}

	// A restarted relayer (same journal) claims nothing again.
	r2, stop2 := runClaimRelayer(t, ctx, s)
	time.Sleep(3 * time.Second)
	stop2()
	if got := r2.ClaimMetric("claimed") + r2.ClaimMetric("already_claimed"); got != 0 {
		t.Fatalf("restarted relayer resolved %v claims, want none", got)
	}

	// Recovery by hand: `retry --withdrawal 1` sends the claim again and
	// reports it already claimed (303, nothing paid); `stuck` lists the
	// journal's state; a malformed --deposit is refused.
	var out bytes.Buffer
	before = balance(j.Holder)
	if err := runRetry(ctx, s, "", 1, &out); err != nil || !strings.Contains(out.String(), "already_claimed") {
		t.Fatalf("retry --withdrawal 1: %v %s", err, out.String())
	}
	if after := balance(j.Holder); after.Cmp(before) != 0 {
		t.Fatalf("retried claim paid: %v → %v", before, after)
	}
	out.Reset()
	if err := runStuck(ctx, s, &out); err != nil {
		t.Fatal(err)
	}
	var st stuckReport
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || len(st.Deposits) != 0 || len(st.Claims) == 0 {
		t.Fatalf("stuck: %v %s", err, out.String())
	}
	if err := runRetry(ctx, s, "0x12:1", 0, &out); err == nil || !strings.Contains(err.Error(), "want 0x") {
		t.Fatalf("retry with a malformed deposit: %v", err)
	}
}

// runClaimRelayer runs a relayer with auto-claim until stop.
func runClaimRelayer(t *testing.T, ctx context.Context, s *settings) (*relayer.Relayer, func()) {
	j, err := relayer.OpenJournal(s.JournalDir)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := dialChain(s)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := dialTON(ctx, s, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	tc.Poll = 200 * time.Millisecond
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	r := relayer.New(relayer.Config{Amount: s.Amount, Poll: 200 * time.Millisecond, MaxBackoff: 2 * time.Second, SubmitTimeout: 20 * time.Second},
		ch, tc, j, nil, log)
	cj, err := relayer.OpenClaimJournal(j)
	if err != nil {
		t.Fatal(err)
	}
	r.EnableClaims(relayer.ClaimConfig{Amount: s.ClaimAmount, FromEpoch: s.ClaimFrom}, ch, tc, cj)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer tc.Close()
		defer j.Close()
		if err := r.Run(rctx); !errors.Is(err, context.Canceled) {
			t.Errorf("relayer Run returned %v", err)
		}
	}()
	return r, func() { cancel(); <-done }
}

func liteAPI(t *testing.T, e *tonlocal.Endpoint) ton.APIClientWrapped {
	t.Helper()
	cfg, err := liteclient.GetConfigFromFile(e.ConfigPath())
	if err != nil {
		t.Fatal(err)
	}
	pool := liteclient.NewConnectionPool()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := pool.AddConnectionsFromConfig(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Stop)
	return ton.NewAPIClient(pool, ton.ProofCheckPolicyUnsafe).WithRetry(3)
}
