package ton_test

import (
	"context"
	"crypto/ed25519"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/liteclient"
	lite "github.com/xssnick/tonutils-go/ton"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
)

// TestStorageExtraAccount: the endpoint serves accounts as a mainnet
// liteserver does, storage_extra included. After its first transaction
// the anchor carries storage_extra_info and tonutils-go v1.12.0's
// GetAccount cannot parse it — the mainnet risk, shown. The relayer's
// Submit (whose transaction lookup reads the last transaction from the
// proof, not the parsed account) and the watcher's Reader (get-methods and
// transactions by hash) still work.
func TestStorageExtraAccount(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	e, err := tonlocal.Start(ctx, tonlocal.Options{
		Dir: t.TempDir(), Addr: "127.0.0.187:0", ContractsDir: tonlocaltest.ContractsDir(t),
		BlockInterval: 200 * time.Millisecond, ChainID: tonlocaltest.ChainID, Validators: tonlocaltest.Validators(4),
		Wallets:       []ed25519.PublicKey{tonlocaltest.RelayerKey().Public().(ed25519.PublicKey)},
		AnchorBalance: big.NewInt(1_000_000_000), ServeStorageExtra: true, Log: t.Logf, Stderr: os.Stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	c := dial(t, e)
	r, err := bton.DialReader(ctx, e.ConfigPath(), e.Anchor(), true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	submit := func(epoch uint64) *bton.Result {
		cp := checkpointAt(t, epoch)
		b, err := checkpoint.SubmitBody(epoch, cp, submitBody(t, cp, []int{0, 1, 2}, -1), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.SubmitCheckpoint(ctx, b, fee)
		if err != nil || res.Exit != checkpoint.ExitOK {
			t.Fatalf("submit epoch %d: %+v, %v", epoch, res, err)
		}
		if err := r.VerifyAnchor(ctx, epoch, cp.Digest(), res.AnchorTx.Hash, res.AnchorTx.LT); err != nil {
			t.Fatalf("watcher check of epoch %d: %v", epoch, err)
		}
		return res
	}
	submit(1)

	// A plain tonutils-go client: GetAccount on the anchor now fails.
	gc, err := liteclient.GetConfigFromFile(e.ConfigPath())
	if err != nil {
		t.Fatal(err)
	}
	pool := liteclient.NewConnectionPool()
	if err := pool.AddConnectionsFromConfig(ctx, gc); err != nil {
		t.Fatal(err)
	}
	defer pool.Stop()
	api := lite.NewAPIClient(pool, lite.ProofCheckPolicyUnsafe)
	b, err := api.CurrentMasterchainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.WaitForBlock(b.SeqNo).GetAccount(ctx, b, e.Anchor())
	if err == nil || !strings.Contains(err.Error(), "failed to load account state") {
		t.Fatalf("GetAccount on the anchor with storage_extra: %v; the risk this test documents is gone (update bridge/ton README)", err)
	}
	t.Logf("tonutils-go GetAccount on the anchor: %v", err)

	// The relayer's and the watcher's paths still work.
	submit(2)
	if ep, err := r.LastEpoch(ctx); err != nil || ep != 2 {
		t.Fatalf("LastEpoch = %d, %v", ep, err)
	}
	// A wrong claim is contradicted, not confirmed.
	res := submit(3)
	if err := r.VerifyAnchor(ctx, 2, checkpointAt(t, 2).Digest(), res.AnchorTx.Hash, res.AnchorTx.LT); err == nil {
		t.Fatal("epoch 3's transaction confirmed as epoch 2's anchoring")
	}
	bad := append([]byte(nil), res.AnchorTx.Hash...)
	bad[0] ^= 1
	if err := r.VerifyAnchor(ctx, 3, checkpointAt(t, 3).Digest(), bad, res.AnchorTx.LT); err == nil {
		t.Fatal("a transaction hash that does not exist confirmed")
	}
}
