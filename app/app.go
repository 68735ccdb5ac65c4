// Package app is PinGo's ABCI 2.0 application: the state machine CometBFT
// replicates. Each exported ABCI method's comment says when CometBFT calls it
// and on which connection; methods of different connections run concurrently
// (the node uses a per-connection local client), so the state each touches is
// named in the App struct.
package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app/store"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// Version is reported in Info and by `pingod version`.
const Version = "0.1.0"

// AppVersion is the state-machine protocol version (bumped on any change to
// execution rules).
const AppVersion uint64 = 1

// Config holds node-local settings (app.toml); none of them affects
// consensus.
type Config struct {
	// MempoolMinFee is this node's own floor for CheckTx, on top of the
	// consensus min_fee. Blocks from others are not held to it.
	MempoolMinFee *uint256.Int
	// Tree tunes IAVL caching and pruning.
	Tree store.Options
	// Snapshots configures state-sync snapshots.
	Snapshots SnapshotOptions
	// BridgeKey is this validator's app-level ed25519 key (config/
	// bridge_key.json), used by ExtendVote; nil on non-validators.
	BridgeKey ed25519.PrivateKey
	// MempoolBackpressureBlocks > 0 makes CheckTx refuse new txs
	// (mempool/2) while the mempool holds more than this many blocks'
	// worth (app/backpressure.go); 0 is off.
	MempoolBackpressureBlocks int
	// WarmCache loads the committed tree into IAVL's node cache and the
	// latest-state index in the background after opening
	// (store.Tree.Warm), when they fit.
	WarmCache bool
	// StateIndexEntries bounds the latest-state index (store.Hot) read by
	// block execution and CheckTx: 0 takes DefaultStateIndexEntries, a
	// negative value turns it off (every read descends the tree).
	StateIndexEntries int
}

// DefaultStateIndexEntries holds a million-account state with room to
// spare: ~125 bytes of heap per entry (measured with 21-byte account keys)
// beyond the value bytes, which the tree's cached leaves share; ~250 MiB
// when full.
const DefaultStateIndexEntries = 2_000_000

// App is the PinGo state machine.
type App struct {
	abci.BaseApplication
	log   log.Logger
	cfg   Config
	tree  *store.Tree
	codec *auth.Codec
	// senders caches verified signatures by tx hash; shared by all
	// connections (it locks itself).
	senders *senderCache
	// snaps serves and takes state-sync snapshots (snapshot connection,
	// plus a background exporter started by Commit).
	snaps *snapshots
	// metrics are process-wide Prometheus series (safe for concurrent use).
	metrics *metrics
	// extOverride rewrites this node's vote extensions (tests only).
	extOverride extOverride
	// factVerdicts answers, from memory, whether this node's TON view
	// confirms a pending TON fact (the TON watcher's cache; nil: no
	// watcher, vote for nothing).
	factVerdicts atomic.Pointer[func(bridge.Hash32) bool]

	// Consensus connection only (InitChain, Prepare/ProcessProposal,
	// FinalizeBlock, Commit).
	proposals map[[32]byte]*blockResult
	pending   *blockResult // finalized, awaiting Commit
	// written is what InitChain and FinalizeBlock flushed into the tree
	// since the last commit, in order, for hot.
	written []store.Write

	// hot is the latest-state index read by block execution and CheckTx
	// (see store.Hot and execBase).
	hot *store.Hot

	// Mempool connection (CheckTx); Commit swaps the base under checkMu.
	checkMu     sync.Mutex
	checkState  *store.Cache
	checkParams *params // consensus params as of the check state's base
	checkHeight int64   // the height the checked txs would be included at

	// Read by the query connection; written by Commit.
	mu         sync.RWMutex
	lastHeight int64
	lastHash   []byte
	genesis    store.Reader // genesis state until the first commit, for CheckTx

	// bp is CheckTx's back-pressure (mempool connection; FinalizeBlock
	// feeds it block sizes through atomics).
	bp backpressure

	// warmStop stops the cache warm-up goroutine; warmDone waits for it.
	warmStop chan struct{}
	warmDone sync.WaitGroup

	// beacons is the randomness source of compute's sampling: x/bridge's
	// validator beacon (app/beacons.go).
	beacons computekeeper.Beacons
}

