// Package contributor is the contributor agent (cmd/pingo-contributor): it
// takes work assignments from a CDN node over the v2 HTTP protocol
// (cmd/internal/agentproto; every request signed with its key), computes the units with x/compute/kernel on a
// bounded number of cores, signs its ContributorShare with its own key and
// uploads the output digests. The binary is a thin shell around Agent so
// the tests run exactly the code the binary runs.
package contributor

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
)

// Config configures an Agent.
type Config struct {
	NodeURL string // CDN node base URL, e.g. http://127.0.0.1:8646
	Home    string // journal directory
	Key     *ecdsa.PrivateKey
	// ChainID is the numeric L2 chain id the contributor signs for; 0 reads
	// it from ChainRPC. One of them is required: the agent never takes the
	// chain id from the node it is checking.
	ChainID  uint64
	ChainRPC string // optional: node RPC for earnings (proof-checked queries)
	Limits   Limits
	// PollWait is the long-poll length asked of the node (default 20 s).
	PollWait time.Duration
	// ReportEvery paces the progress line and earnings queries (default 30 s).
	ReportEvery time.Duration
	Logger      *slog.Logger
}

// Agent is a running contributor.
type Agent struct {
	cfg     Config
	addr    auth.Address
	journal *Journal
	metrics *Metrics
	http    *http.Client
	chain   *client.Client
	log     *slog.Logger

	registered atomic.Bool
	// node is the CDN node's address from /v2/info: every request is
	// signed for it. Zero until known; reset with the registration.
	nodeMu   sync.Mutex
	node     auth.Address
	computed atomic.Uint64
	accepted atomic.Uint64
	mu       sync.Mutex
	balance  *uint256.Int
	nftUnits uint64
}

// New opens the journal and checks the configuration.
func New(cfg Config) (*Agent, error) {
	if cfg.Key == nil {
		return nil, errors.New("contributor: no key")
	}
	if cfg.NodeURL == "" {
		return nil, errors.New("contributor: no CDN node URL")
	}
	if cfg.PollWait <= 0 {
		cfg.PollWait = 20 * time.Second
	}
	if cfg.PollWait > agentproto.MaxWaitMillis*time.Millisecond {
		cfg.PollWait = agentproto.MaxWaitMillis * time.Millisecond
	}
	if cfg.ReportEvery <= 0 {
		cfg.ReportEvery = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cfg.Limits = cfg.Limits.normal()
	cfg.NodeURL = strings.TrimRight(cfg.NodeURL, "/")
	j, err := OpenJournal(cfg.Home)
	if err != nil {
		return nil, err
	}
	a := &Agent{cfg: cfg, addr: auth.PubkeyToAddress(&cfg.Key.PublicKey), journal: j, metrics: newMetrics(),
		http: &http.Client{Timeout: cfg.PollWait + 15*time.Second}, log: cfg.Logger}
	if cfg.ChainRPC != "" {
		if a.chain, err = client.New(cfg.ChainRPC); err != nil {
			return nil, err
		}
	}
	if cfg.ChainID == 0 && a.chain == nil {
		return nil, errors.New("contributor: set the chain id or a chain RPC to read it from")
	}
	return a, nil
}

// Address is the contributor's account.
func (a *Agent) Address() auth.Address { return a.addr }

// Metrics exposes the Prometheus registry.
func (a *Agent) Metrics() *Metrics { return a.metrics }

// Journal exposes the journal (read-only use).
func (a *Agent) Journal() *Journal { return a.journal }

// Status is a progress snapshot.
type Status struct {
	Contributor   auth.Address `json:"contributor"`
	Registered    bool         `json:"registered"`
	UnitsComputed uint64       `json:"units_computed"`
	UnitsAccepted uint64       `json:"units_accepted"`
	BalanceUpingo string       `json:"balance_upingo"`
	NFTUnits      uint64       `json:"nft_verified_units"`
}

// Status reports progress and the last earnings read.
func (a *Agent) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	bal := "unknown"
	if a.balance != nil {
		bal = a.balance.Dec()
	}
	return Status{Contributor: a.addr, Registered: a.registered.Load(), UnitsComputed: a.computed.Load(),
		UnitsAccepted: a.accepted.Load(), BalanceUpingo: bal, NFTUnits: a.nftUnits}
}

