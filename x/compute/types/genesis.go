package types

import (
	"fmt"

	"github.com/holiman/uint256"
)

// Genesis is compute's part of app_state.
//
// IncentivePool is the community incentive pool (the 80% of supply meant
// for contributors), created at genesis: InitGenesis adds it to bank's
// supply record, so it must run after bank's InitGenesis. Exporting a state
// that holds nodes, jobs or receipts is not supported yet (ExportGenesis
// refuses rather than drop their upingo).
type Genesis struct {
	Params        Params       `json:"params"`
	IncentivePool *uint256.Int `json:"incentive_pool,omitempty"`
}

// DefaultGenesis has an empty pool.
func DefaultGenesis() Genesis { return Genesis{Params: DefaultParams()} }

// Validate checks the parameters.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return fmt.Errorf("compute genesis: %w", err)
	}
	return nil
}
