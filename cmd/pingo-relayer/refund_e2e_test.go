package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton/jetton"
	"github.com/xssnick/tonutils-go/ton/wallet"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/relayer"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// TestRelayerRefundEndToEnd: the refund path of issue #7 over real
// components — a one-validator chain with a TON watcher (127.0.0.141,
// epochs of 4 blocks), the local TON endpoint with the PINGO jetton
// (127.0.0.142), and the relayer anchoring, reporting deposits and
// claiming. The jetton holder sends two deposits whose payload names no L2
// address: one with enough TON (the anchor returns the jettons itself,
// exit 0: the chain records it `returned`, owes nothing) and one with too
// little (the anchor runs out of gas, -14, nothing happens on TON: the
// relayer reports it with ReportRefund, the validator's watcher confirms
// it, the chain records it `refundable` and re-includes it as withdrawal
// to the holder, which the relayer claims). In the end the holder has all
// its jettons back, the refund is claimed once on TON and the deposit's
// status (client.DepositStatus, `pingod query deposit`) leads to it, `pingod query
// transfers --stuck` with the anchor's getter lists nothing (and without
// it lists the paid refund: it cannot know), `pingo-relayer stuck` has no
// open deposit, and the cross-chain supply holds:
// L2 supply + jettons outside the anchor + (withdrawn_total +
// refundable_total − claimed) = jetton supply.
func TestRelayerRefundEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain node and the local TON endpoint")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	var genesisSupply, total *big.Int
	outside := new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1_000_000_000)) // 10^6 PINGO on the holder's TON wallet
	bn := startBridgeNet(t, ctx, 141, func(c *client.Client) *tonlocal.JettonGenesis {
		r, err := c.Query(ctx, "/bank/supply", 0)
		if err != nil {
			t.Fatal(err)
		}
		genesisSupply = new(big.Int).SetBytes(r.Value)
		total = new(big.Int).Add(genesisSupply, outside)
		return &tonlocal.JettonGenesis{Supply: total, Bridge: genesisSupply,
			Holder: tonlocaltest.HolderKey().Public().(ed25519.PublicKey)}
	})
	n, c, e, j := bn.n, bn.c, bn.e, bn.j
	l2Supply := func() *big.Int {
		r, err := c.Query(ctx, "/bank/supply", 0)
		if err != nil {
			t.Fatal(err)
		}
		return new(big.Int).SetBytes(r.Value)
	}
	// The validator checks facts against this TON endpoint.
	n.Stop(0)
	cfg, err := chain.LoadConfig(n.Nodes[0].Home, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.App.TONConfig, cfg.App.TONAnchor, cfg.App.TONUnsafe = e.ConfigPath(), e.Anchor().String(), true
	if err := chain.WriteAppConfig(chain.AppConfigFile(n.Nodes[0].Home), cfg.App); err != nil {
		t.Fatal(err)
	}
	n.Start(0)
	n.WaitHeight(0, n.MaxHeight()+1, 60*time.Second)
	// A fresh client: testutil.Net keeps the node's Client across a
	// restart, and its keep-alive connection can still reach the stopped
	// node's RPC handlers, which answer from the closed app ("query/3:
	// height N pruned", status frozen at N) while the new node runs on.
	if c, err = client.New(n.Nodes[0].RPC); err != nil {
		t.Fatal(err)
	}

	s := bn.relayerSettings(t)
	s.L2Key, s.ReportFee = chain.DevKey(1), uint256.NewInt(10_000)
	stop := runRefundRelayer(t, ctx, s)
	defer stop()
	reader, err := dialTON(ctx, s, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reader.Close)

	// The holder's wallet and jetton wallet.
	api := liteAPI(t, e)
	holder, err := wallet.FromPrivateKey(api, tonlocaltest.HolderKey(), tonlocal.WalletVersion)
	if err != nil {
		t.Fatal(err)
	}
	master := jetton.NewJettonMasterClient(api, j.Master)
	hw, err := master.GetJettonWallet(ctx, j.Holder)
	if err != nil {
		t.Fatal(err)
	}
	jettons := func(owner *address.Address) *big.Int { return jettonBalance(t, ctx, master, owner) }
	before := jettons(j.Holder)
	comment := cell.BeginCell().MustStoreUInt(0, 32).MustStoreStringSnake("no L2 address here").EndCell()
	send := func(amount uint64, fwd string) {
		body, err := hw.BuildTransferPayloadV2(e.Anchor(), j.Holder, tlb.FromNanoTONU(amount), tlb.MustFromTON(fwd), comment, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := holder.SendWaitTransaction(ctx, wallet.SimpleMessage(hw.Address(), tlb.MustFromTON("0.2"), body)); err != nil {
			t.Fatal(err)
		}
	}
	const returnedAmt, owedAmt = 7_000_000, 3_000_000_000
	send(returnedAmt, "0.07") // the anchor sends it straight back (exit 0)
	send(owedAmt, "0.0005")   // the anchor runs out of gas (-14): owed by the L2
	start := time.Now()

	// Both seen on TON; their chain records become final.
	var deps []bton.Deposit
	waitFor(t, 20*time.Second, "both deposits on TON", func() bool {
		deps, _, err = reader.Deposits(ctx, 0)
		return err == nil && len(deps) == 2
	})
	if !deps[0].AnchorOK || deps[1].AnchorOK || !deps[0].Refundable || !deps[1].Refundable {
		t.Fatalf("TON view: %+v", deps)
	}
	rec := func(d bton.Deposit) (bridge.DepositRecord, bool) {
		r, found, err := c.Deposit(ctx, bridge.Hash32(d.TxHash), d.LT)
		if err != nil {
			t.Fatal(err)
		}
		return r, found
	}
	var returned, owed bridge.DepositRecord
	waitFor(t, 30*time.Second, "both deposits final on the chain", func() bool {
		var f1, f2 bool
		returned, f1 = rec(deps[0])
		owed, f2 = rec(deps[1])
		return f1 && f2 && returned.Final() && owed.Final()
	})
	t.Logf("unparseable deposits final on the L2 %.2f s after the second TON send", time.Since(start).Seconds())
	holderAddr, _ := bridge.TONAddrFrom(j.Holder)
	if returned.Status != bridge.DepositReturned || returned.WithdrawalID != 0 {
		t.Fatalf("returned deposit: %+v", returned)
	}
	if owed.Status != bridge.DepositRefundable || owed.WithdrawalID == 0 || owed.RefundTo == nil || *owed.RefundTo != holderAddr ||
		owed.Amount.Uint64() != owedAmt {
		t.Fatalf("owed deposit: %+v", owed)
	}
	wid := owed.WithdrawalID
	waitFor(t, 60*time.Second, "the refund claimed on TON", func() bool {
		ok, err := reader.IsClaimed(ctx, wid)
		return err == nil && ok
	})
	t.Logf("unparseable deposit with a failed anchor tx: TON send → refund claimed on TON %.2f s", time.Since(start).Seconds())
	waitFor(t, 20*time.Second, "the holder has every jetton back", func() bool { return jettons(j.Holder).Cmp(before) == 0 })
	// `pingod query deposit` (client.DepositStatus): by the TON tx, the
	// refundable deposit leads to its withdrawal, claimed per the anchor;
	// the returned one has none.
	v, err := c.DepositStatus(ctx, bridge.Hash32(deps[1].TxHash), deps[1].LT, reader)
	if err != nil || !v.Found || v.Refund == nil || v.Refund.Status != client.WithdrawClaimed || v.Refund.Record.ID != wid ||
		v.Refund.Record.To != holderAddr || v.Refund.Record.Amount.Uint64() != owedAmt {
		t.Fatalf("refundable deposit's view: %+v %v", v, err)
	}
	if v, err := c.DepositStatus(ctx, bridge.Hash32(deps[0].TxHash), deps[0].LT, reader); err != nil || !v.Found ||
		v.Record.Status != bridge.DepositReturned || v.Refund != nil {
		t.Fatalf("returned deposit's view: %+v %v", v, err)
	}

	// pingod query transfers --stuck: with the anchor's getter nothing is
	// left; without it the paid refund is still listed (the L2 cannot know).
	next, err := c.NextWithdrawalID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, paid, err := client.UnclaimedWithdrawals(ctx, c, reader, next, 0)
	if err != nil || len(l) != 0 || paid != 1 {
		t.Fatalf("stuck with TON: %v paid %d (%v)", l, paid, err)
	}
	if l, _, err := client.UnclaimedWithdrawals(ctx, c, nil, next, 0); err != nil || len(l) != 1 || l[0].Record.RefundOf == nil {
		t.Fatalf("stuck without TON: %v (%v)", l, err)
	}
	// pingo-relayer stuck: nothing open.
	var out bytes.Buffer
	if err := runStuck(ctx, s, &out); err != nil {
		t.Fatal(err)
	}
	var st stuckReport
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || len(st.Deposits) != 0 {
		t.Fatalf("relayer stuck: %v %s", err, out.String())
	}

	// Cross-chain supply: nothing minted on the L2, nothing lost on TON.
	if got := l2Supply(); got.Cmp(genesisSupply) != 0 {
		t.Fatalf("L2 supply %v, genesis %v", got, genesisSupply)
	}
	u := func(path string) *big.Int {
		r, err := c.Query(ctx, path, 0)
		if err != nil {
			t.Fatal(err)
		}
		return new(big.Int).SetBytes(r.Value)
	}
	withdrawn, refundable, ret := u("/bridge/withdrawn_total"), u("/bridge/refundable_total"), u("/bridge/returned_total")
	if refundable.Uint64() != owedAmt || ret.Uint64() != returnedAmt || withdrawn.Sign() != 0 {
		t.Fatalf("withdrawn_total %v refundable_total %v returned_total %v", withdrawn, refundable, ret)
	}
	jd, err := master.GetJettonData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	outside = new(big.Int).Sub(jd.TotalSupply, jettons(e.Anchor()))
	lhs := new(big.Int).Add(l2Supply(), outside)
	lhs.Add(lhs, new(big.Int).Sub(new(big.Int).Add(withdrawn, refundable), big.NewInt(owedAmt))) // the one claim paid owedAmt
	t.Logf("supply: L2 %v + outside the anchor %v + (withdrawn %v + refundable %v − claimed %d) = %v; jetton total %v",
		l2Supply(), outside, withdrawn, refundable, owedAmt, lhs, jd.TotalSupply)
	if lhs.Cmp(jd.TotalSupply) != 0 {
		t.Fatal("cross-chain supply invariant")
	}
}

// runRefundRelayer runs a relayer that anchors, reports deposits (ReportDeposit
// and ReportRefund) and claims, until stop.
func runRefundRelayer(t *testing.T, ctx context.Context, s *settings) func() {
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
	rep := &relayer.ChainReporter{Client: ch.Client, Key: s.L2Key, Fee: s.ReportFee}
	r.Reporter = rep
	dj, err := relayer.OpenDepositJournal(j)
	if err != nil {
		t.Fatal(err)
	}
	r.EnableDeposits(tc, rep, dj)
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
		if err := r.Run(rctx); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("relayer Run returned %v", err)
		}
	}()
	return func() { cancel(); <-done }
}