// Run works until ctx ends: register, re-upload what a previous run
// signed but did not deliver, then long-poll for assignments and compute
// them. Errors back off (0.2 s doubling to 5 s) and never end the loop.
func (a *Agent) Run(ctx context.Context) error {
	if a.cfg.ChainID == 0 {
		id, err := a.chain.ChainID(ctx)
		if err != nil {
			return fmt.Errorf("chain id: %w", err)
		}
		a.cfg.ChainID = id
	}
	if a.chain != nil {
		go a.report(ctx)
	}
	backoff := 200 * time.Millisecond
	for ctx.Err() == nil {
		err := a.step(ctx)
		if err == nil {
			backoff = 200 * time.Millisecond
			continue
		}
		if ctx.Err() != nil {
			break
		}
		a.log.Warn("contributor step", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		if backoff *= 2; backoff > 5*time.Second {
			backoff = 5 * time.Second
		}
	}
	return nil
}

// step is one round: (re-)register if needed, deliver pending results,
// take and run one assignment.
func (a *Agent) step(ctx context.Context) error {
	if !a.registered.Load() {
		if err := a.register(ctx); err != nil {
			return a.fail("register", err)
		}
	}
	for _, e := range a.journal.Pending() {
		if err := a.upload(ctx, e); err != nil {
			return err
		}
	}
	var resp agentproto.AssignmentResponse
	req := agentproto.AssignmentRequest{Version: agentproto.Version, ChainID: a.cfg.ChainID, Contributor: a.addr,
		WaitMillis: int(a.cfg.PollWait / time.Millisecond)}
	if err := a.post(ctx, agentproto.PathAssignment, req, &resp); err != nil {
		return a.fail("poll", err)
	}
	if resp.Assignment == nil {
		return nil
	}
	return a.Work(ctx, resp.Assignment)
}

func (a *Agent) register(ctx context.Context) error {
	if err := a.fetchInfo(ctx); err != nil { // the node may have changed since
		return err
	}
	var resp agentproto.RegisterResponse
	err := a.post(ctx, agentproto.PathRegister, agentproto.RegisterRequest{Version: agentproto.Version,
		ChainID: a.cfg.ChainID, Contributor: a.addr, Cores: a.cfg.Limits.Cores}, &resp)
	if err != nil {
		return err
	}
	a.registered.Store(true)
	a.metrics.Connected.Set(1)
	a.log.Info("registered with CDN node", "node", resp.Node, "contributors", resp.Contributors)
	return nil
}

// fetchInfo learns the node's address (GET /v2/info, unauthenticated),
// the one every request is signed for, and checks its chain.
func (a *Agent) fetchInfo(ctx context.Context) error {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, a.cfg.NodeURL+agentproto.PathInfo, nil)
	if err != nil {
		return err
	}
	var info agentproto.Info
	if err := a.do(hr, &info); err != nil {
		return err
	}
	if info.ChainID != a.cfg.ChainID {
		return agentproto.Errf(agentproto.CodeWrongChain, "node is on chain %d, contributor signs for %d", info.ChainID, a.cfg.ChainID)
	}
	if info.Node == auth.ZeroAddress {
		return agentproto.Errf(agentproto.CodeMalformed, "node info without an address")
	}
	a.nodeMu.Lock()
	a.node = info.Node
	a.nodeMu.Unlock()
	return nil
}

func (a *Agent) nodeAddr() auth.Address {
	a.nodeMu.Lock()
	defer a.nodeMu.Unlock()
	return a.node
}

// fail counts err under kind and drops the registration when the node no
// longer knows us (it restarted) or refused our request signature (its
// address may have changed, or our clock is off: info and register again).
func (a *Agent) fail(kind string, err error) error {
	a.metrics.Errors.WithLabelValues(kind).Inc()
	var pe *agentproto.Error
	if errors.As(err, &pe) && (pe.Code == agentproto.CodeUnknownContrib || authCode(pe.Code)) || !errors.As(err, &pe) {
		a.registered.Store(false)
		a.metrics.Connected.Set(0)
	}
	return fmt.Errorf("%s: %w", kind, err)
}

// Check refuses an assignment the contributor must not sign: another
// chain, a unit kind it cannot run, a malformed range, or units it has
// already signed for under another assignment (a double claim).
func (a *Agent) Check(as *agentproto.Assignment) error {
	switch {
	case as.ChainID != a.cfg.ChainID:
		return agentproto.Errf(agentproto.CodeWrongChain, "assignment for chain %d, contributor signs for %d", as.ChainID, a.cfg.ChainID)
	case !kernel.Known(as.UnitKind, as.SpecHash):
		return agentproto.Errf(agentproto.CodeBadResult, "unknown unit kind %d / spec %s", as.UnitKind, as.SpecHash.Hex())
	case as.End <= as.Start || as.End-as.Start > agentproto.MaxAssignmentUnits || as.Start < as.AttStart || as.End > as.AttEnd:
		return agentproto.Errf(agentproto.CodeMalformed, "range [%d, %d) of attestation [%d, %d)", as.Start, as.End, as.AttStart, as.AttEnd)
	case as.ID == "":
		return agentproto.Errf(agentproto.CodeMalformed, "assignment without id")
	}
	if other := a.journal.Conflict(as); other != "" {
		return agentproto.Errf(agentproto.CodeAlreadyClaimed, "units [%d, %d) of job %d overlap assignment %s already signed", as.Start, as.End, as.JobID, other)
	}
	return nil
}

