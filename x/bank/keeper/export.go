package keeper

import (
	"fmt"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bank/types"
)

// ExportGenesis reads the bank's state back into genesis form: every
// account's balance and nonce (a restarted chain must keep nonces, or old
// signed transactions would replay), the fee pool and parameters. Accounts
// come out in key (= address) order.
func ExportGenesis(kv KV, it Iterator) (*types.Genesis, error) {
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	g := &types.Genesis{Params: p}
	end := []byte{auth.AccountPrefix[0], auth.AccountPrefix[1] + 1}
	var decodeErr error
	err = it.Iterate(auth.AccountPrefix, end, func(k, v []byte) bool {
		addr, err := auth.AddressFromBytes(k[len(auth.AccountPrefix):])
		if err != nil {
			decodeErr = err
			return false
		}
		acc, err := auth.UnmarshalAccount(v)
		if err != nil {
			decodeErr = fmt.Errorf("account %s: %w", addr, err)
			return false
		}
		if !acc.Balance.IsZero() {
			b := acc.Balance
			g.Balances = append(g.Balances, types.Balance{Address: addr, Amount: &b})
		}
		if acc.Nonce > 0 {
			g.Nonces = append(g.Nonces, types.AccountNonce{Address: addr, Nonce: acc.Nonce})
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if decodeErr != nil {
		return nil, decodeErr
	}
	pool, err := FeePool(kv)
	if err != nil {
		return nil, err
	}
	if !pool.IsZero() {
		g.FeePool = &pool
	}
	return g, nil
}
