package tonlocal_test

import (
	"context"
	"crypto/ed25519"
	"math/big"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/jetton"
	"github.com/xssnick/tonutils-go/ton/wallet"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
)

// anchorTxByOp waits (bounded) for the anchor's first transaction after
// afterLT whose inbound internal message has opcode op.
func anchorTxByOp(t *testing.T, ctx context.Context, api ton.APIClientWrapped, anchor *address.Address, afterLT uint64, op uint64) *tlb.Transaction {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		b, err := api.CurrentMasterchainInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := api.GetAccount(ctx, b, anchor)
		if err != nil {
			t.Fatal(err)
		}
		if acc.LastTxLT <= afterLT {
			continue
		}
		txs, err := api.ListTransactions(ctx, anchor, 16, acc.LastTxLT, acc.LastTxHash)
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range txs { // oldest first
			if tx.LT <= afterLT || tx.IO.In == nil || tx.IO.In.MsgType != tlb.MsgTypeInternal || tx.IO.In.AsInternal().Body == nil {
				continue
			}
			if got, err := tx.IO.In.AsInternal().Body.BeginParse().LoadUInt(32); err == nil && got == op {
				return tx
			}
		}
	}
	t.Fatalf("no anchor transaction with op %#x after lt %d", op, afterLT)
	return nil
}

// TestClaimOverLocalEndpoint: the withdrawal path over the real client. The
// relayer wallet anchors a checkpoint whose withdrawal_root covers three
// withdrawals; the holder claims one of them with checkpoint.ClaimBody
// through its V5R1 wallet; the jettons leave the bridge wallet for the
// recipient; a second claim of the same id answers 303 and pays nothing.
func TestClaimOverLocalEndpoint(t *testing.T) {
	e := tonlocaltest.StartWithJetton(t, t.TempDir(), "127.0.0.192:0")
	defer e.Close()
	j := e.Jetton()
	_, api := connect(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	master := jetton.NewJettonMasterClient(api, j.Master)

	relayer, err := wallet.FromPrivateKey(api, tonlocaltest.RelayerKey(), tonlocal.WalletVersion)
	if err != nil {
		t.Fatal(err)
	}
	recipient := relayer.WalletAddress() // any std address; it has no jetton wallet yet
	ws := make([]checkpoint.Withdrawal, 3)
	leaves := make([][32]byte, 3)
	for i := range ws {
		ws[i] = checkpoint.Withdrawal{ID: uint64(10 + i), Epoch: 1, From: [20]byte{byte(i + 1)}, To: recipient, Amount: big.NewInt(int64(1_000_000_000 * (i + 1)))}
		if leaves[i], err = ws[i].LeafHash(); err != nil {
			t.Fatal(err)
		}
	}
	root, err := checkpoint.WithdrawalRoot(leaves)
	if err != nil {
		t.Fatal(err)
	}
	set := tonlocaltest.Validators(4)
	vh, err := checkpoint.ValsetHash(set)
	if err != nil {
		t.Fatal(err)
	}
	cp := checkpoint.Checkpoint{ChainID: tonlocaltest.ChainID, Epoch: 1, Height: 10, ValsetHash: vh, NextValsetHash: vh, WithdrawalRoot: root}
	var sigs []checkpoint.Signature
	for i := 0; i < 3; i++ {
		sigs = append(sigs, checkpoint.Signature{Index: uint16(i), Sig: checkpoint.Sign(ed25519.PrivateKey(tonlocaltest.ValidatorKey(i)), cp)})
	}
	submit, err := checkpoint.SubmitBody(1, cp, sigs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := relayer.SendWaitTransaction(ctx, wallet.SimpleMessage(e.Anchor(), tlb.MustFromTON("0.1"), submit)); err != nil {
		t.Fatal(err)
	}
	stx := anchorTxByOp(t, ctx, api, e.Anchor(), 0, checkpoint.OpSubmitCheckpoint)
	if exitOf(stx) != 0 {
		t.Fatalf("checkpoint exit %d", exitOf(stx))
	}

	holder, err := wallet.FromPrivateKey(api, tonlocaltest.HolderKey(), tonlocal.WalletVersion)
	if err != nil {
		t.Fatal(err)
	}
	path, err := checkpoint.WithdrawalPath(leaves, 1)
	if err != nil {
		t.Fatal(err)
	}
	claim, err := checkpoint.ClaimBody(7, ws[1], 1, path)
	if err != nil {
		t.Fatal(err)
	}
	bridgeBefore := jettonBalance(t, ctx, master, e.Anchor())
	lt := stx.LT
	for round, want := range []int{checkpoint.ExitOK, checkpoint.ExitAlreadyClaimed} {
		if _, _, err := holder.SendWaitTransaction(ctx, wallet.SimpleMessage(e.Anchor(), tlb.MustFromTON("0.1"), claim)); err != nil {
			t.Fatal(err)
		}
		tx := anchorTxByOp(t, ctx, api, e.Anchor(), lt, checkpoint.OpClaimWithdrawal)
		if got := exitOf(tx); got != want || !checkpoint.Claimed(got) {
			t.Fatalf("claim %d: exit %d, want %d", round, got, want)
		}
		lt = tx.LT
	}
	var got *big.Int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if got = jettonBalance(t, ctx, master, recipient); got.Cmp(ws[1].Amount) == 0 {
			break
		}
	}
	if got.Cmp(ws[1].Amount) != 0 {
		t.Fatalf("recipient holds %v, want %v (paid once)", got, ws[1].Amount)
	}
	if after := jettonBalance(t, ctx, master, e.Anchor()); new(big.Int).Sub(bridgeBefore, after).Cmp(ws[1].Amount) != 0 {
		t.Fatalf("bridge went from %v to %v", bridgeBefore, after)
	}
	b, _ := api.CurrentMasterchainInfo(ctx)
	res, err := api.RunGetMethod(ctx, b, e.Anchor(), "isClaimed", ws[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := res.Int(0); err != nil || v.Sign() == 0 {
		t.Fatalf("isClaimed(%d) = %v, %v", ws[1].ID, v, err)
	}
}
