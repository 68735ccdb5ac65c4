package chain

import (
	"fmt"
	"os"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"
)

// InitOptions describe a new home directory.
type InitOptions struct {
	Moniker   string
	ChainID   string // CometBFT chain id, e.g. "pingo-1"
	L2ChainID uint64 // numeric EIP-712 chain id
	// Power is this node's voting power in a genesis it creates.
	Power int64
	// Overwrite replaces existing config files and genesis (keys are never
	// replaced: losing a validator key is not something a flag should do).
	Overwrite bool
}

// DefaultCmtConfig is CometBFT's default with the settings PinGo relies on:
// a mempool big enough for 10k-tx blocks, and ABCI through the in-process app.
func DefaultCmtConfig(moniker string) *cmtcfg.Config {
	c := cmtcfg.DefaultConfig()
	c.Moniker = moniker
	c.ProxyApp = "pingo" // served in-process; the value is informational
	c.Mempool.Size = 50_000
	c.Mempool.CacheSize = 100_000
	c.Mempool.MaxTxBytes = 1 << 20
	c.Consensus.TimeoutCommit = 1 * time.Second
	c.TxIndex.Indexer = "kv"
	c.RPC.MaxBodyBytes = 4 << 20
	return c
}

// InitHome creates home/config and home/data with node key, validator key,
// bridge key (config/bridge_key.json),
// config.toml, app.toml and (if absent or Overwrite) a genesis holding this
// node as the only validator. It returns the node's validator.
func InitHome(home string, o InitOptions) (cmttypes.GenesisValidator, error) {
	c := DefaultCmtConfig(o.Moniker)
	c.SetRoot(home)
	for _, d := range []string{configDir(home), DataDir(home)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return cmttypes.GenesisValidator{}, err
		}
	}
	if o.Overwrite || !exists(ConfigFile(home)) {
		cmtcfg.WriteConfigFile(ConfigFile(home), c)
	}
	if o.Overwrite || !exists(AppConfigFile(home)) {
		if err := WriteAppConfig(AppConfigFile(home), DefaultAppConfig()); err != nil {
			return cmttypes.GenesisValidator{}, err
		}
	}
	pv := privval.LoadOrGenFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	if _, err := p2p.LoadOrGenNodeKey(c.NodeKeyFile()); err != nil {
		return cmttypes.GenesisValidator{}, err
	}
	if _, err := LoadOrGenBridgeKey(BridgeKeyFile(home)); err != nil {
		return cmttypes.GenesisValidator{}, fmt.Errorf("bridge key: %w", err)
	}
	pub, err := pv.GetPubKey()
	if err != nil {
		return cmttypes.GenesisValidator{}, err
	}
	power := o.Power
	if power == 0 {
		power = 10
	}
	val := cmttypes.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: power, Name: o.Moniker}
	if o.Overwrite || !exists(GenesisFile(home)) {
		g := NewGenesis(o.ChainID, o.L2ChainID)
		g.Doc.GenesisTime = time.Now().UTC().Truncate(time.Second)
		g.Doc.Validators = []cmttypes.GenesisValidator{val}
		if err := g.Write(GenesisFile(home)); err != nil {
			return val, fmt.Errorf("write genesis: %w", err)
		}
	}
	return val, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
