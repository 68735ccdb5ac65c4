package chain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	dbm "github.com/cometbft/cometbft-db"
	abcicli "github.com/cometbft/cometbft/abci/client"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtflags "github.com/cometbft/cometbft/libs/cli/flags"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/pingo-chain/pingo/app"
)

// Node is a running PinGo full node: CometBFT in-process around the app.
type Node struct {
	App *app.App
	Cmt *node.Node
	dbs *dbTracker
	ton *tonWatch // nil without app.toml ton-config
	// rpcAddr is config.toml's rpc.laddr, served by startRPC (CometBFT's
	// own server is switched off: see rpc.go); rpc is that server.
	rpcAddr string
	rpcCfg  *cmtcfg.RPCConfig
	rpc     *rpcServers
	// stopping is set first thing in Stop; the p2p connection filter
	// (peerfilter.go) then refuses every peer.
	stopping *atomic.Bool
}

// dbTracker remembers every database CometBFT opens. CometBFT v0.38's
// OnStop leaves the tx-index database open, which keeps its file lock and
// stops a node from being restarted in the same process; Stop closes it.
type dbTracker struct {
	mu  sync.Mutex
	dbs []dbm.DB
}

func (t *dbTracker) provider(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	db, err := cmtcfg.DefaultDBProvider(ctx)
	if err != nil {
		return nil, err
	}
	safe := &closeSafeDB{DB: db}
	t.mu.Lock()
	t.dbs = append(t.dbs, safe)
	t.mu.Unlock()
	return safe, nil
}

// closeSafeDB answers reads after Close with "not found" instead of
// panicking. CometBFT v0.38's consensus reactor runs a per-peer routine that
// sleeps, then reads the block store without checking that the node stopped
// meanwhile; on a closed goleveldb that read panics and takes the process
// (or a test binary running several nodes) down.
type closeSafeDB struct {
	dbm.DB
	mu     sync.RWMutex
	closed bool
}

func (d *closeSafeDB) Get(k []byte) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, nil
	}
	return d.DB.Get(k)
}

func (d *closeSafeDB) Has(k []byte) (bool, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false, nil
	}
	return d.DB.Has(k)
}

func (d *closeSafeDB) Iterator(start, end []byte) (dbm.Iterator, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, errDBClosed
	}
	return d.DB.Iterator(start, end)
}

func (d *closeSafeDB) ReverseIterator(start, end []byte) (dbm.Iterator, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, errDBClosed
	}
	return d.DB.ReverseIterator(start, end)
}

func (d *closeSafeDB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	return d.DB.Close()
}

var errDBClosed = errors.New("database closed")

func (t *dbTracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, db := range t.dbs {
		_ = db.Close() // already-closed ones just report an error
	}
	t.dbs = nil
}

// NewLogger builds the logger config.toml asks for (log_format plain|json,
// log_level like "info" or "consensus:info,*:error").
func NewLogger(c *cmtcfg.Config) (log.Logger, error) {
	var l log.Logger
	if c.LogFormat == cmtcfg.LogFormatJSON {
		l = log.NewTMJSONLogger(log.NewSyncWriter(os.Stdout))
	} else {
		l = log.NewTMLogger(log.NewSyncWriter(os.Stdout))
	}
	return cmtflags.ParseLogLevel(c.LogLevel, l, cmtcfg.DefaultLogLevel)
}

// NewNode opens the app state and builds (does not start) the node. The app
// is served through a per-connection local client, so CheckTx and queries
// run beside block execution instead of waiting for it.
func NewNode(c *Config, logger log.Logger) (*Node, error) {
	opts, err := c.App.AppOptions()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(DataDir(c.Home), 0o700); err != nil {
		return nil, err
	}
	if opts.BridgeKey, err = LoadBridgeKey(BridgeKeyFile(c.Home)); err != nil {
		return nil, fmt.Errorf("bridge key: %w", err)
	}
	a, err := app.New(DataDir(c.Home), opts, logger.With("module", "pingo"))
	if err != nil {
		return nil, err
	}
	tw, err := newTONWatch(c.App, a, logger)
	if err != nil {
		a.Close()
		return nil, err
	}
	pv := privval.LoadOrGenFilePV(c.Cmt.PrivValidatorKeyFile(), c.Cmt.PrivValidatorStateFile())
	nodeKey, err := p2p.LoadOrGenNodeKey(c.Cmt.NodeKeyFile())
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("node key: %w", err)
	}
	dbs := &dbTracker{}
	var served abci.Application = a
	precheck := true
	if w, ok := testAppWrappers.Load(c.Home); ok {
		served = w.(func(*app.App) abci.Application)(a)
	} else if benchAppWrap != nil {
		served, precheck = benchAppWrap(a)
	}
	// CometBFT gets a copy of the config: with FilterPeers its p2p layer
	// asks the app's query connection about every connection (answered by
	// peerfilter.go), and its RPC address is blanked after NewNode (which
	// has already put it in the node info peers see) so that Start serves
	// the RPC itself.
	cmtCfg, rpcCfg := *c.Cmt, *c.Cmt.RPC
	cmtCfg.RPC = &rpcCfg
	cmtCfg.FilterPeers = true
	stopping := &atomic.Bool{}
	n, err := node.NewNode(&cmtCfg, pv, nodeKey,
		precheckCreator{app: a, served: served, stopping: stopping, precheck: precheck},
		node.DefaultGenesisDocProviderFunc(c.Cmt),
		dbs.provider,
		node.DefaultMetricsProvider(c.Cmt.Instrumentation),
		logger)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.SetMempoolSize(n.Mempool().Size)
	nd := &Node{App: a, Cmt: n, dbs: dbs, ton: tw, rpcAddr: rpcCfg.ListenAddress, rpcCfg: &rpcCfg, stopping: stopping}
	rpcCfg.ListenAddress = "" // CometBFT serves no RPC; Start does (rpc.go)
	trackMempool(nd)
	return nd, nil
}

