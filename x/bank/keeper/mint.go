package keeper

import (
	"github.com/holiman/uint256"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Mint adds amount to to's balance and to the total supply: the mirror of
// Burn, so the supply invariant holds without a new holding. x/bridge
// mints what a TON deposit brought into the bridge's jetton wallet (the
// jettons stay locked there, so the cross-chain total is unchanged).
func Mint(kv KV, to auth.Address, amount *uint256.Int) error {
	supply, err := Supply(kv)
	if err != nil {
		return err
	}
	if _, overflow := new(uint256.Int).AddOverflow(&supply, amount); overflow {
		return codes.Wrapf(codes.Internal, "mint %s overflows supply %s", amount.Dec(), supply.Dec())
	}
	acc, err := authkeeper.GetAccount(kv, to)
	if err != nil {
		return err
	}
	acc.Balance.Add(&acc.Balance, amount) // ≤ supply after the add: no overflow
	authkeeper.SetAccount(kv, to, &acc)
	supply.Add(&supply, amount)
	SetUint(kv, types.SupplyKey, &supply)
	return nil
}
