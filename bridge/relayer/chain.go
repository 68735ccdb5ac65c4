package relayer

import (
	"context"
	"time"

	"github.com/pingo-chain/pingo/chain/client"
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
