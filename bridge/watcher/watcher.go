// Package watcher is a validator's TON watcher (x/bridge README "TON
// facts"): a goroutine outside block execution that checks the chain's
// pending TON facts against this node's own TON view, one bounded query
// at a time, and keeps the verdicts in memory. ExtendVote only reads that
// memory (Confirmed), so a slow or unreachable TON endpoint can delay a
// confirmation but never a block — Heimdall's lesson, and DESIGN §5.
package watcher

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// Chain is the committed state the watcher reads (the node's own app,
// through its query path).
type Chain interface {
	PendingFacts(ctx context.Context) ([]bridge.PendingFact, error)
	Fact(ctx context.Context, id bridge.Hash32) (bridge.Fact, bool, error)
	Checkpoint(ctx context.Context, epoch uint64) (bridge.CheckpointRecord, bool, error)
}

// TON is this node's TON view (bridge/ton.Reader).
type TON interface {
	VerifyAnchor(ctx context.Context, epoch uint64, digest [32]byte, hash []byte, lt uint64) error
	// Deposit classifies the anchor's transaction (hash, lt) as a deposit
	// (bton.ErrNotDeposit, bton.ErrNoSuchTransaction when it is none).
	Deposit(ctx context.Context, hash []byte, lt uint64) (bton.Deposit, error)
}

// Config tunes a Watcher; zero fields take the defaults.
type Config struct {
	// Poll is the pause between rounds (1s).
	Poll time.Duration
	// QueryTimeout is the time budget of one fact's check against TON
	// (3s); a check that runs out concludes nothing and is retried.
	QueryTimeout time.Duration
	// Recheck is how long a negative verdict stands before the fact is
	// checked again (5s): a liteserver may lag behind the relayer's.
	Recheck time.Duration
	// MaxPerRound bounds the TON checks of one round (bridge.MaxFactVotes,
	// 16): with 1 s rounds it keeps up with what one extension can vote
	// for per 1 s block; fewer would cap deposits per block below it.
	MaxPerRound int
}

func (c *Config) defaults() {
	if c.Poll == 0 {
		c.Poll = time.Second
	}
	if c.QueryTimeout == 0 {
		c.QueryTimeout = 3 * time.Second
	}
	if c.Recheck == 0 {
		c.Recheck = 5 * time.Second
	}
	if c.MaxPerRound == 0 {
		c.MaxPerRound = bridge.MaxFactVotes
	}
}

type verdict struct {
	ok bool
	at time.Time // when a negative verdict was reached (rechecked after Recheck)
}

// Watcher checks pending facts. Run it with Run; read it with Confirmed.
type Watcher struct {
	cfg   Config
	chain Chain
	dial  func(ctx context.Context) (TON, error)
	log   *slog.Logger

	ton TON // nil until dialed (Run's goroutine only)

	mu       sync.Mutex
	verdicts map[bridge.Hash32]verdict // lookups and pruning only; never decides an order
}

// New builds a watcher. dial connects to TON; it is retried every round
// until it succeeds (a node may start while TON is unreachable).
func New(cfg Config, chain Chain, dial func(ctx context.Context) (TON, error), log *slog.Logger) *Watcher {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{cfg: cfg, chain: chain, dial: dial, log: log, verdicts: map[bridge.Hash32]verdict{}}
}

// Confirmed reports whether this node's TON view confirmed fact id. It
// never waits for anything but a short mutex.
func (w *Watcher) Confirmed(id bridge.Hash32) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.verdicts[id].ok
}

// Run loops until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	for {
		w.Round(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(w.cfg.Poll):
		}
	}
}

// Round checks up to MaxPerRound pending facts that have no standing
// verdict, oldest report first, and forgets verdicts of facts no longer
// pending.
func (w *Watcher) Round(ctx context.Context) {
	pending, err := w.chain.PendingFacts(ctx)
	if err != nil {
		w.log.Warn("ton watcher: reading pending facts", "err", err)
		return
	}
	w.prune(pending)
	if len(pending) == 0 {
		return
	}
	if w.ton == nil {
		dctx, cancel := context.WithTimeout(ctx, w.cfg.QueryTimeout)
		t, err := w.dial(dctx)
		cancel()
		if err != nil {
			metrics().checks.WithLabelValues("unreachable").Inc()
			w.log.Warn("ton watcher: TON unreachable", "err", err)
			return
		}
		w.ton = t
	}
	checked := 0
	for _, p := range pending {
		if checked == w.cfg.MaxPerRound || ctx.Err() != nil {
			return
		}
		if !w.due(p.ID) {
			continue
		}
		checked++
		ok, err := w.check(ctx, p.ID)
		switch {
		case err != nil:
			metrics().checks.WithLabelValues("unreachable").Inc()
			w.log.Debug("ton watcher: check inconclusive", "fact", p.ID, "err", err)
		case ok:
			metrics().checks.WithLabelValues("confirmed").Inc()
			w.log.Info("ton watcher: fact confirmed by this node's TON view", "fact", p.ID)
		default:
			metrics().checks.WithLabelValues("rejected").Inc()
		}
		if err == nil {
			w.mu.Lock()
			w.verdicts[p.ID] = verdict{ok: ok, at: time.Now()}
			w.mu.Unlock()
		}
	}
}

