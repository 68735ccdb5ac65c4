package tonlocal_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/tl"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/wallet"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
)

func connect(t *testing.T, e *tonlocal.Endpoint) (*liteclient.ConnectionPool, ton.APIClientWrapped) {
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
	api := ton.NewAPIClient(pool, ton.ProofCheckPolicyUnsafe).WithRetry(3)
	return pool, api
}

func TestMasterchainAndGetters(t *testing.T) {
	e := tonlocaltest.Start(t, t.TempDir())
	defer e.Close()
	_, api := connect(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b1, err := api.GetMasterchainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := api.WaitForBlock(b1.SeqNo + 2).GetMasterchainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b2.SeqNo < b1.SeqNo+2 {
		t.Fatalf("masterchain did not advance: %d then %d", b1.SeqNo, b2.SeqNo)
	}
	res, err := api.WaitForBlock(b2.SeqNo).RunGetMethod(ctx, b2, e.Anchor(), "lastEpoch")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := res.Int(0); err != nil || v.Uint64() != 0 {
		t.Fatalf("lastEpoch = %v, %v", v, err)
	}
	res, err = api.RunGetMethod(ctx, b2, e.Anchor(), "chainId")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := res.Int(0); err != nil || v.Uint64() != tonlocaltest.ChainID {
		t.Fatalf("chainId = %v, %v", v, err)
	}
	res, err = api.RunGetMethod(ctx, b2, e.Anchor(), "validator", 2)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := res.Int(1); err != nil || p.Uint64() != 10 {
		t.Fatalf("validator(2) power = %v, %v", p, err)
	}
	acc, err := api.GetAccount(ctx, b2, e.Wallets()[0])
	if err != nil {
		t.Fatal(err)
	}
	if !acc.IsActive || acc.State.Balance.Nano().Sign() <= 0 {
		t.Fatalf("wallet not active/funded: %+v", acc)
	}
}

// TestWalletSendWaitTransaction: tonutils-go's own send-and-wait path
// (wallet.SendWaitTransaction: send, wait for blocks, find the transaction
// by its inbound message) works unchanged against the endpoint, and the
// value arrives.
func TestWalletSendWaitTransaction(t *testing.T) {
	e := tonlocaltest.Start(t, t.TempDir())
	defer e.Close()
	_, api := connect(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := wallet.FromPrivateKey(api, tonlocaltest.RelayerKey(), tonlocal.WalletVersion)
	if err != nil {
		t.Fatal(err)
	}
	if !w.WalletAddress().Equals(e.Wallets()[0]) {
		t.Fatalf("client wallet %s, funded wallet %s", w.WalletAddress(), e.Wallets()[0])
	}
	// A top-up of the anchor (an empty body is accepted as one).
	tx, _, err := w.SendWaitTransaction(ctx, wallet.SimpleMessage(e.Anchor(), tlb.MustFromTON("0.5"), cell.BeginCell().EndCell()))
	if err != nil {
		t.Fatal(err)
	}
	if tx.OutMsgCount != 1 {
		t.Fatalf("wallet transaction sent %d messages, want 1", tx.OutMsgCount)
	}
	b, err := api.CurrentMasterchainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := api.WaitForBlock(b.SeqNo).GetAccount(ctx, b, e.Anchor())
	if err != nil {
		t.Fatal(err)
	}
	// Genesis balance 1 TON + 0.5 TON minus the anchor's fees.
	if bal := acc.State.Balance.Nano(); bal.Cmp(tlb.MustFromTON("1.4").Nano()) < 0 || bal.Cmp(tlb.MustFromTON("1.5").Nano()) > 0 {
		t.Fatalf("anchor balance %s after a 0.5 TON top-up of 1 TON", acc.State.Balance)
	}
	txs, err := api.ListTransactions(ctx, e.Anchor(), 5, acc.LastTxLT, acc.LastTxHash)
	if err != nil || len(txs) != 1 || txs[0].IO.In == nil || txs[0].IO.In.MsgType != tlb.MsgTypeInternal {
		t.Fatalf("anchor transactions: %v, %v", txs, err)
	}
}

// TestBadInputKeepsServing: a malformed sendMessage body and an unknown
// account get liteserver answers (an error; an inactive account), and the
// endpoint keeps serving the same connection.
func TestBadInputKeepsServing(t *testing.T) {
	e := tonlocaltest.Start(t, t.TempDir())
	defer e.Close()
	_, api := connect(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, body := range [][]byte{[]byte("\xb5\xee\x9cr200000"), {0xb5, 0xee, 0x9c, 0x72, 0x0e, 0, 0, 0x0e}, nil} {
		var resp tl.Serializable
		if err := api.Client().QueryLiteserver(ctx, ton.SendMessage{Body: body}, &resp); err != nil {
			t.Fatalf("sendMessage %x: transport error %v", body, err)
		}
		if _, ok := resp.(ton.LSError); !ok {
			t.Fatalf("sendMessage %x: %T, want liteServer.error", body, resp)
		}
	}
	b, err := api.GetMasterchainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nobody := address.NewAddress(0, 0, bytes.Repeat([]byte{0x42}, 32))
	acc, err := api.GetAccount(ctx, b, nobody)
	if err != nil || acc.IsActive {
		t.Fatalf("unknown account: %+v, %v; want inactive", acc, err)
	}
	if _, err := api.RunGetMethod(ctx, b, nobody, "seqno"); err == nil {
		t.Fatal("get-method on an unknown account succeeded")
	}
}
