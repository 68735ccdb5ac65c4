package types

import (
	"encoding/json"
	"fmt"

	"github.com/holiman/uint256"
)

// Params are the bank's consensus parameters, set in genesis.
type Params struct {
	// MinFee is the least fee, in upingo, a transaction pays.
	MinFee *uint256.Int `json:"min_fee"`
	// MaxOutputs bounds a MultiSend.
	MaxOutputs uint64 `json:"max_outputs"`
}

// DefaultParams: 0.00001 PINGO per tx, 64 outputs.
func DefaultParams() Params {
	return Params{MinFee: uint256.NewInt(10_000), MaxOutputs: 64}
}

// Validate rejects parameters the chain cannot run with.
func (p Params) Validate() error {
	if p.MinFee == nil {
		return fmt.Errorf("bank params: min_fee missing")
	}
	if p.MaxOutputs == 0 || p.MaxOutputs > 1024 {
		return fmt.Errorf("bank params: max_outputs %d out of [1, 1024]", p.MaxOutputs)
	}
	return nil
}

// Marshal is the stored form.
func (p Params) Marshal() []byte {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalParams reads the stored form.
func UnmarshalParams(b []byte) (Params, error) {
	var p Params
	err := json.Unmarshal(b, &p)
	return p, err
}
