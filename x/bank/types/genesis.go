package types

import (
	"fmt"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// Balance is one funded account in genesis.
type Balance struct {
	Address auth.Address `json:"address"`
	Amount  *uint256.Int `json:"amount"`
}

// Genesis is the bank's part of app_state.
type Genesis struct {
	Params   Params       `json:"params"`
	Balances []Balance    `json:"balances"`
	FeePool  *uint256.Int `json:"fee_pool,omitempty"`
	// Nonces lets an exported state restart with its accounts' nonces, so
	// signed transactions from before the export cannot replay after it.
	Nonces []AccountNonce `json:"nonces,omitempty"`
}

// AccountNonce is an account's next nonce in an exported genesis.
type AccountNonce struct {
	Address auth.Address `json:"address"`
	Nonce   uint64       `json:"nonce"`
}

// DefaultGenesis has no balances.
func DefaultGenesis() Genesis { return Genesis{Params: DefaultParams()} }

// Validate checks amounts, duplicates and that the total fits in 256 bits.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	seen := make(map[auth.Address]struct{}, len(g.Balances))
	var total uint256.Int
	for i, b := range g.Balances {
		if b.Amount == nil || b.Amount.IsZero() {
			return fmt.Errorf("bank genesis: balance %d (%s): amount must be positive", i, b.Address)
		}
		if _, dup := seen[b.Address]; dup {
			return fmt.Errorf("bank genesis: address %s listed twice", b.Address)
		}
		seen[b.Address] = struct{}{}
		if _, of := total.AddOverflow(&total, b.Amount); of {
			return fmt.Errorf("bank genesis: total supply overflows 256 bits")
		}
	}
	if g.FeePool != nil {
		if _, of := total.AddOverflow(&total, g.FeePool); of {
			return fmt.Errorf("bank genesis: total supply overflows 256 bits")
		}
	}
	return nil
}
