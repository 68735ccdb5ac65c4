// Package tonlocaltest starts a local TON endpoint (bridge/tonlocal) for
// tests: the shared test validator keys, a relayer wallet, and npm ci in
// bridge/contracts when its node_modules are missing (a bare checkout).
package tonlocaltest

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
)

// ChainID is the chain id the test anchor is deployed with.
const ChainID = 7

var (
	npmOnce sync.Once
	npmErr  error
)

// ContractsDir is bridge/contracts, with node_modules installed. Skips the
// test when node is not installed.
func ContractsDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "contracts")
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	npmOnce.Do(func() { npmErr = installContracts(dir) })
	if npmErr != nil {
		t.Fatal(npmErr)
	}
	return dir
}

// ValidatorKey is test validator i's key: seed sha256("pingo/test-validator/<i>"),
// as in bridge/checkpoint's vectors and bridge/contracts' tests.
func ValidatorKey(i int) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(fmt.Sprintf("pingo/test-validator/%d", i)))
	return ed25519.NewKeyFromSeed(seed[:])
}

// Validators is the set of test validators 0..n-1, power 10 each.
func Validators(n int) []checkpoint.Validator {
	set := make([]checkpoint.Validator, n)
	for i := range set {
		set[i] = checkpoint.Validator{PubKey: ValidatorKey(i).Public().(ed25519.PublicKey), Power: 10}
	}
	return set
}

// RelayerKey is the funded wallet's key: seed sha256("pingo/test-relayer").
func RelayerKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("pingo/test-relayer"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// HolderKey is the test jetton holder's wallet key: seed
// sha256("pingo/test-ton-holder").
func HolderKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("pingo/test-ton-holder"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// Test jetton genesis: 10^6 PINGO in all, 4*10^5 of them in the bridge.
var (
	JettonSupply = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1_000_000_000))
	JettonBridge = new(big.Int).Mul(big.NewInt(400_000), big.NewInt(1_000_000_000))
)

// StartWithJetton is Start with the PINGO jetton at genesis (JettonSupply,
// JettonBridge in the anchor's wallet, the rest held by HolderKey's wallet),
// listening on addr (host:0).
func StartWithJetton(t testing.TB, dir, addr string) *tonlocal.Endpoint {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e, err := tonlocal.Start(ctx, tonlocal.Options{
		Dir:           dir,
		Addr:          addr,
		ContractsDir:  ContractsDir(t),
		BlockInterval: 200 * time.Millisecond,
		ChainID:       ChainID,
		Validators:    Validators(4),
		Wallets:       []ed25519.PublicKey{RelayerKey().Public().(ed25519.PublicKey)},
		Jetton:        &tonlocal.JettonGenesis{Supply: JettonSupply, Bridge: JettonBridge, Holder: HolderKey().Public().(ed25519.PublicKey)},
		AnchorBalance: big.NewInt(1_000_000_000),
		Log:           t.Logf,
		Stderr:        os.Stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Start runs an endpoint with state in dir (a fresh dir deploys the anchor
// with Validators(4) and funds RelayerKey's wallet; an used one restores),
// on 127.0.0.121 with an ephemeral port and 200 ms blocks.
func Start(t testing.TB, dir string) *tonlocal.Endpoint {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e, err := tonlocal.Start(ctx, tonlocal.Options{
		Dir:           dir,
		Addr:          "127.0.0.121:0",
		ContractsDir:  ContractsDir(t),
		BlockInterval: 200 * time.Millisecond,
		ChainID:       ChainID,
		Validators:    Validators(4),
		Wallets:       []ed25519.PublicKey{RelayerKey().Public().(ed25519.PublicKey)},
		AnchorBalance: big.NewInt(1_000_000_000),
		Log:           t.Logf,
		Stderr:        os.Stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// installContracts runs npm ci in dir unless its node_modules are there.
// go test runs packages as parallel processes, so the check and the
// install happen under an exclusive file lock: two npm ci in one directory
// would corrupt each other.
func installContracts(dir string) error {
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "pingo-contracts-npm.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck
	// Both the sandbox and the jetton code (issue #7): a node_modules from
	// before the jetton needs npm ci again.
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@ton-community", "assets-sdk")); err == nil {
		return nil
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
	}
	return nil
}
