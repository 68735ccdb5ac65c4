package tonlocal_test

import (
	"context"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/ton"

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
