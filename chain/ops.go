package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	dbm "github.com/cometbft/cometbft-db"
	cmtcmd "github.com/cometbft/cometbft/cmd/cometbft/commands"
	"github.com/cometbft/cometbft/libs/log"
	sm "github.com/cometbft/cometbft/state"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/pingo-chain/pingo/app"
)

// Rollback moves a stopped node back one height: CometBFT's state to H-1
// (removeBlock also deletes block H so it is fetched again) and the app's
// IAVL to the same version. On the next start the node re-executes block H.
func Rollback(c *Config, removeBlock bool) (int64, []byte, error) {
	h, hash, err := cmtcmd.RollbackState(c.Cmt, removeBlock)
	if err != nil {
		return 0, nil, fmt.Errorf("rollback consensus state: %w", err)
	}
	opts, err := c.App.AppOptions()
	if err != nil {
		return 0, nil, err
	}
	a, err := app.New(DataDir(c.Home), opts, log.NewNopLogger())
	if err != nil {
		return 0, nil, err
	}
	defer a.Close()
	if err := a.RollbackTo(h); err != nil {
		return 0, nil, fmt.Errorf("rollback app state to %d: %w", h, err)
	}
	info, _ := a.Info(context.Background(), nil)
	if !bytes.Equal(info.LastBlockAppHash, hash) {
		return 0, nil, fmt.Errorf("app hash at %d is %X, consensus expects %X", h, info.LastBlockAppHash, hash)
	}
	return h, hash, nil
}

// Export writes the stopped node's latest committed state as a genesis for a
// new chain: app_state from the app, validators and consensus parameters
// from CometBFT's state at that height. The new chain starts at height+1.
func Export(c *Config) (*cmttypes.GenesisDoc, error) {
	opts, err := c.App.AppOptions()
	if err != nil {
		return nil, err
	}
	a, err := app.New(DataDir(c.Home), opts, log.NewNopLogger())
	if err != nil {
		return nil, err
	}
	defer a.Close()
	st, h, err := a.ExportGenesis(0)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	old, err := cmttypes.GenesisDocFromFile(c.Cmt.GenesisFile())
	if err != nil {
		return nil, err
	}
	db, err := dbm.NewDB("state", dbm.BackendType(c.Cmt.DBBackend), c.Cmt.DBDir())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ss := sm.NewStore(db, sm.StoreOptions{})
	vals, err := ss.LoadValidators(h + 1)
	if err != nil {
		return nil, fmt.Errorf("validators at %d: %w", h+1, err)
	}
	cp, err := ss.LoadConsensusParams(h + 1)
	if err != nil {
		return nil, fmt.Errorf("consensus params at %d: %w", h+1, err)
	}
	doc := &cmttypes.GenesisDoc{
		GenesisTime: old.GenesisTime, ChainID: old.ChainID, InitialHeight: h + 1,
		ConsensusParams: &cp, AppState: raw,
	}
	for _, v := range vals.Validators {
		doc.Validators = append(doc.Validators, cmttypes.GenesisValidator{Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower})
	}
	return doc, doc.ValidateAndComplete()
}
