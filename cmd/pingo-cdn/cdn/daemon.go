// Package cdn is the CDN node daemon (cmd/pingo-cdn): it registers the
// node on chain, accepts jobs of the unit kinds it serves, splits its
// assigned range into attestation batches handed to contributors over the
// v2 HTTP protocol (cmd/internal/agentproto), gathers their digests and
// signed shares, attests the Merkle root, waits for the sampling beacon
// (client.WaitSample) and reveals the sampled units. Every step is
// journaled before it is taken, so a restart resumes rather than repeats.
package cdn

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// Config configures a Daemon. Zero durations and sizes take the defaults
// documented in cmd/pingo-cdn/README.md.
type Config struct {
	Home     string
	Key      *ecdsa.PrivateKey
	ChainRPC string // node RPC; empty = offline (protocol tests: no chain loop)
	ChainID  uint64 // offline mode only; otherwise read from the chain
	Listen   string // contributor protocol + /metrics, default 127.0.0.1:8646

	Endpoint  string // public URL registered on chain
	Region    string
	UnitKinds []uint32
	Bond      *uint256.Int // bond of RegisterNode when not registered
	Fee       *uint256.Int // fee of every tx

	BatchUnits         uint64        // units per attestation (default 64)
	MaxGathering       int           // batches handed out at once (default 2)
	MinContributors    int           // accept jobs and plan batches only with this many active (default 1)
	AssignTTL          time.Duration // a contributor's time to deliver a part (default 2 min)
	ContributorTimeout time.Duration // silence after which a contributor is not counted (default 60 s)
	RevealChunk        int           // openings per Reveal tx (default 8)
	AttestTTL          uint64        // attestation expiry, blocks after the current height (default 50)
	MinJobBlocksLeft   uint64        // accept only jobs this far from expiry (default 20)
	Poll               time.Duration // chain loop period (default 1 s)
	Logger             *slog.Logger

	// BeforeReveal, if set, is asked before revealing a batch; false
	// postpones it. For tests that stop the daemon between attest and reveal.
	BeforeReveal func(attestationID compute.Hash) bool
}

func (c *Config) defaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8646"
	}
	if c.UnitKinds == nil {
		c.UnitKinds = []uint32{1}
	}
	if c.Bond == nil {
		c.Bond = uint256.NewInt(1_000_000_000) // 1,000 PINGO
	}
	if c.Fee == nil {
		c.Fee = uint256.NewInt(10_000)
	}
	if c.Endpoint == "" {
		c.Endpoint = "http://" + c.Listen
	}
	if c.Region == "" {
		c.Region = "local"
	}
	if c.BatchUnits == 0 {
		c.BatchUnits = 64
	}
	if c.MaxGathering <= 0 {
		c.MaxGathering = 2
	}
	if c.MinContributors <= 0 {
		c.MinContributors = 1
	}
	if c.AssignTTL <= 0 {
		c.AssignTTL = 2 * time.Minute
	}
	if c.ContributorTimeout <= 0 {
		c.ContributorTimeout = 60 * time.Second
	}
	if c.RevealChunk <= 0 {
		c.RevealChunk = 8
	}
	if c.AttestTTL == 0 {
		c.AttestTTL = 50
	}
	if c.MinJobBlocksLeft == 0 {
		c.MinJobBlocksLeft = 20
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Daemon is a running CDN node.
type Daemon struct {
	cfg     Config
	addr    auth.Address
	chainID uint64
	chain   *client.Client
	params  compute.Params
	journal *Journal
	metrics *Metrics
	log     *slog.Logger

	mu       sync.Mutex
	seen     map[auth.Address]time.Time
	replay   *agentproto.ReplayCache // nonces of authenticated requests
	notify   chan struct{}           // closed and replaced when new parts appear
	kick     chan struct{}           // wakes the chain loop
	stopping chan struct{}
	wg       sync.WaitGroup
	srv      *http.Server
	balance  *uint256.Int
	receipts uint64
	// lastReport is only touched by the chain loop.
	lastReport time.Time
	ln         net.Listener
}

// New opens the journal and, online, reads the chain id and compute params.
func New(ctx context.Context, cfg Config) (*Daemon, error) {
	cfg.defaults()
	if cfg.Key == nil {
		return nil, errors.New("cdn: no key")
	}
	j, err := OpenJournal(cfg.Home)
	if err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, addr: auth.PubkeyToAddress(&cfg.Key.PublicKey), chainID: cfg.ChainID, journal: j,
		metrics: newMetrics(), log: cfg.Logger, seen: map[auth.Address]time.Time{},
		replay: agentproto.NewReplayCache(),
		notify: make(chan struct{}), kick: make(chan struct{}, 1), stopping: make(chan struct{})}
	if cfg.ChainRPC == "" {
		if d.chainID == 0 {
			return nil, errors.New("cdn: offline mode needs a chain id")
		}
		return d, nil
	}
	if d.chain, err = client.New(cfg.ChainRPC); err != nil {
		return nil, err
	}
	if d.chainID, err = d.chain.ChainID(ctx); err != nil {
		return nil, fmt.Errorf("cdn: chain id: %w", err)
	}
	r, err := d.chain.Query(ctx, "/compute/params", 0)
	if err != nil {
		return nil, fmt.Errorf("cdn: compute params: %w", err)
	}
	if d.params, err = compute.UnmarshalParams(r.Value); err != nil {
		return nil, fmt.Errorf("cdn: compute params: %w", err)
	}
	return d, nil
}

// Address is the node operator's account.
func (d *Daemon) Address() auth.Address { return d.addr }

// Metrics exposes the Prometheus registry.
func (d *Daemon) Metrics() *Metrics { return d.metrics }

// Journal exposes the journal.
func (d *Daemon) Journal() *Journal { return d.journal }

// ListenAddr is the bound contributor-protocol address (after Start).
func (d *Daemon) ListenAddr() string { return d.ln.Addr().String() }

// Start listens for contributors and, online, runs the chain loop until
// Stop. Registration on chain happens in the loop (retried), so a daemon
// started before its chain node comes up still starts.
func (d *Daemon) Start() error {
	ln, err := net.Listen("tcp", d.cfg.Listen)
	if err != nil {
		return err
	}
	d.ln = ln
	d.srv = &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout: (agentproto.MaxWaitMillis/1000 + 10) * time.Second}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("contributor server", "err", err)
		}
	}()
	if d.chain != nil {
		ctx, cancel := context.WithCancel(context.Background())
		d.wg.Add(2)
		go func() { defer d.wg.Done(); <-d.stopping; cancel() }()
		go func() { defer d.wg.Done(); d.loop(ctx) }()
	}
	return nil
}

// Stop ends the server and the loop (bounded: 10 s for open requests).
func (d *Daemon) Stop() {
	close(d.stopping)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if d.srv != nil {
		_ = d.srv.Shutdown(ctx)
	}
	d.wg.Wait()
}

// wake tells long polls and the chain loop that something changed.
func (d *Daemon) wake() {
	d.mu.Lock()
	close(d.notify)
	d.notify = make(chan struct{})
	d.mu.Unlock()
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Active is the number of contributors seen within ContributorTimeout.
func (d *Daemon) Active() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.activeLocked()
}
