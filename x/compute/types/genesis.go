package types

import (
	"fmt"

	"github.com/holiman/uint256"
)

// Genesis is compute's part of app_state.
//
// IncentivePool is the community incentive pool (the 80% of supply meant
// for contributors), created at genesis. Records are an exported state's
// other compute records (nodes, jobs, receipts, spent attestation ids,
// indexes, totals), verbatim: export restarts a chain at the next height
// (initial_height), so their absolute heights stay valid. InitGenesis adds
// the pool, the escrow total and the bond total to bank's supply record, so
// it must run after bank's InitGenesis.
type Genesis struct {
	Params        Params       `json:"params"`
	IncentivePool *uint256.Int `json:"incentive_pool,omitempty"`
	Records       []Record     `json:"records,omitempty"`
}

// Record is one exported state entry (key and value as 0x hex).
type Record struct {
	Key   HexBytes `json:"key"`
	Value HexBytes `json:"value"`
}

// ExportedKey reports whether key belongs in Records: compute's keys
// except params and the pool, which have their own fields.
func ExportedKey(key []byte) bool {
	return len(key) >= 2 && key[0] == ModulePrefix && key[1] != ParamsKey[1] && key[1] != IncentivePoolKey[1]
}

// DefaultGenesis has an empty pool.
func DefaultGenesis() Genesis { return Genesis{Params: DefaultParams()} }

// Validate checks the parameters and that records are compute keys, each
// once, in ascending order (as exported), with the totals well-formed.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return fmt.Errorf("compute genesis: %w", err)
	}
	for i, r := range g.Records {
		if !ExportedKey(r.Key) {
			return fmt.Errorf("compute genesis: record %d: key %x is not an exportable compute key", i, []byte(r.Key))
		}
		if i > 0 && string(g.Records[i-1].Key) >= string(r.Key) {
			return fmt.Errorf("compute genesis: records not in strictly ascending key order at %d", i)
		}
		if (r.Key[1] == EscrowTotalKey[1] || r.Key[1] == BondTotalKey[1] || r.Key[1] == EmissionTotalKey[1]) && (len(r.Key) != 2 || len(r.Value) != 32) {
			return fmt.Errorf("compute genesis: malformed total %x", []byte(r.Key))
		}
	}
	return nil
}
