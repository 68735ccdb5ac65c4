package keeper

import (
	"github.com/holiman/uint256"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Burn takes amount out of from's balance and out of the total supply, so
// the supply invariant (Σ balances + fee pool + holdings = supply) holds
// without a new holding: burned upingo exists nowhere on the L2. x/bridge's
// Withdraw burns what it owes on TON. The sender's nonce and fee were
// already handled by the ante.
func Burn(kv KV, from auth.Address, amount *uint256.Int) error {
	acc, err := authkeeper.GetAccount(kv, from)
	if err != nil {
		return err
	}
	if acc.Balance.Lt(amount) {
		return codes.Wrapf(types.ErrInsufficientFunds, "%s has %s upingo after fee, needs %s", from, acc.Balance.Dec(), amount.Dec())
	}
	supply, err := Supply(kv)
	if err != nil {
		return err
	}
	if supply.Lt(amount) {
		// Impossible while the invariant holds; refused rather than wrapped.
		return codes.Wrapf(codes.Internal, "burn %s exceeds supply %s", amount.Dec(), supply.Dec())
	}
	acc.Balance.Sub(&acc.Balance, amount)
	authkeeper.SetAccount(kv, from, &acc)
	supply.Sub(&supply, amount)
	SetUint(kv, types.SupplyKey, &supply)
	return nil
}
