package tonlocal_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/jetton"
	"github.com/xssnick/tonutils-go/ton/wallet"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
)

func jettonBalance(t *testing.T, ctx context.Context, m *jetton.Client, owner *address.Address) *big.Int {
	t.Helper()
	w, err := m.GetJettonWallet(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.GetBalance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// anchorNotifications returns the anchor's transactions newer than afterLT
// whose inbound message is a transfer_notification, newest first.
func anchorNotifications(t *testing.T, ctx context.Context, api ton.APIClientWrapped, anchor *address.Address, afterLT uint64) []*tlb.Transaction {
	t.Helper()
	b, err := api.CurrentMasterchainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := api.GetAccount(ctx, b, anchor)
	if err != nil {
		t.Fatal(err)
	}
	if acc.LastTxLT <= afterLT {
		return nil
	}
	txs, err := api.ListTransactions(ctx, anchor, 16, acc.LastTxLT, acc.LastTxHash)
	if err != nil {
		t.Fatal(err)
	}
	var out []*tlb.Transaction
	for i := len(txs) - 1; i >= 0; i-- {
		tx := txs[i]
		if tx.LT <= afterLT || tx.IO.In == nil || tx.IO.In.MsgType != tlb.MsgTypeInternal {
			continue
		}
		body := tx.IO.In.AsInternal().Body
		if body == nil {
			continue
		}
		if op, err := body.BeginParse().LoadUInt(32); err == nil && op == checkpoint.OpTransferNotification {
			out = append(out, tx)
		}
	}
	return out
}

func exitOf(tx *tlb.Transaction) int {
	d, ok := tx.Description.(tlb.TransactionDescriptionOrdinary)
	if !ok {
		return -1
	}
	vm, ok := d.ComputePhase.Phase.(tlb.ComputePhaseVM)
	if !ok {
		return -1
	}
	return int(vm.Details.ExitCode)
}

// TestJettonDepositOverLocalEndpoint: the genesis jetton is where
// endpoint.go says (supply split between the holder and the anchor's
// wallet, the anchor knowing its wallet); the holder deposits through the
// real tonutils-go jetton client and wallet over ADNL; the anchor's
// transaction, read back with getTransactions, carries a notification that
// ParseTransferNotification reads to the L2 recipient. A payload without a
// recipient and enough TON comes straight back.
func TestJettonDepositOverLocalEndpoint(t *testing.T) {
	dir := t.TempDir()
	e := tonlocaltest.StartWithJetton(t, dir, "127.0.0.191:0")
	defer e.Close()
	j := e.Jetton()
	if j == nil {
		t.Fatal("no jetton")
	}
	pool, api := connect(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	master := jetton.NewJettonMasterClient(api, j.Master)
	data, err := master.GetJettonData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The reference minter always reports mintable; with no admin nobody can mint.
	if data.TotalSupply.Cmp(tonlocaltest.JettonSupply) != 0 || (data.AdminAddr != nil && data.AdminAddr.Type() != address.NoneAddress) {
		t.Fatalf("jetton data: supply %v admin %v", data.TotalSupply, data.AdminAddr)
	}
	for _, c := range []struct {
		owner, wallet *address.Address
		balance       *big.Int
	}{
		{e.Anchor(), j.AnchorWallet, tonlocaltest.JettonBridge},
		{j.Holder, j.HolderWallet, new(big.Int).Sub(tonlocaltest.JettonSupply, tonlocaltest.JettonBridge)},
	} {
		w, err := master.GetJettonWallet(ctx, c.owner)
		if err != nil {
			t.Fatal(err)
		}
		if !w.Address().Equals(c.wallet) {
			t.Fatalf("get_wallet_address(%s) = %s, genesis placed %s", c.owner, w.Address(), c.wallet)
		}
		if b := jettonBalance(t, ctx, master, c.owner); b.Cmp(c.balance) != 0 {
			t.Fatalf("%s holds %v, want %v", c.owner, b, c.balance)
		}
	}
	b, _ := api.CurrentMasterchainInfo(ctx)
	res, err := api.RunGetMethod(ctx, b, e.Anchor(), "jettonWallet")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := res.Slice(0); err != nil || !s.MustLoadAddr().Equals(j.AnchorWallet) {
		t.Fatalf("anchor's jettonWallet() %v", err)
	}

	holder, err := wallet.FromPrivateKey(api, tonlocaltest.HolderKey(), tonlocal.WalletVersion)
	if err != nil {
		t.Fatal(err)
	}
	if !holder.WalletAddress().Equals(j.Holder) {
		t.Fatalf("holder wallet %s, endpoint says %s", holder.WalletAddress(), j.Holder)
	}
	hw, err := master.GetJettonWallet(ctx, j.Holder)
	if err != nil {
		t.Fatal(err)
	}
	send := func(amount int64, fwdTON string, payload *cell.Cell) {
		t.Helper()
		body, err := hw.BuildTransferPayloadV2(e.Anchor(), j.Holder, tlb.FromNanoTONU(uint64(amount)), tlb.MustFromTON(fwdTON), payload, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := holder.SendWaitTransaction(ctx, wallet.SimpleMessage(hw.Address(), tlb.MustFromTON("0.2"), body)); err != nil {
			t.Fatal(err)
		}
	}
	// waitNotification polls (bounded) for the anchor's notification after lt.
	waitNotification := func(afterLT uint64) *tlb.Transaction {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if txs := anchorNotifications(t, ctx, api, e.Anchor(), afterLT); len(txs) > 0 {
				return txs[0]
			}
		}
		t.Fatal("no transfer_notification reached the anchor")
		return nil
	}

	l2 := [20]byte{0xab, 19: 0x01}
	send(5_000_000_000, "0.02", checkpoint.DepositPayload(l2))
	tx := waitNotification(0)
	if exitOf(tx) != 0 {
		t.Fatalf("anchor exit %d", exitOf(tx))
	}
	if !tx.IO.In.AsInternal().SrcAddr.Equals(j.AnchorWallet) {
		t.Fatalf("notification from %s, not the anchor's wallet", tx.IO.In.AsInternal().SrcAddr)
	}
	n, err := checkpoint.ParseTransferNotification(tx.IO.In.AsInternal().Body)
	if err != nil {
		t.Fatal(err)
	}
	to, err := n.Recipient()
	if err != nil || to != l2 || n.Amount.Int64() != 5_000_000_000 || !n.Sender.Equals(j.Holder) {
		t.Fatalf("deposit %+v to %x: %v", n, to, err)
	}
	t.Logf("deposit tx lt %d hash %x: %v upingo to 0x%x", tx.LT, tx.Hash, n.Amount, to)
	bridge := new(big.Int).Add(tonlocaltest.JettonBridge, big.NewInt(5_000_000_000))
	if got := jettonBalance(t, ctx, master, e.Anchor()); got.Cmp(bridge) != 0 {
		t.Fatalf("bridge holds %v, want %v", got, bridge)
	}

	// No recipient, 0.07 TON forwarded: refunded in the same trace.
	before := jettonBalance(t, ctx, master, j.Holder)
	send(7, "0.07", cell.BeginCell().MustStoreUInt(0, 32).MustStoreStringSnake("hello").EndCell())
	tx2 := waitNotification(tx.LT)
	n2, err := checkpoint.ParseTransferNotification(tx2.IO.In.AsInternal().Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n2.Recipient(); err == nil || exitOf(tx2) != 0 || tx2.OutMsgCount != 1 {
		t.Fatalf("unparseable deposit: recipient err %v, exit %d, %d out messages", err, exitOf(tx2), tx2.OutMsgCount)
	}
	var after *big.Int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if after = jettonBalance(t, ctx, master, j.Holder); after.Cmp(before) == 0 {
			break
		}
	}
	if after.Cmp(before) != 0 {
		t.Fatalf("holder has %v after the refund, had %v", after, before)
	}
	// Supply invariant on TON: bridge + holder = total.
	sum := new(big.Int).Add(jettonBalance(t, ctx, master, e.Anchor()), after)
	if sum.Cmp(tonlocaltest.JettonSupply) != 0 {
		t.Fatalf("bridge + holder = %v, supply %v", sum, tonlocaltest.JettonSupply)
	}

	// A restart restores the jetton's addresses and balances. The client is
	// stopped first: tonutils-go v1.12.0's reconnect loop (DefaultReconnect)
	// races with itself when its server goes away under it.
	pool.Stop()
	e.Close()
	e2 := tonlocaltest.StartWithJetton(t, dir, "127.0.0.191:0")
	defer e2.Close()
	j2 := e2.Jetton()
	if j2 == nil || !j2.Master.Equals(j.Master) || !j2.AnchorWallet.Equals(j.AnchorWallet) || !j2.HolderWallet.Equals(j.HolderWallet) || !j2.Holder.Equals(j.Holder) {
		t.Fatalf("after restart: %+v, before %+v", j2, j)
	}
	_, api2 := connect(t, e2)
	if got := jettonBalance(t, ctx, jetton.NewJettonMasterClient(api2, j.Master), e.Anchor()); got.Cmp(bridge) != 0 {
		t.Fatalf("after restart the bridge holds %v, want %v", got, bridge)
	}
}
