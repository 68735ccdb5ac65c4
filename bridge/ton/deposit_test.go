package ton_test

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/tlb"
	lite "github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/jetton"
	"github.com/xssnick/tonutils-go/ton/wallet"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
)

// TestDepositsOverLocalEndpoint: real jetton transfers from the holder's
// wallet over ADNL to the local TON endpoint; the relayer's scan
// (Client.Deposits, getTransactions from a cursor) and the watcher's check
// (Reader.Deposit, by hash and lt) agree on every one:
//   - a good payload: a deposit to its L2 recipient;
//   - a good payload with too little TON forwarded: the anchor runs out of
//     gas (-14), the jettons are in the bridge wallet — still a deposit;
//   - a comment as payload: refundable, the anchor's transaction succeeded
//     (AnchorOK: TON returns it);
//   - a comment with too little TON: refundable and the anchor failed (-14,
//     AnchorOK false: the L2 owes it, ReportRefund to Sender);
//   - a transfer_notification the holder forges and sends the anchor
//     itself (exit 320): not a deposit.
func TestDepositsOverLocalEndpoint(t *testing.T) {
	e := tonlocaltest.StartWithJetton(t, t.TempDir(), "127.0.0.229:0")
	defer e.Close()
	j := e.Jetton()
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	gc, err := liteclient.GetConfigFromFile(e.ConfigPath())
	if err != nil {
		t.Fatal(err)
	}
	pool := liteclient.NewConnectionPool()
	if err := pool.AddConnectionsFromConfig(ctx, gc); err != nil {
		t.Fatal(err)
	}
	defer pool.Stop()
	api := lite.NewAPIClient(pool, lite.ProofCheckPolicyUnsafe).WithRetry(3)
	c := dial(t, e)
	r, err := bton.DialReader(ctx, e.ConfigPath(), e.Anchor(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if w, err := r.JettonWallet(ctx); err != nil || !w.Equals(j.AnchorWallet) {
		t.Fatalf("jettonWallet %v %v", w, err)
	}

	holder, err := wallet.FromPrivateKey(api, tonlocaltest.HolderKey(), tonlocal.WalletVersion)
	if err != nil {
		t.Fatal(err)
	}
	hw, err := jetton.NewJettonMasterClient(api, j.Master).GetJettonWallet(ctx, j.Holder)
	if err != nil {
		t.Fatal(err)
	}
	send := func(amount uint64, fwdTON string, payload *cell.Cell) {
		t.Helper()
		body, err := hw.BuildTransferPayloadV2(e.Anchor(), j.Holder, tlb.FromNanoTONU(amount), tlb.MustFromTON(fwdTON), payload, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := holder.SendWaitTransaction(ctx, wallet.SimpleMessage(hw.Address(), tlb.MustFromTON("0.2"), body)); err != nil {
			t.Fatal(err)
		}
	}
	// waitDeposits polls the relayer's scan (bounded) until n deposits.
	waitDeposits := func(n int) []bton.Deposit {
		t.Helper()
		var got []bton.Deposit
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if got, _, err = c.Deposits(ctx, 0); err == nil && len(got) >= n {
				return got
			}
		}
		t.Fatalf("%d deposits seen (%v), want %d", len(got), err, n)
		return nil
	}

	l2 := [20]byte{0xab, 19: 0x01}
	send(5_000_000_000, "0.02", checkpoint.DepositPayload(l2))
	send(3_000_000_000, "0.0005", checkpoint.DepositPayload(l2))
	send(7, "0.07", cell.BeginCell().MustStoreUInt(0, 32).MustStoreStringSnake("hello").EndCell())
	send(9, "0.0005", cell.BeginCell().MustStoreUInt(0, 32).MustStoreStringSnake("hello").EndCell())
	// Forged: a notification of 10^12 units to l2, sent by the holder's own wallet.
	forged := cell.BeginCell().MustStoreUInt(checkpoint.OpTransferNotification, 32).MustStoreUInt(0, 64).
		MustStoreBigCoins(big.NewInt(1_000_000_000_000)).MustStoreAddr(j.Holder).MustStoreBoolBit(true).
		MustStoreRef(checkpoint.DepositPayload(l2)).EndCell()
	if _, _, err := holder.SendWaitTransaction(ctx, wallet.SimpleMessage(e.Anchor(), tlb.MustFromTON("0.05"), forged)); err != nil {
		t.Fatal(err)
	}

	got := waitDeposits(4)
	if len(got) != 4 {
		t.Fatalf("%d deposits: %+v", len(got), got)
	}
	for i, want := range []struct {
		amount     int64
		refundable bool
		outOfGas   bool
	}{{5_000_000_000, false, false}, {3_000_000_000, false, true}, {7, true, false}, {9, true, true}} {
		d := got[i]
		if d.Amount.Int64() != want.amount || d.Refundable != want.refundable || (!want.refundable && d.Recipient != l2) {
			t.Errorf("deposit %d: %+v", i, d)
		}
		if want.outOfGas == (d.Exit == 0) || want.outOfGas == d.AnchorOK {
			t.Errorf("deposit %d: exit %d anchor ok %v (out of gas expected: %v)", i, d.Exit, d.AnchorOK, want.outOfGas)
		}
		if want.refundable && (d.Sender == nil || !d.Sender.Equals(j.Holder)) {
			t.Errorf("deposit %d: sender %v, want the holder %v", i, d.Sender, j.Holder)
		}
		if i > 0 && d.LT <= got[i-1].LT {
			t.Errorf("not ascending: %d after %d", d.LT, got[i-1].LT)
		}
		w, err := r.Deposit(ctx, d.TxHash, d.LT)
		if err != nil || w.Amount.Cmp(d.Amount) != 0 || w.Recipient != d.Recipient || w.Refundable != d.Refundable || w.AnchorOK != d.AnchorOK {
			t.Errorf("watcher's view of deposit %d: %+v %v", i, w, err)
		}
	}
	t.Logf("out-of-gas deposit: exit %d", got[1].Exit)
	// The forged notification is in the anchor's history but is no deposit.
	forgedTx := findForged(t, ctx, api, e, got[3].LT)
	if _, err := r.Deposit(ctx, forgedTx.Hash, forgedTx.LT); !errors.Is(err, bton.ErrNotDeposit) {
		t.Fatalf("forged notification: %v", err)
	}
	if _, err := r.Deposit(ctx, forgedTx.Hash, forgedTx.LT+1); !errors.Is(err, bton.ErrNoSuchTransaction) && err == nil {
		t.Fatalf("wrong lt: %v", err)
	}
	// The cursor: nothing after the newest.
	_, cur, err := c.Deposits(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if more, cur2, err := c.Deposits(ctx, cur); err != nil || len(more) != 0 || cur2 != cur {
		t.Fatalf("after the cursor: %d deposits, cursor %d→%d, %v", len(more), cur, cur2, err)
	}
}

// findForged is the anchor's transaction after afterLT whose inbound
// notification came from the holder's wallet.
func findForged(t *testing.T, ctx context.Context, api lite.APIClientWrapped, e *tonlocal.Endpoint, afterLT uint64) *tlb.Transaction {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		b, err := api.CurrentMasterchainInfo(ctx)
		if err != nil {
			continue
		}
		acc, err := api.GetAccount(ctx, b, e.Anchor())
		if err != nil || acc.LastTxLT <= afterLT {
			continue
		}
		txs, err := api.ListTransactions(ctx, e.Anchor(), 8, acc.LastTxLT, acc.LastTxHash)
		if err != nil {
			continue
		}
		for _, tx := range txs {
			if tx.LT > afterLT && tx.IO.In != nil && tx.IO.In.MsgType == tlb.MsgTypeInternal &&
				tx.IO.In.AsInternal().SrcAddr.Equals(e.Jetton().Holder) {
				return tx
			}
		}
	}
	t.Fatal("forged notification not found")
	return nil
}