// Start starts CometBFT (handshake, replay, p2p, RPC) and the TON
// watcher, if configured.
func (n *Node) Start() error {
	if err := n.Cmt.Start(); err != nil {
		return err
	}
	if n.rpcAddr != "" {
		rpc, err := startRPC(n.Cmt, n.rpcCfg, n.rpcAddr, n.Cmt.Logger)
		if err != nil {
			_ = n.Cmt.Stop()
			n.Cmt.Wait()
			return err
		}
		n.rpc = rpc
	}
	n.ton.start()
	return nil
}

// Stop shuts CometBFT down, waits for it, then closes the state database,
// so no block is half-applied on disk: an uncommitted block is replayed on
// the next start.
//
// Before CometBFT stops, the node refuses new peers (peerfilter.go) and
// closes its RPC connections (rpc.go): otherwise a stopped in-process node
// keeps peers' reconnections and clients' keep-alive connections alive,
// and a node restarted in the same process finds itself refused by its
// peers as a duplicate and its clients reading the dead node.
func (n *Node) Stop() error {
	n.stopping.Store(true)
	n.rpc.close()
	n.ton.stop()
	untrackMempool(n)
	var err error
	if n.Cmt.IsRunning() {
		err = n.Cmt.Stop()
		n.Cmt.Wait()
	}
	n.dbs.closeAll()
	if cerr := n.App.Close(); err == nil {
		err = cerr
	}
	return err
}

// RPCAddr is the node's RPC listen address as a http:// URL.
func RPCAddr(c *cmtcfg.Config) string {
	return "http://" + trimScheme(c.RPC.ListenAddress)
}

func trimScheme(a string) string {
	for _, p := range []string{"tcp://", "http://"} {
		if len(a) > len(p) && a[:len(p)] == p {
			return a[len(p):]
		}
	}
	return a
}

// precheckCreator serves the app through per-connection local clients (so
// CheckTx and queries run beside block execution) whose CheckTx first runs
// App.Precheck in the caller's goroutine, before the connection's mutex.
// served is the app itself, or a test's wrapper around it.
type precheckCreator struct {
	app      *app.App
	served   abci.Application
	stopping *atomic.Bool
	precheck bool // false only in bench-ceiling's no-op mode
}

func (c precheckCreator) NewABCIClient() (abcicli.Client, error) {
	var pre *app.App
	if c.precheck {
		pre = c.app
	}
	return &precheckClient{Client: abcicli.NewLocalClient(nil, c.served), app: pre, stopping: c.stopping}, nil
}

// testAppWrappers maps a node home to a function wrapping the app CometBFT
// is given (a misbehaving proposer in network tests). Only the chain
// package's own tests can add to it (export_test.go): no flag, config key
// or exported API of a production binary reaches it.
var testAppWrappers sync.Map // home (string) → func(*app.App) abci.Application

// benchAppWrap is nil except in `make bench-ceiling`'s binary (build tag
// benchceiling, ceiling.go): it serves a no-op app to measure the machine's
// ceiling; precheck false also skips Precheck's signature recovery.
var benchAppWrap func(*app.App) (served abci.Application, precheck bool)

type precheckClient struct {
	abcicli.Client
	app      *app.App
	stopping *atomic.Bool
}

func (c *precheckClient) CheckTxAsync(ctx context.Context, req *abci.RequestCheckTx) (*abcicli.ReqRes, error) {
	if c.app != nil {
		c.app.Precheck(req.Tx)
	}
	return c.Client.CheckTxAsync(ctx, req)
}

func (c *precheckClient) CheckTx(ctx context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	if c.app != nil {
		c.app.Precheck(req.Tx)
	}
	return c.Client.CheckTx(ctx, req)
}

var _ proxy.ClientCreator = precheckCreator{}