// Work computes, signs, journals and uploads one assignment. An assignment
// already in the journal is re-uploaded as signed, never recomputed.
func (a *Agent) Work(ctx context.Context, as *agentproto.Assignment) error {
	if e, ok := a.journal.Get(as.ID); ok {
		if e.Uploaded || e.Dropped != "" {
			return nil
		}
		return a.upload(ctx, e)
	}
	if err := a.Check(as); err != nil {
		return a.fail("assignment", err)
	}
	digests, err := Compute(ctx, as.Seed, as.Start, as.End, a.cfg.Limits, func() {
		a.computed.Add(1)
		a.metrics.unit()
	})
	if err != nil {
		return err
	}
	sub := kernel.Root(agentproto.Leaves(as.JobID, as.Start, a.addr, digests))
	sig, err := agentproto.SignShare(a.cfg.Key, as, sub)
	if err != nil {
		return err
	}
	e := Entry{Assignment: *as, Digests: digests, SubRoot: sub, Signature: sig[:]}
	if err := a.journal.Put(e); err != nil {
		return a.fail("journal", err)
	}
	return a.upload(ctx, e)
}

// upload delivers e. Accepted (or already accepted) marks it uploaded; a
// refusal that retrying cannot fix marks it dropped; anything else leaves
// it pending for the next round.
func (a *Agent) upload(ctx context.Context, e Entry) error {
	req := agentproto.ResultRequest{Version: agentproto.Version, ChainID: a.cfg.ChainID, Contributor: a.addr,
		AssignmentID: e.Assignment.ID, Digests: e.Digests, SubRoot: e.SubRoot, Signature: e.Signature}
	var resp agentproto.ResultResponse
	err := a.post(ctx, agentproto.PathResult, req, &resp)
	var pe *agentproto.Error
	switch {
	case err == nil || errors.As(err, &pe) && pe.Code == agentproto.CodeDuplicate:
		e.Uploaded = true
		units := e.Assignment.End - e.Assignment.Start
		a.accepted.Add(units)
		a.metrics.Accepted.Add(float64(units))
		a.log.Info("result accepted", "job", e.Assignment.JobID, "start", e.Assignment.Start, "end", e.Assignment.End)
	case errors.As(err, &pe) && pe.Code != agentproto.CodeInternal && pe.Code != agentproto.CodeUnknownContrib && !authCode(pe.Code):
		e.Dropped = pe.Code
		a.log.Warn("result refused", "assignment", e.Assignment.ID, "err", err)
		a.metrics.Errors.WithLabelValues("upload").Inc()
	default:
		return a.fail("upload", err)
	}
	if perr := a.journal.Put(e); perr != nil {
		return a.fail("journal", perr)
	}
	return nil
}

func authCode(code string) bool {
	switch code {
	case agentproto.CodeUnauthenticated, agentproto.CodeBadAuth, agentproto.CodeStale, agentproto.CodeReplayed:
		return true
	}
	return false
}

// post sends req as JSON, signed for the node (agentproto.SignRequest:
// fresh timestamp and nonce on every call, so a retry is a new request),
// and decodes a 200 answer into resp, a protocol error body into
// *agentproto.Error.
func (a *Agent) post(ctx context.Context, path string, req, resp any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.NodeURL+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	if a.nodeAddr() == auth.ZeroAddress {
		if err := a.fetchInfo(ctx); err != nil {
			return err
		}
	}
	sig, err := agentproto.SignRequest(a.cfg.Key, a.nodeAddr(), http.MethodPost, path, b, time.Now())
	if err != nil {
		return err
	}
	sig.Set(hr.Header)
	return a.do(hr, resp)
}

// do sends hr and decodes the answer.
func (a *Agent) do(hr *http.Request, resp any) error {
	path := hr.URL.Path
	r, err := a.http.Do(hr)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	body, err := io.ReadAll(io.LimitReader(r.Body, agentproto.MaxBody))
	if err != nil {
		return err
	}
	if r.StatusCode != http.StatusOK {
		var eb agentproto.ErrorBody
		if json.Unmarshal(body, &eb) == nil && eb.Error != nil {
			return eb.Error
		}
		return fmt.Errorf("%s: HTTP %d", path, r.StatusCode)
	}
	return json.Unmarshal(body, resp)
}

// report logs progress and reads earnings from the chain (balance and
// the contributor NFT's verified units, proof-checked) every ReportEvery.
func (a *Agent) report(ctx context.Context) {
	t := time.NewTicker(a.cfg.ReportEvery)
	defer t.Stop()
	for {
		a.RefreshEarnings(ctx)
		s := a.Status()
		a.log.Info("progress", "computed", s.UnitsComputed, "accepted", s.UnitsAccepted,
			"balance_upingo", s.BalanceUpingo, "nft_units", s.NFTUnits)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RefreshEarnings reads balance and NFT units now (bounded to 10 s).
func (a *Agent) RefreshEarnings(ctx context.Context) {
	if a.chain == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	acc, _, err := a.chain.Account(ctx, a.addr)
	if err != nil {
		a.metrics.Errors.WithLabelValues("chain").Inc()
		return
	}
	var units uint64
	if id, err := a.chain.NFTOfContributor(ctx, a.addr); err == nil && id != 0 {
		if n, found, _, err := a.chain.NFT(ctx, id); err == nil && found {
			units = n.Units
		}
	}
	a.mu.Lock()
	a.balance = acc.Balance.Clone()
	a.nftUnits = units
	a.mu.Unlock()
	a.metrics.Balance.Set(acc.Balance.Float64())
	a.metrics.NFTUnits.Set(float64(units))
}
