package app

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/holiman/uint256"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bank "github.com/pingo-chain/pingo/x/bank/types"
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
	if err := refundUnclaimable(kvReader{snap}, bg); err != nil {
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
	a.hot.Reset()
	a.mu.Lock()
	a.lastHeight, a.lastHash = a.tree.Version(), a.tree.Hash()
	a.mu.Unlock()
	a.resetCheckState()
	return nil
}

// refundUnclaimable credits back, in the exported bank genesis, every
// withdrawal whose epoch had no sealed checkpoint at the exported height
// (x/bridge Unclaimable): the new chain has no checkpoint to carry it to
// TON, so it would be burned and never payable. Total supply goes up by
// the same amount, so the exported state is consistent.
func refundUnclaimable(kv bridgekeeper.KV, bg *bank.Genesis) error {
	ws, err := bridgekeeper.Unclaimable(kv)
	if err != nil {
		return err
	}
	for _, w := range ws {
		i := sort.Search(len(bg.Balances), func(i int) bool {
			return bytes.Compare(bg.Balances[i].Address[:], w.From[:]) >= 0
		})
		if i < len(bg.Balances) && bg.Balances[i].Address == w.From {
			sum := new(uint256.Int)
			if _, of := sum.AddOverflow(bg.Balances[i].Amount, w.Amount); of {
				return fmt.Errorf("export: refund of withdrawal %d overflows", w.ID)
			}
			bg.Balances[i].Amount = sum
			continue
		}
		bg.Balances = append(bg.Balances, bank.Balance{})
		copy(bg.Balances[i+1:], bg.Balances[i:])
		bg.Balances[i] = bank.Balance{Address: w.From, Amount: new(uint256.Int).Set(w.Amount)}
	}
	return nil
}
