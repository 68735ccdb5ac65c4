package types

import (
	"encoding/json"
	"fmt"
)

// ParamsKey: 0x01 0x02 → Params as JSON (fixed field order, deterministic).
var ParamsKey = []byte{ModulePrefix, 0x02}

// Params are auth's consensus parameters, set in genesis.
type Params struct {
	// ChainID is the numeric L2 chain id in every EIP-712 domain. It sits
	// beside CometBFT's string chain id (e.g. "pingo-1"); each network,
	// localnets included, uses its own number.
	ChainID uint64 `json:"chain_id"`
	// MaxTxBytes caps one encoded transaction.
	MaxTxBytes uint64 `json:"max_tx_bytes"`
}

// DefaultParams for a localnet.
func DefaultParams() Params { return Params{ChainID: 7447, MaxTxBytes: 8192} }

// Validate rejects unusable parameters.
func (p Params) Validate() error {
	if p.ChainID == 0 {
		return fmt.Errorf("auth params: chain_id must be non-zero")
	}
	if p.MaxTxBytes < 256 || p.MaxTxBytes > 1<<20 {
		return fmt.Errorf("auth params: max_tx_bytes %d out of [256, 1MiB]", p.MaxTxBytes)
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
