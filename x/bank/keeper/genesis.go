package keeper

import (
	"github.com/holiman/uint256"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bank/types"
)

// InitGenesis writes balances, the fee pool and the derived supply. The
// genesis must have passed Validate.
func InitGenesis(kv KV, g *types.Genesis) error {
	SetParams(kv, g.Params)
	nonces := make(map[auth.Address]uint64, len(g.Nonces))
	for _, n := range g.Nonces {
		nonces[n.Address] = n.Nonce
	}
	var supply uint256.Int
	for _, b := range g.Balances {
		acc := auth.Account{Nonce: nonces[b.Address], Balance: *b.Amount}
		authkeeper.SetAccount(kv, b.Address, &acc)
		supply.Add(&supply, b.Amount)
		delete(nonces, b.Address)
	}
	// Accounts with a nonce but no balance (spent everything) keep the nonce.
	for _, n := range g.Nonces {
		if _, left := nonces[n.Address]; left {
			acc := auth.Account{Nonce: n.Nonce}
			authkeeper.SetAccount(kv, n.Address, &acc)
		}
	}
	if g.FeePool != nil {
		SetUint(kv, types.FeePoolKey, g.FeePool)
		supply.Add(&supply, g.FeePool)
	}
	SetUint(kv, types.SupplyKey, &supply)
	return nil
}
