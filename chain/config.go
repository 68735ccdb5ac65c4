// Package chain wires a PinGo node: home directory layout, configuration
// (config.toml for CometBFT, app.toml for the app), genesis, and the
// in-process CometBFT node around the ABCI app.
package chain

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// EnvPrefix: every setting can come from PINGOD_<SECTION>_<KEY>, e.g.
// PINGOD_RPC_LADDR or PINGOD_MEMPOOL_MIN_FEE (dots and dashes become _).
const EnvPrefix = "PINGOD"

// Home layout, as Cosmos and CometBFT users expect.
func configDir(home string) string     { return filepath.Join(home, "config") }
func ConfigFile(home string) string    { return filepath.Join(configDir(home), "config.toml") }
func AppConfigFile(home string) string { return filepath.Join(configDir(home), "app.toml") }
func GenesisFile(home string) string   { return filepath.Join(configDir(home), "genesis.json") }
func DataDir(home string) string       { return filepath.Join(home, "data") }
func DefaultHome() string              { h, _ := os.UserHomeDir(); return filepath.Join(h, ".pingod") }

// AppConfig is app.toml: node-local, never consensus-relevant.
type AppConfig struct {
	// MempoolMinFee (upingo) is this node's CheckTx floor above min_fee.
	MempoolMinFee string `mapstructure:"mempool-min-fee"`
	// IAVLCacheNodes sizes IAVL's node cache.
	IAVLCacheNodes int `mapstructure:"iavl-cache-nodes"`
	// MempoolBackpressureBlocks: CheckTx refuses new txs while the mempool
	// holds more than this many blocks' worth (0 = off).
	MempoolBackpressureBlocks int `mapstructure:"mempool-backpressure-blocks"`
	// IAVLWarmCache loads the state into that cache (and the state index)
	// after start, when it fits.
	IAVLWarmCache bool `mapstructure:"iavl-warm-cache"`
	// StateIndexEntries bounds the latest-state index that block execution
	// and CheckTx read instead of the tree (0 = off).
	StateIndexEntries int `mapstructure:"state-index-entries"`
	// PruningKeepRecent keeps this many recent versions (0 = all).
	PruningKeepRecent int64 `mapstructure:"pruning-keep-recent"`
	// PruningInterval prunes every this many blocks.
	PruningInterval int64 `mapstructure:"pruning-interval"`
	// SnapshotInterval takes a state-sync snapshot every this many heights
	// (0 = off); SnapshotKeepRecent snapshots are kept.
	SnapshotInterval   int64 `mapstructure:"snapshot-interval"`
	SnapshotKeepRecent int   `mapstructure:"snapshot-keep-recent"`
	// TONConfig is a TON global config file (liteservers) for this
	// validator's TON watcher, which checks reported TON facts and votes
	// for them in vote extensions; empty: no watcher, no fact votes.
	TONConfig string `mapstructure:"ton-config"`
	// TONAnchor is the anchor contract's address (required with TONConfig).
	TONAnchor string `mapstructure:"ton-anchor"`
	// TONUnsafe skips liteserver proofs: only for bridge/tonlocal.
	TONUnsafe bool `mapstructure:"ton-unsafe"`
}

// DefaultAppConfig matches store.DefaultOptions.
func DefaultAppConfig() AppConfig {
	o := store.DefaultOptions()
	return AppConfig{MempoolMinFee: "0", IAVLCacheNodes: o.CacheNodes, IAVLWarmCache: true, StateIndexEntries: app.DefaultStateIndexEntries, PruningKeepRecent: o.KeepRecent, PruningInterval: o.PruneEvery,
		SnapshotInterval: 1000, SnapshotKeepRecent: 2}
}

// AppOptions converts app.toml into the app's Config.
func (c AppConfig) AppOptions() (app.Config, error) {
	fee, err := uint256.FromDecimal(strings.TrimSpace(c.MempoolMinFee))
	if err != nil {
		return app.Config{}, fmt.Errorf("app.toml mempool-min-fee %q: %w", c.MempoolMinFee, err)
	}
	if c.IAVLCacheNodes < 0 || c.StateIndexEntries < 0 || c.MempoolBackpressureBlocks < 0 || c.PruningKeepRecent < 0 || c.PruningInterval < 0 || c.SnapshotInterval < 0 || c.SnapshotKeepRecent < 0 {
		return app.Config{}, fmt.Errorf("app.toml: negative cache or pruning setting")
	}
	index := c.StateIndexEntries
	if index == 0 {
		index = -1 // app.Config: negative is off, 0 the default
	}
	return app.Config{MempoolMinFee: fee, StateIndexEntries: index, Tree: store.Options{
		CacheNodes: c.IAVLCacheNodes, KeepRecent: c.PruningKeepRecent, PruneEvery: c.PruningInterval,
	}, Snapshots: app.SnapshotOptions{Interval: c.SnapshotInterval, KeepRecent: c.SnapshotKeepRecent}, WarmCache: c.IAVLWarmCache, MempoolBackpressureBlocks: c.MempoolBackpressureBlocks}, nil
}