// due: no verdict yet, or a negative one older than Recheck.
func (w *Watcher) due(id bridge.Hash32) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, seen := w.verdicts[id]
	return !seen || (!v.ok && time.Since(v.at) >= w.cfg.Recheck)
}

func (w *Watcher) prune(pending []bridge.PendingFact) {
	keep := make(map[bridge.Hash32]bool, len(pending))
	for _, p := range pending {
		keep[p.ID] = true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range w.verdicts {
		if !keep[id] {
			delete(w.verdicts, id)
		}
	}
}

// check is one fact's verdict within the time budget: (true, nil)
// confirmed, (false, nil) contradicted, err: nothing concluded.
func (w *Watcher) check(ctx context.Context, id bridge.Hash32) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.QueryTimeout)
	defer cancel()
	f, found, err := w.chain.Fact(ctx, id)
	if err != nil || !found {
		return false, err
	}
	switch f.Kind {
	case bridge.FactAnchor:
		rec, found, err := w.chain.Checkpoint(ctx, f.Epoch)
		if err != nil || !found {
			return false, err
		}
		err = w.ton.VerifyAnchor(ctx, f.Epoch, rec.Digest, f.TONTxHash[:], f.TONLt)
		if errors.Is(err, bton.ErrNoSuchTransaction) || errors.Is(err, bton.ErrNotAnchoring) {
			w.log.Info("ton watcher: fact contradicted by this node's TON view", "fact", id, "epoch", f.Epoch, "err", err)
			return false, nil
		}
		return err == nil, err
	case bridge.FactDeposit:
		d, err := w.ton.Deposit(ctx, f.TONTxHash[:], f.TONLt)
		if errors.Is(err, bton.ErrNoSuchTransaction) || errors.Is(err, bton.ErrNotDeposit) {
			w.log.Info("ton watcher: deposit contradicted by this node's TON view", "fact", id, "lt", f.TONLt, "err", err)
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return DepositMatches(&f, &d), nil
	}
	return false, nil // a kind this node does not know: never vote for it
}

// DepositMatches: the reported content of a FactDeposit is exactly what
// this node's TON view shows — the amount, and the recipient (zero for a
// refundable deposit). Anything else gets no vote: since the content is in
// the fact id, > 2/3 of the power behind one id means they all saw it.
//
// An unparseable deposit has two exclusive forms: with the anchor's
// transaction successful, TON handled it (a ReportDeposit with a zero
// recipient, no refund_to); with it failed, the L2 owes it (a ReportRefund:
// refund_to must be exactly the notification's sender). A validator votes
// for at most one of them, so the L2 never pays back what TON returned.
func DepositMatches(f *bridge.Fact, d *bton.Deposit) bool {
	if f.Amount == nil || f.Recipient == nil || d.Amount == nil || f.Amount.ToBig().Cmp(d.Amount) != 0 {
		return false
	}
	if !d.Refundable {
		return f.RefundTo == nil && *f.Recipient == auth.Address(d.Recipient)
	}
	if *f.Recipient != (auth.Address{}) {
		return false
	}
	if d.AnchorOK {
		return f.RefundTo == nil
	}
	if f.RefundTo == nil || d.Sender == nil {
		return false
	}
	s, err := bridge.TONAddrFrom(d.Sender)
	return err == nil && s == *f.RefundTo
}

type watcherMetrics struct{ checks *prometheus.CounterVec }

var (
	metricsOnce sync.Once
	theMetrics  *watcherMetrics
)

// metrics are process-wide (several nodes in one test process share them).
func metrics() *watcherMetrics {
	metricsOnce.Do(func() {
		theMetrics = &watcherMetrics{checks: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "pingo", Name: "ton_watcher_checks_total",
			Help: "TON fact checks by this node's watcher, by result (confirmed, rejected, unreachable)."}, []string{"result"})}
		prometheus.MustRegister(theMetrics.checks)
	})
	return theMetrics
}
