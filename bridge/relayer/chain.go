package relayer

import (
	"context"
	"crypto/ecdsa"
	"time"

	"github.com/holiman/uint256"

	"github.com/pingo-chain/pingo/chain/client"
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
// signed by Key (an L2 account that pays the fee).
type ChainReporter struct {
	Client *client.Client
	Key    *ecdsa.PrivateKey
	Fee    *uint256.Int
}

// ReportAnchor sends the report and waits for its block. A report the
// chain finds redundant (already pending or confirmed) succeeds as a no-op.
func (c ChainReporter) ReportAnchor(ctx context.Context, epoch uint64, hash [32]byte, lt uint64) error {
	_, _, err := c.Client.Send(ctx, c.Key, &bridge.ReportAnchor{Epoch: epoch, TONTxHash: hash, TONLt: lt}, c.Fee)
	return err
}

// FactPending reads /bridge/fact/{id} (proof-checked with Verify on).
func (c ChainReporter) FactPending(ctx context.Context, id bridge.Hash32) (bool, error) {
	_, found, err := c.Client.Fact(ctx, id)
	return found, err
}
