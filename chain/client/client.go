// Package client is the Go wallet client: build and sign transactions,
// broadcast them over CometBFT RPC, wait for inclusion, and read state with
// proofs verified against the chain's AppHash by default.
package client

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
)

// Client talks to one node's RPC.
type Client struct {
	rpc *rpchttp.HTTP
	// Verify makes every query fetch a proof and check it against the
	// signed header H+1. On by default; turn off only for a node you run.
	Verify bool
	// PollInterval paces WaitTx and waiting for header H+1.
	PollInterval time.Duration

	// The chain ids are cached on first use; mu guards them, since one
	// Client serves concurrent callers (the relayer reads deposit records
	// in parallel).
	mu       sync.Mutex
	chainID  uint64 // numeric L2 chain id, cached
	cmtChain string // CometBFT chain id, cached
}

// New connects to a node RPC address such as http://127.0.0.1:26657.
func New(addr string) (*Client, error) {
	c, err := rpchttp.NewWithTimeout(addr, "/websocket", 30)
	if err != nil {
		return nil, err
	}
	return &Client{rpc: c, Verify: true, PollInterval: 100 * time.Millisecond}, nil
}

// RPC exposes the underlying CometBFT client for calls this package lacks.
func (c *Client) RPC() *rpchttp.HTTP { return c.rpc }

// TxError is a transaction the node refused, with its stable code.
type TxError struct {
	Codespace string
	Code      uint32
	Log       string
	Hash      string
}

func (e *TxError) Error() string {
	return fmt.Sprintf("tx %s rejected: %s/%d: %s", e.Hash, e.Codespace, e.Code, e.Log)
}

// ChainID returns the numeric L2 chain id (for EIP-712 domains), read once
// from /auth/params.
func (c *Client) ChainID(ctx context.Context) (uint64, error) {
	c.mu.Lock()
	id := c.chainID
	c.mu.Unlock()
	if id != 0 {
		return id, nil
	}
	r, err := c.Query(ctx, "/auth/params", 0)
	if err != nil {
		return 0, err
	}
	p, err := auth.UnmarshalParams(r.Value)
	if err != nil {
		return 0, fmt.Errorf("auth params: %w", err)
	}
	c.mu.Lock()
	c.chainID = p.ChainID
	c.mu.Unlock()
	return p.ChainID, nil
}

// Account reads nonce and balance (zero account if never funded).
func (c *Client) Account(ctx context.Context, a auth.Address) (auth.Account, int64, error) {
	r, err := c.Query(ctx, "/auth/account/"+a.Hex(), 0)
	if err != nil {
		return auth.Account{}, 0, err
	}
	if r.Value == nil {
		return auth.Account{}, r.Height, nil
	}
	acc, err := auth.UnmarshalAccount(r.Value)
	return acc, r.Height, err
}

// Broadcast submits signed tx bytes with broadcast_tx_sync (CheckTx result)
// and returns the tx hash.
func (c *Client) Broadcast(ctx context.Context, tx []byte) (string, error) {
	res, err := c.rpc.BroadcastTxSync(ctx, tx)
	if err != nil {
		return "", err
	}
	hash := hex.EncodeToString(res.Hash)
	if res.Code != 0 {
		return hash, &TxError{Codespace: res.Codespace, Code: res.Code, Log: res.Log, Hash: hash}
	}
	return hash, nil
}

// WaitTx polls until the tx is in a block (or ctx ends) and returns it; a tx
// that was included but failed returns a *TxError.
func (c *Client) WaitTx(ctx context.Context, hash string) (*coretypes.ResultTx, error) {
	h, err := hex.DecodeString(hash)
	if err != nil {
		return nil, fmt.Errorf("tx hash: %w", err)
	}
	t := time.NewTicker(c.PollInterval)
	defer t.Stop()
	for {
		res, err := c.rpc.Tx(ctx, h, false)
		if err == nil {
			if res.TxResult.Code != 0 {
				return res, &TxError{Codespace: res.TxResult.Codespace, Code: res.TxResult.Code, Log: res.TxResult.Log, Hash: hash}
			}
			return res, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for tx %s: %w (last error: %v)", hash, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// Sign builds a signed tx for msg from key, reading the nonce from the chain
// when nonce is nil.
func (c *Client) Sign(ctx context.Context, key *ecdsa.PrivateKey, msg auth.Msg, fee *uint256.Int, nonce *uint64) ([]byte, error) {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	tx := &auth.Tx{ChainID: chainID, Msg: msg}
	tx.Fee = *fee
	if nonce != nil {
		tx.Nonce = *nonce
	} else {
		acc, _, err := c.Account(ctx, auth.PubkeyToAddress(&key.PublicKey))
		if err != nil {
			return nil, err
		}
		tx.Nonce = acc.Nonce
	}
	if err := tx.Sign(key); err != nil {
		return nil, err
	}
	return tx.Encode()
}

// Transfer signs, broadcasts and waits for a transfer; it returns the tx
// hash and the height it was committed at.
func (c *Client) Transfer(ctx context.Context, key *ecdsa.PrivateKey, to auth.Address, amount, fee *uint256.Int) (string, int64, error) {
	tx, err := c.Sign(ctx, key, &bank.Transfer{To: to, Amount: *amount}, fee, nil)
	if err != nil {
		return "", 0, err
	}
	hash, err := c.Broadcast(ctx, tx)
	if err != nil {
		return hash, 0, err
	}
	res, err := c.WaitTx(ctx, hash)
	if err != nil {
		return hash, 0, err
	}
	return hash, res.Height, nil
}

// ErrNotVerified wraps every proof failure; treat the answer as a lie.
var ErrNotVerified = errors.New("query answer failed verification")

var _ = app.ProofOpType
