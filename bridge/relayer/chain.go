package relayer

import (
	"context"
	"crypto/ecdsa"
	"sync"
	"time"

	"github.com/holiman/uint256"

	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// ChainClient adapts chain/client to Chain. Keep the client's Verify on:
// every record is then checked against a header signed by > 2/3 of the
// chain's validators, so a lying RPC node cannot make the relayer spend
// fees on a checkpoint the chain never sealed.
type ChainClient struct{ *client.Client }

// BlockTime is the header time of height.
func (c ChainClient) BlockTime(ctx context.Context, height int64) (time.Time, error) {
	h, err := c.RPC().Header(ctx, &height)
	if err != nil {
		return time.Time{}, err
	}
	return h.Header.Time, nil
}

// ChainReporter is the relayer's Reporter over chain/client: ReportAnchor
// signed by Key (an L2 account that pays the fee). Use one value (a
// pointer) per relayer: it tracks the account's next nonce so several
// reports can be in the mempool at once.
type ChainReporter struct {
	Client *client.Client
	Key    *ecdsa.PrivateKey
	Fee    *uint256.Int

	mu    sync.Mutex
	nonce *uint64 // next nonce to use; nil: read it from the chain
}

// ReportAnchor broadcasts the report (CheckTx must accept it) without
// waiting for its block: the relayer learns the outcome from the chain's
// state (fact pending, or checkpoint confirmed) on its next round. A
// report the chain finds redundant is a harmless no-op.
func (c *ChainReporter) ReportAnchor(ctx context.Context, epoch uint64, hash [32]byte, lt uint64) error {
	return c.send(ctx, &bridge.ReportAnchor{Epoch: epoch, TONTxHash: hash, TONLt: lt})
}

// ReportDeposit broadcasts a ReportDeposit or ReportRefund like
// ReportAnchor.
func (c *ChainReporter) ReportDeposit(ctx context.Context, m DepositReport) error {
	return c.send(ctx, m)
}

// Deposit reads the deposit's record (proof-checked with Verify on).
func (c *ChainReporter) Deposit(ctx context.Context, hash bridge.Hash32, lt uint64) (bridge.DepositRecord, bool, error) {
	return c.Client.Deposit(ctx, hash, lt)
}

func (c *ChainReporter) send(ctx context.Context, msg auth.Msg) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nonce == nil {
		acc, _, err := c.Client.Account(ctx, auth.PubkeyToAddress(&c.Key.PublicKey))
		if err != nil {
			return err
		}
		c.nonce = &acc.Nonce
	}
	n := *c.nonce
	tx, err := c.Client.Sign(ctx, c.Key, msg, c.Fee, &n)
	if err != nil {
		return err
	}
	if _, err := c.Client.Broadcast(ctx, tx); err != nil {
		c.nonce = nil // re-read from the chain next time (a wrong nonce, a full mempool…)
		return err
	}
	n++
	c.nonce = &n
	return nil
}

// FactPending reads /bridge/fact/{id} (proof-checked with Verify on).
func (c *ChainReporter) FactPending(ctx context.Context, id bridge.Hash32) (bool, error) {
	_, found, err := c.Client.Fact(ctx, id)
	return found, err
}
