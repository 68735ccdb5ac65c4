package app

import (
	"encoding/json"
	"fmt"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// GenesisState is CometBFT genesis' app_state.
type GenesisState struct {
	Auth    AuthGenesis     `json:"auth"`
	Bank    bank.Genesis    `json:"bank"`
	Staking staking.Genesis `json:"staking"`
	NFT     nft.Genesis     `json:"nft"`
	Compute compute.Genesis `json:"compute"`
	// Bridge may be absent (genesis files older than x/bridge): defaults.
	Bridge bridge.Genesis `json:"bridge"`
}

// AuthGenesis is auth's part of app_state.
type AuthGenesis struct {
	Params auth.Params `json:"params"`
}

// DefaultGenesis is a valid, empty chain.
func DefaultGenesis() GenesisState {
	return GenesisState{Auth: AuthGenesis{Params: auth.DefaultParams()}, Bank: bank.DefaultGenesis(), Staking: staking.DefaultGenesis(),
		NFT: nft.DefaultGenesis(), Compute: compute.DefaultGenesis(), Bridge: bridge.DefaultGenesis()}
}

// ParseGenesis decodes and validates app_state; unknown fields are errors so
// a typo in a parameter name cannot silently take the default.
func ParseGenesis(raw []byte) (*GenesisState, error) {
	// The nft, compute and bridge sections came later than the others: a
	// genesis that omits them (or some of their parameters) gets the defaults.
	g := GenesisState{NFT: nft.DefaultGenesis(), Compute: compute.DefaultGenesis(), Bridge: bridge.DefaultGenesis()}
	dec := json.NewDecoder(bytesReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("app_state: %w", err)
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return &g, nil
}

// Validate checks every module's part.
func (g *GenesisState) Validate() error {
	if err := g.Auth.Params.Validate(); err != nil {
		return err
	}
	if err := g.Bank.Validate(); err != nil {
		return err
	}
	if err := g.Staking.Validate(); err != nil {
		return err
	}
	if err := g.NFT.Validate(); err != nil {
		return err
	}
	if err := g.Compute.Validate(); err != nil {
		return err
	}
	if err := g.Bridge.Validate(); err != nil {
		return err
	}
	// Compute samples with x/bridge's beacon (app/beacons.go) and reads
	// beacons of heights (x, x+beacon_window] up to the receipt's deadline
	// x+beacon_window+reveal_blocks; x/bridge deletes the beacon of h at
	// block h+1+beacon_retention_blocks. Inside this bound no pending
	// receipt can see a beacon vanish and its sample change.
	cp, bp := &g.Compute.Params, &g.Bridge.Params
	if cp.BeaconWindow+cp.RevealBlocks > bp.BeaconRetentionBlocks {
		return fmt.Errorf("genesis: compute beacon_window + reveal_blocks (%d) exceeds bridge beacon_retention_blocks (%d)",
			cp.BeaconWindow+cp.RevealBlocks, bp.BeaconRetentionBlocks)
	}
	return nil
}
