package keeper

import (
	"fmt"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Supply is the total upingo in existence.
func Supply(kv KV) (uint256.Int, error) { return GetUint(kv, types.SupplyKey) }

// FeePool is the collected, undistributed fees.
func FeePool(kv KV) (uint256.Int, error) { return GetUint(kv, types.FeePoolKey) }

// AddToFeePool credits the block's summed fees in one write.
func AddToFeePool(kv KV, fees *uint256.Int) error {
	if fees.IsZero() {
		return nil
	}
	pool, err := FeePool(kv)
	if err != nil {
		return err
	}
	if _, overflow := pool.AddOverflow(&pool, fees); overflow {
		return codes.Wrap(types.ErrOverflow, "fee pool")
	}
	SetUint(kv, types.FeePoolKey, &pool)
	return nil
}

// GetParams reads the bank's parameters.
func GetParams(kv KV) (types.Params, error) {
	b, err := kv.Get(types.ParamsKey)
	if err != nil || b == nil {
		return types.Params{}, codes.Wrapf(codes.Internal, "bank params missing: %v", err)
	}
	return types.UnmarshalParams(b)
}

// SetParams stores the parameters.
func SetParams(kv KV, p types.Params) { kv.Set(types.ParamsKey, p.Marshal()) }

// Iterator walks a key range of committed state in ascending order.
type Iterator interface {
	Iterate(start, end []byte, fn func(k, v []byte) bool) error
}

// CheckSupply verifies the invariant
//
//	Σ account balances + fee pool + Σ holdings = supply
//
// where holdings are what other modules keep outside accounts (x/staking:
// bonded, unbonding, rewards, reserve). Call it on committed state: the
// balances are summed through it.
func CheckSupply(kv KV, it Iterator, holdings ...*uint256.Int) error {
	var sum uint256.Int
	end := []byte{auth.AccountPrefix[0], auth.AccountPrefix[1] + 1}
	var decodeErr error
	err := it.Iterate(auth.AccountPrefix, end, func(k, v []byte) bool {
		acc, err := auth.UnmarshalAccount(v)
		if err != nil {
			decodeErr = fmt.Errorf("account %x: %w", k, err)
			return false
		}
		if _, of := sum.AddOverflow(&sum, &acc.Balance); of {
			decodeErr = fmt.Errorf("balances overflow 256 bits")
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	if decodeErr != nil {
		return decodeErr
	}
	pool, err := FeePool(kv)
	if err != nil {
		return err
	}
	for _, h := range append(holdings, &pool) {
		if _, of := sum.AddOverflow(&sum, h); of {
			return fmt.Errorf("supply sum overflows 256 bits")
		}
	}
	supply, err := Supply(kv)
	if err != nil {
		return err
	}
	if !sum.Eq(&supply) {
		return fmt.Errorf("supply invariant broken: balances + fee pool + holdings = %s, supply = %s", sum.Dec(), supply.Dec())
	}
	return nil
}
