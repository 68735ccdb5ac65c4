// Package ton is the relayer's TON side: a tonutils-go client that submits
// checkpoints to the anchor contract through a wallet, waits for the
// anchor's transaction and classifies its exit code, and reads the anchor's
// getters. The same code talks to TON and to the local endpoint
// (bridge/tonlocal); only the global config and the proof policy differ.
package ton

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
	lite "github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/wallet"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

// API is what this package uses of tonutils-go's ton.APIClient. It is
// wallet.TonAPI because the wallet is built on the same client; the
// package's own calls are CurrentMasterchainInfo, RunGetMethod,
// SendExternalMessage, ListTransactions and GetAccount.
type API = wallet.TonAPI

// Config is how the relayer reaches TON.
type Config struct {
	// GlobalConfig is a TON global config file (liteservers); the local
	// endpoint writes one (bridge/tonlocal).
	GlobalConfig string
	// WalletKey signs the wallet's external messages.
	WalletKey ed25519.PrivateKey
	// Wallet is the wallet contract version; wallet.ConfigV5R1Final with
	// the network's global id (-239 mainnet, -3 testnet and tonlocal).
	Wallet wallet.VersionConfig
	// Anchor is the anchor contract's address.
	Anchor *address.Address
	// Unsafe skips liteserver proof checks (ton.ProofCheckPolicyUnsafe).
	// Required for bridge/tonlocal, which cannot produce Merkle proofs;
	// never set it against public liteservers.
	Unsafe bool
}

// Client submits checkpoints and reads the anchor.
type Client struct {
	api     API
	wallet  *wallet.Wallet
	anchor  *address.Address
	pool    *liteclient.ConnectionPool // nil when built with New
	unsafe  bool                       // the API skips proofs (lastTx checks the same way)
	wallets jettonWalletCache          // the anchor's jetton wallet, once known

	// Poll is how often Submit re-checks and re-sends; 1s if zero.
	Poll time.Duration
}

// Dial connects to the liteservers of cfg.GlobalConfig and opens the wallet.
// The pool reconnects by itself when a liteserver goes away.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	gc, err := liteclient.GetConfigFromFile(cfg.GlobalConfig)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: %w", err)
	}
	pool := liteclient.NewConnectionPool()
	if err := pool.AddConnectionsFromConfig(ctx, gc); err != nil {
		pool.Stop()
		return nil, fmt.Errorf("bridge/ton: connect: %w", err)
	}
	policy := lite.ProofCheckPolicyFast
	if cfg.Unsafe {
		policy = lite.ProofCheckPolicyUnsafe
	}
	api := lite.NewAPIClient(pool, policy).WithRetry(3).WithTimeout(10 * time.Second)
	c, err := New(api, cfg.WalletKey, cfg.Wallet, cfg.Anchor)
	if err != nil {
		pool.Stop()
		return nil, err
	}
	c.pool, c.unsafe = pool, cfg.Unsafe
	return c, nil
}

// New builds a client over an existing API.
func New(api API, key ed25519.PrivateKey, version wallet.VersionConfig, anchor *address.Address) (*Client, error) {
	w, err := wallet.FromPrivateKey(api, key, version)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: wallet: %w", err)
	}
	return &Client{api: api, wallet: w, anchor: anchor}, nil
}

// Close drops the liteserver connections of a dialed client.
func (c *Client) Close() {
	if c.pool != nil {
		c.pool.Stop()
	}
}

// WalletAddress is the relayer wallet's address (fund it).
func (c *Client) WalletAddress() *address.Address { return c.wallet.WalletAddress() }

// WalletBalance is the wallet's balance in nanoton.
func (c *Client) WalletBalance(ctx context.Context) (*big.Int, error) {
	b, err := c.api.CurrentMasterchainInfo(ctx)
	if err != nil {
		return nil, err
	}
	acc, err := c.api.WaitForBlock(b.SeqNo).GetAccount(ctx, b, c.WalletAddress())
	if err != nil {
		return nil, err
	}
	if !acc.IsActive || acc.State == nil {
		return new(big.Int), nil
	}
	return acc.State.Balance.Nano(), nil
}

// LastEpoch is the anchor's last anchored epoch (getter lastEpoch).
func (c *Client) LastEpoch(ctx context.Context) (uint64, error) {
	res, err := c.get(ctx, "lastEpoch")
	if err != nil {
		return 0, err
	}
	v, err := res.Int(0)
	if err != nil {
		return 0, fmt.Errorf("bridge/ton: lastEpoch: %w", err)
	}
	return v.Uint64(), nil
}

// ErrNotAnchored: the anchor holds no checkpoint for that epoch (never
// anchored, or overwritten in its ring of recent checkpoints).
var ErrNotAnchored = errors.New("bridge/ton: no checkpoint for that epoch on the anchor")

// CheckpointByEpoch reads an anchored checkpoint back (getter checkpointByEpoch).
func (c *Client) CheckpointByEpoch(ctx context.Context, epoch uint64) (checkpoint.Checkpoint, error) {
	return checkpointByEpoch(ctx, c.get, epoch)
}

// checkpointByEpoch runs the getter through get (the relayer's Client and a
// validator's Reader each have one) and parses its answer.
func checkpointByEpoch(ctx context.Context, get func(context.Context, string, ...any) (*lite.ExecutionResult, error), epoch uint64) (checkpoint.Checkpoint, error) {
	res, err := get(ctx, "checkpointByEpoch", new(big.Int).SetUint64(epoch))
	if err != nil {
		return checkpoint.Checkpoint{}, err
	}
	if isNil, err := res.IsNil(0); err == nil && isNil {
		return checkpoint.Checkpoint{}, ErrNotAnchored
	}
	cl, err := res.Cell(0)
	if err != nil {
		return checkpoint.Checkpoint{}, fmt.Errorf("bridge/ton: checkpointByEpoch: %w", err)
	}
	return checkpoint.Parse(cl)
}

func (c *Client) get(ctx context.Context, method string, args ...any) (*lite.ExecutionResult, error) {
	b, err := c.api.CurrentMasterchainInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: masterchain: %w", err)
	}
	res, err := c.api.WaitForBlock(b.SeqNo).RunGetMethod(ctx, b, c.anchor, method, args...)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: %s: %w", method, err)
	}
	return res, nil
}