// New opens the state under dir.
func New(dir string, cfg Config, logger log.Logger) (*App, error) {
	tree, err := store.OpenTree(dir, cfg.Tree)
	if err != nil {
		return nil, err
	}
	if cfg.MempoolMinFee == nil {
		cfg.MempoolMinFee = new(uint256.Int)
	}
	codec := auth.NewCodec()
	bank.Register(codec)
	staking.Register(codec)
	nft.Register(codec)
	compute.Register(codec)
	bridge.Register(codec)
	a := &App{
		log: logger, cfg: cfg, tree: tree, codec: codec,
		senders:    newSenderCache(200_000),
		hot:        store.NewHot(stateIndexEntries(cfg.StateIndexEntries)),
		metrics:    getMetrics(),
		snaps:      newSnapshots(filepath.Join(dir, "snapshots"), cfg.Snapshots),
		proposals:  map[[32]byte]*blockResult{},
		lastHeight: tree.Version(),
		lastHash:   tree.Hash(),
		beacons:    bridgeBeacons{},
	}
	a.bp.blocks = int64(cfg.MempoolBackpressureBlocks)
	a.resetCheckState()
	if cfg.WarmCache {
		a.warmStop = make(chan struct{})
		a.warmDone.Add(1)
		go a.warm()
	}
	return a, nil
}

// warm runs store.Tree.Warm once, beside the node; Close stops it first.
func (a *App) warm() {
	defer a.warmDone.Done()
	start := time.Now()
	n, err := a.tree.Warm(a.warmStop, a.hot)
	if err != nil {
		a.log.Error("iavl cache warm-up", "err", err)
		return
	}
	a.log.Info("iavl cache warm-up", "leaves", n, "indexed", a.hot.Len(), "seconds", time.Since(start).Seconds(), "version", a.tree.Version())
}

func stateIndexEntries(n int) int {
	switch {
	case n == 0:
		return DefaultStateIndexEntries
	case n < 0:
		return 0
	}
	return n
}

// execBase is what block execution reads: the working tree through the
// latest-state index while the working tree holds exactly the last commit
// (always, when CometBFT calls Prepare/ProcessProposal or FinalizeBlock,
// since writes reach the tree only in FinalizeBlock's flush and Commit
// follows it). Before the first commit (genesis written but not
// committed) or with a block flushed and not committed, it is the tree
// itself.
func (a *App) execBase() store.Reader {
	v := a.tree.Version()
	if v == 0 || a.pending != nil || len(a.written) > 0 {
		return a.tree
	}
	return a.hot.Over(a.tree, v)
}

// Close releases the database. The node calls it after CometBFT stopped.
// A snapshot being written is waited for first.
func (a *App) Close() error {
	if a.warmStop != nil {
		close(a.warmStop)
		a.warmStop = nil
	}
	a.warmDone.Wait()
	a.snaps.wg.Wait()
	return a.tree.Close()
}

// Codec exposes the transaction decoder (the client and CLI reuse it).
func (a *App) Codec() *auth.Codec { return a.codec }

// Info is called by CometBFT on the query connection at start-up (the
// handshake) to learn which height the app has committed; CometBFT replays
// any blocks after it.
func (a *App) Info(_ context.Context, _ *abci.RequestInfo) (*abci.ResponseInfo, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return &abci.ResponseInfo{
		Data: "pingo", Version: Version, AppVersion: AppVersion,
		LastBlockHeight: a.lastHeight, LastBlockAppHash: a.lastHash,
	}, nil
}

