package app

import (
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
)

// ExportGenesis reads committed height h (0 = latest) back into app_state
// form, for `pingod export`. Starting a chain from it reproduces every
// balance, nonce and parameter.
func (a *App) ExportGenesis(h int64) (*GenesisState, int64, error) {
	if h == 0 {
		h = a.tree.Version()
	}
	snap, err := a.tree.At(h)
	if err != nil {
		return nil, 0, err
	}
	p, err := loadParams(snap)
	if err != nil {
		return nil, 0, err
	}
	bg, err := bankkeeper.ExportGenesis(kvReader{snap}, snap)
	if err != nil {
		return nil, 0, err
	}
	sg, err := stakingkeeper.ExportGenesis(kvReader{snap}, snap)
	if err != nil {
		return nil, 0, err
	}
	ng, err := nftkeeper.ExportGenesis(kvReader{snap}, snap)
	if err != nil {
		return nil, 0, err
	}
	cg, err := computekeeper.ExportGenesis(kvReader{snap}, snap)
	if err != nil {
		return nil, 0, err
	}
	brg, err := bridgekeeper.ExportGenesis(kvReader{snap})
	if err != nil {
		return nil, 0, err
	}
	return &GenesisState{Auth: AuthGenesis{Params: p.auth}, Bank: *bg, Staking: *sg, NFT: *ng, Compute: *cg, Bridge: *brg}, h, nil
}

// RollbackTo discards committed versions above h so the node can re-execute
// from there (`pingod rollback`).
func (a *App) RollbackTo(h int64) error {
	if err := a.tree.LoadVersionForOverwriting(h); err != nil {
		return err
	}
	a.mu.Lock()
	a.lastHeight, a.lastHash = a.tree.Version(), a.tree.Hash()
	a.mu.Unlock()
	a.resetCheckState()
	return nil
}