var appTomlTmpl = template.Must(template.New("app").Parse(`# PinGo node-local settings. None of these affect consensus.

# Least fee (upingo) this node's mempool accepts, above the chain's min_fee.
mempool-min-fee = "{{.MempoolMinFee}}"

# Back-pressure: refuse new transactions (code mempool/2, "retry later")
# while the mempool already holds more than this many blocks' worth of them
# (a block's worth: the recent average, at least 1,000). Admitted
# transactions then wait a bounded time instead of an ever longer queue
# when clients offer more than the node commits. 0 turns it off.
mempool-backpressure-blocks = {{.MempoolBackpressureBlocks}}

# IAVL node cache, in nodes (~200 bytes each). Larger is faster for big states.
iavl-cache-nodes = {{.IAVLCacheNodes}}
# After a restart, load the state into that cache in the background (only
# when all of it fits, ~2 nodes per record), and into the state index below
# (up to its size): the first blocks then read no tree nodes from disk.
# Takes about a minute at 1M accounts.
iavl-warm-cache = {{.IAVLWarmCache}}

# Latest-state index: up to this many records of the last committed state
# kept in a flat map (~125 bytes each beyond the values, which the node
# cache shares), read by block execution and the mempool instead of
# descending the tree (~20 node-cache lookups per read). Filled by genesis,
# every commit, reads and the warm-up; when full, further records are read
# from the tree. 0 turns it off.
state-index-entries = {{.StateIndexEntries}}

# Keep this many recent state versions for queries and proofs; 0 keeps all.
pruning-keep-recent = {{.PruningKeepRecent}}
# Prune once every this many blocks.
pruning-interval = {{.PruningInterval}}

# State-sync snapshots: one every this many heights (0 = off), served to
# peers that join with [statesync] enable = true. Keep this many on disk.
snapshot-interval = {{.SnapshotInterval}}
snapshot-keep-recent = {{.SnapshotKeepRecent}}

# TON watcher (validators): a TON global config file (liteservers) and the
# anchor contract's address. The watcher checks reported TON facts (e.g. a
# checkpoint anchored) against this node's own TON view, outside block
# execution with a time budget per query, and this validator votes for what
# it confirmed. Empty: no watcher; the node votes for no TON fact.
ton-config = "{{.TONConfig}}"
ton-anchor = "{{.TONAnchor}}"
# Skip liteserver proofs: ONLY for the local TON endpoint (bridge/tonlocal).
ton-unsafe = {{.TONUnsafe}}
`))

// WriteAppConfig writes app.toml.
func WriteAppConfig(path string, c AppConfig) error {
	var buf bytes.Buffer
	if err := appTomlTmpl.Execute(&buf, c); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Config is everything a node needs to start.
type Config struct {
	Home string
	Cmt  *cmtcfg.Config
	App  AppConfig
}

// LoadConfig reads config.toml and app.toml under home with precedence
// flag > env (PINGOD_…) > file > default. flags may be nil. Flag names are the
// file keys (e.g. --rpc.laddr, --mempool-min-fee).
func LoadConfig(home string, flags *pflag.FlagSet) (*Config, error) {
	cmt := cmtcfg.DefaultConfig()
	if err := loadInto(ConfigFile(home), flags, cmt); err != nil {
		return nil, err
	}
	cmt.SetRoot(home)
	if err := cmt.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("config.toml: %w", err)
	}
	ac := DefaultAppConfig()
	if err := loadInto(AppConfigFile(home), flags, &ac); err != nil {
		return nil, err
	}
	if _, err := ac.AppOptions(); err != nil {
		return nil, err
	}
	return &Config{Home: home, Cmt: cmt, App: ac}, nil
}

func loadInto(path string, flags *pflag.FlagSet, out any) error {
	// BindStruct makes Unmarshal consult env vars (and flags) for every key
	// of out, not only the keys present in the file, so an older or minimal
	// file cannot silently swallow PINGOD_… or a flag.
	v := viper.NewWithOptions(viper.ExperimentalBindStruct())
	v.SetConfigFile(path)
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_", "-", "_"))
	v.AutomaticEnv()
	if _, err := os.Stat(path); err == nil {
		if err := v.ReadInConfig(); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
	}
	if flags != nil {
		var bindErr error
		flags.VisitAll(func(f *pflag.Flag) {
			if f.Changed {
				if err := v.BindPFlag(f.Name, f); err != nil {
					bindErr = err
				}
			}
		})
		if bindErr != nil {
			return bindErr
		}
	}
	if err := v.Unmarshal(out); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}