// InitChain is called once, on the consensus connection, when the chain
// starts from genesis (height 0 in the app). It writes app_state and returns
// the genesis AppHash.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	g, err := ParseGenesis(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	if req.InitialHeight > 1 {
		a.tree.SetInitialVersion(req.InitialHeight)
	}
	c := store.NewCache(a.tree)
	c.Set(auth.ParamsKey, g.Auth.Params.Marshal())
	if err := bankkeeper.InitGenesis(c, &g.Bank); err != nil {
		return nil, err
	}
	// After bank: staking moves self-bonds out of genesis balances.
	ups, err := stakingkeeper.InitGenesis(c, &g.Staking)
	if err != nil {
		return nil, err
	}
	if err := nftkeeper.InitGenesis(c, &g.NFT); err != nil {
		return nil, err
	}
	// After bank: the incentive pool is added to the supply record.
	if err := computekeeper.InitGenesis(c, &g.Compute); err != nil {
		return nil, err
	}
	// After staking: bridge keys belong to validators, and the genesis
	// bridge set is taken from staking's active set.
	if err := bridgekeeper.InitGenesis(c, &g.Bridge); err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.genesis = store.Freeze(c)
	a.mu.Unlock()
	// Recorded: genesis's writes are committed with the first block and
	// enter the latest-state index then.
	rec := &store.Recorder{W: a.tree, Writes: make([]store.Write, 0, c.Len())}
	c.WriteTo(rec)
	a.written = rec.Writes
	a.resetCheckState()
	a.log.Info("genesis loaded", "accounts", len(g.Bank.Balances), "l2_chain_id", g.Auth.Params.ChainID)
	// Validators from app_state replace genesis.json's; with none, CometBFT
	// keeps genesis.json's set.
	return &abci.ResponseInitChain{AppHash: a.tree.WorkingHash(), Validators: toABCIUpdates(ups)}, nil
}

// params are the consensus parameters, read from state (not from memory) so
// a restarted node cannot disagree with its peers.
type params struct {
	auth    auth.Params
	bank    bank.Params
	staking staking.Params
	nft     nft.Params
	compute compute.Params
}

func loadParams(r store.Reader) (*params, error) {
	b, err := r.Get(auth.ParamsKey)
	if err != nil || b == nil {
		return nil, fmt.Errorf("auth params missing (is the chain initialised?): %v", err)
	}
	ap, err := auth.UnmarshalParams(b)
	if err != nil {
		return nil, err
	}
	bp, err := bankkeeper.GetParams(kvReader{r})
	if err != nil {
		return nil, err
	}
	sp, err := stakingkeeper.GetParams(kvReader{r})
	if err != nil {
		return nil, err
	}
	np, err := nftkeeper.GetParams(kvReader{r})
	if err != nil {
		return nil, err
	}
	cp, err := computekeeper.GetParams(kvReader{r})
	if err != nil {
		return nil, err
	}
	return &params{auth: ap, bank: bp, staking: sp, nft: np, compute: cp}, nil
}

// kvReader adapts a read-only Reader to the keeper KV for reads.
type kvReader struct{ store.Reader }

func (kvReader) Set([]byte, []byte) { panic("read-only") }
func (kvReader) Delete([]byte)      { panic("read-only") }

// CheckInvariants verifies, on the last committed state, the supply
// invariant (Σ balances + fee pool + staking's and compute's holdings =
// supply) and that compute's running totals match its records. Tests call
// it after every block.
func (a *App) CheckInvariants() error { return a.CheckInvariantsAt(a.tree.Version()) }

// CheckInvariantsAt checks the same on the committed state of height h
// (still kept by pruning): a test of a running node, whose blocks commit
// on CometBFT's schedule, checks every block's state after the fact.
func (a *App) CheckInvariantsAt(h int64) error {
	snap, err := a.tree.At(h)
	if err != nil {
		return err
	}
	kv := kvReader{snap}
	sh, err := stakingkeeper.Holdings(kv, snap)
	if err != nil {
		return err
	}
	ch, err := computekeeper.Holdings(kv)
	if err != nil {
		return err
	}
	if err := bankkeeper.CheckSupply(kv, snap, &sh, &ch); err != nil {
		return err
	}
	return computekeeper.CheckTotals(kv, snap)
}

var _ authkeeper.KV = kvReader{}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// StateIndexLen is how many keys the latest-state index holds (tests,
// metrics).
func (a *App) StateIndexLen() int { return a.hot.Len() }

// StateIndexComplete reports whether the latest-state index holds every
// key of the last commit, so a miss is answered as absent without the tree
// (store.Hot; tests, metrics).
func (a *App) StateIndexComplete() bool { return a.hot.Complete() }
