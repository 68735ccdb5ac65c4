package ton

import (
	"context"
	"fmt"
	"math/big"
)

// WithdrawalRoot is the withdrawal_root the anchor holds for epoch (getter
// withdrawalRoot): zero when the epoch was never anchored, or anchored
// without withdrawals. Roots are never evicted, so a claim may come long
// after its checkpoint left the anchor's recent window.
func (c *Client) WithdrawalRoot(ctx context.Context, epoch uint64) ([32]byte, error) {
	var root [32]byte
	res, err := c.get(ctx, "withdrawalRoot", new(big.Int).SetUint64(epoch))
	if err != nil {
		return root, err
	}
	v, err := res.Int(0)
	if err != nil {
		return root, fmt.Errorf("bridge/ton: withdrawalRoot: %w", err)
	}
	if v.Sign() < 0 || v.BitLen() > 256 {
		return root, fmt.Errorf("bridge/ton: withdrawalRoot: %v is not a uint256", v)
	}
	v.FillBytes(root[:])
	return root, nil
}

// IsClaimed reports whether the anchor already paid withdrawal id (getter
// isClaimed).
func (c *Client) IsClaimed(ctx context.Context, id uint64) (bool, error) {
	res, err := c.get(ctx, "isClaimed", new(big.Int).SetUint64(id))
	if err != nil {
		return false, err
	}
	v, err := res.Int(0)
	if err != nil {
		return false, fmt.Errorf("bridge/ton: isClaimed: %w", err)
	}
	return v.Sign() != 0, nil // TVM true is -1
}
