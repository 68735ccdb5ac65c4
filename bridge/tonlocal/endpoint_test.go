package tonlocal_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/ton"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
)

const testChainID = 7

var npmOnce sync.Once

// contractsDir returns bridge/contracts with node_modules installed,
// running npm ci once when they are missing (a bare checkout).
func contractsDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../contracts")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	npmOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "@ton", "sandbox")); err == nil {
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	})
	return dir
}

func testKey(i int) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(fmt.Sprintf("pingo/test-validator/%d", i)))
	return ed25519.NewKeyFromSeed(seed[:])
}

func relayerKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("pingo/test-relayer"))
	return ed25519.NewKeyFromSeed(seed[:])
}

func testValidators(n int) []checkpoint.Validator {
	set := make([]checkpoint.Validator, n)
	for i := range set {
		set[i] = checkpoint.Validator{PubKey: testKey(i).Public().(ed25519.PublicKey), Power: 10}
	}
	return set
}

func startEndpoint(t *testing.T, dir string) *tonlocal.Endpoint {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e, err := tonlocal.Start(ctx, tonlocal.Options{
		Dir:           dir,
		Addr:          "127.0.0.121:0",
		ContractsDir:  contractsDir(t),
		BlockInterval: 200 * time.Millisecond,
		ChainID:       testChainID,
		Validators:    testValidators(4),
		Wallets:       []ed25519.PublicKey{relayerKey().Public().(ed25519.PublicKey)},
		AnchorBalance: big.NewInt(1_000_000_000),
		Log:           t.Logf,
		Stderr:        os.Stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

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
	e := startEndpoint(t, t.TempDir())
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
	if v, err := res.Int(0); err != nil || v.Uint64() != testChainID {
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
