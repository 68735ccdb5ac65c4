package chain_test

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/tlb"
	lite "github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/jetton"
	"github.com/xssnick/tonutils-go/ton/wallet"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// chaosDepositBase is the first chaos deposit's amount; attempt k sends
// base+k, so a deposit found on the anchor names the attempt that sent it
// (a send that errored may still have landed, and the dev TON wallet is
// also the second relayer's wallet, so seqno races are expected).
const chaosDepositBase = 2_000_000_000

// chaosDeposits sends PINGO jetton deposits from the localnet's dev TON
// wallet to one L2 account that does nothing else, through tonutils-go over
// ADNL to the TON endpoint — which the chaos driver kills: a failed dial or
// send is retried at the next tick with a fresh connection and counted.
// Whether a deposit landed is decided at the end from the anchor's
// transactions, never from the send's result.
type chaosDeposits struct {
	ep        localnetEndpoint
	recipient auth.Address

	mu       sync.Mutex
	attempts int             // sends started (each its own amount)
	sendErrs int             // sends (or dials) that returned an error
	okSent   map[uint64]bool // amounts whose send returned success

	pool   *liteclient.ConnectionPool
	holder *wallet.Wallet
	hw     *jetton.WalletClient
}

func (d *chaosDeposits) dial(ctx context.Context) error {
	if d.pool != nil {
		return nil
	}
	gc, err := liteclient.GetConfigFromFile(d.ep.GlobalConfig)
	if err != nil {
		return err
	}
	pool := liteclient.NewConnectionPool()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.AddConnectionsFromConfig(cctx, gc); err != nil {
		pool.Stop()
		return err
	}
	api := lite.NewAPIClient(pool, lite.ProofCheckPolicyUnsafe)
	holder, err := wallet.FromPrivateKey(api, devTONWalletKey(), tonlocal.WalletVersion)
	if err != nil {
		pool.Stop()
		return err
	}
	hw, err := jetton.NewJettonMasterClient(api, address.MustParseAddr(d.ep.JettonMaster)).GetJettonWallet(cctx, holder.WalletAddress())
	if err != nil {
		pool.Stop()
		return err
	}
	d.pool, d.holder, d.hw = pool, holder, hw
	return nil
}

func (d *chaosDeposits) drop() {
	if d.pool != nil {
		d.pool.Stop()
	}
	d.pool, d.holder, d.hw = nil, nil, nil
}

// sendOne makes attempt k: amount base+k to the anchor with the PNGD
// payload naming the recipient, waiting up to 30 s for the wallet tx.
func (d *chaosDeposits) sendOne(ctx context.Context, k int) {
	amt := uint64(chaosDepositBase + k)
	d.mu.Lock()
	d.attempts++
	d.mu.Unlock()
	fail := func() {
		d.mu.Lock()
		d.sendErrs++
		d.mu.Unlock()
		d.drop() // the endpoint may have restarted: reconnect next time
	}
	if err := d.dial(ctx); err != nil {
		fail()
		return
	}
	body, err := d.hw.BuildTransferPayloadV2(address.MustParseAddr(d.ep.Anchor), d.holder.WalletAddress(), tlb.FromNanoTONU(amt),
		tlb.MustFromTON("0.02"), checkpoint.DepositPayload(d.recipient), nil)
	if err != nil {
		fail()
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, _, err := d.holder.SendWaitTransaction(sctx, wallet.SimpleMessage(d.hw.Address(), tlb.MustFromTON("0.2"), body)); err != nil {
		fail()
		return
	}
	d.mu.Lock()
	d.okSent[amt] = true
	d.mu.Unlock()
}

// run makes one deposit attempt every 5–7 s until ctx ends.
func (d *chaosDeposits) run(ctx context.Context) {
	d.okSent = map[uint64]bool{}
	defer d.drop()
	for k := 0; ctx.Err() == nil; k++ {
		d.sendOne(ctx, k)
		sleepCtx(ctx, 5*time.Second+time.Duration(k%3)*time.Second)
	}
}

func (d *chaosDeposits) figures() (attempts, sendErrs int, okSent map[uint64]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := make(map[uint64]bool, len(d.okSent))
	for k, v := range d.okSent {
		m[k] = v
	}
	return d.attempts, d.sendErrs, m
}

// rewindDeposits sets a relayer's deposit cursor back to lt: on restart it
// reads and re-reports every deposit since (duplicates of credited ones,
// which CheckTx refuses with bridge/51, and re-ordered against the first
// relayer's reports).
func rewindDeposits(t *testing.T, path string, lt uint64) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Logf("rewind: %v (no deposit journal yet)", err)
		return
	}
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	m["cursor_lt"], err = json.Marshal(lt)
	require.NoError(t, err)
	b, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

func bigU(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
