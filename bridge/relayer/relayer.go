// Package relayer anchors the chain's sealed checkpoints on TON (issue #6
// item 4): it reads sealed checkpoint records from the chain (with
// proofs), submits each to the anchor contract through bridge/ton, and
// journals every signed wallet message before sending it, so a restart
// resumes the same message instead of paying for a second one.
//
// Anyone may run a relayer (Heimdall's lesson: a single designated
// submitter stalls anchoring when it stalls); duplicates are harmless, the
// anchor answers a second copy with 200 "already anchored", which counts
// as success.
package relayer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// Chain is what the relayer reads from the chain; chain/client's Client
// (through ChainClient) with proof verification on.
type Chain interface {
	LatestSealed(ctx context.Context) (uint64, error)
	Checkpoint(ctx context.Context, epoch uint64) (bridge.CheckpointRecord, bool, error)
	// BlockTime is the time of block height (for the seal-to-anchor latency).
	BlockTime(ctx context.Context, height int64) (time.Time, error)
}

// TON is what the relayer uses of bridge/ton's Client.
type TON interface {
	LastEpoch(ctx context.Context) (uint64, error)
	WalletBalance(ctx context.Context) (*big.Int, error)
	Prepare(ctx context.Context, body *cell.Cell, amount tlb.Coins) (*bton.Pending, error)
	Submit(ctx context.Context, p *bton.Pending) (*bton.Result, error)
}

// Config tunes a Relayer; zero fields take the defaults.
type Config struct {
	// Amount is the TON value attached to each submission (the anchor
	// keeps what gas does not use and bounces the rest on refusal).
	Amount tlb.Coins
	// Poll is the pause between rounds (2s).
	Poll time.Duration
	// MaxBackoff caps the pause after failing rounds (30s); the pause
	// doubles from Poll on every consecutive failure.
	MaxBackoff time.Duration
	// SubmitTimeout bounds one Submit call (4 min: past the wallet
	// message's 3-minute lifetime and the clock-skew grace, so an
	// unanswered message is normally resolved as landed or expired within
	// one call). A call that times out leaves the message journaled; the
	// next round resumes it.
	SubmitTimeout time.Duration
	// MaxPerRound bounds the epochs one round submits (16), so a long
	// backlog still refreshes the metrics between batches.
	MaxPerRound int
}

// DefaultAmount is attached to each submission: above the ~0.0075 TON a
// 4-validator checkpoint costs and the ~0.027 TON of 21 validators.
var DefaultAmount = tlb.MustFromTON("0.05")

func (c *Config) defaults() {
	if c.Amount.Nano().Sign() == 0 {
		c.Amount = DefaultAmount
	}
	if c.Poll == 0 {
		c.Poll = 2 * time.Second
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = 30 * time.Second
	}
	if c.SubmitTimeout == 0 {
		c.SubmitTimeout = 4 * time.Minute
	}
	if c.MaxPerRound == 0 {
		c.MaxPerRound = 16
	}
}

// Relayer is one relayer instance. Run it with Run.
type Relayer struct {
	cfg     Config
	chain   Chain
	ton     TON
	journal *Journal
	metrics *Metrics
	log     *slog.Logger
	claimer *claimer // nil unless EnableClaims (claim.go)
	// Depositor is nil unless EnableDeposits (deposit.go).
	depositor *Depositor

	// Anchored, if set, is called when this relayer saw epoch land (or
	// find it already anchored), with the time since the block that sealed
	// it (0 if unknown). For logs and tests.
	Anchored func(epoch uint64, latency time.Duration)

	// Reporter, if set, reports each checkpoint this relayer anchored back
	// to the chain (ReportAnchor) and keeps it journaled as landed until
	// the chain shows it confirmed (report.go). Nil: no reports.
	Reporter Reporter
	// Confirmed, if set, is called when a checkpoint this relayer
	// anchored shows as confirmed on the chain, with the time between the
	// blocks that sealed and confirmed it (0 if unknown).
	Confirmed  func(epoch uint64, latency time.Duration)
	lastReport map[uint64]time.Time // Run's goroutine only
}

// New builds a relayer. metrics and log may be nil.
func New(cfg Config, chain Chain, ton TON, journal *Journal, metrics *Metrics, log *slog.Logger) *Relayer {
	cfg.defaults()
	if metrics == nil {
		metrics = NewMetrics()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Relayer{cfg: cfg, chain: chain, ton: ton, journal: journal, metrics: metrics, log: log}
}

// Metrics are the relayer's series.
func (r *Relayer) Metrics() *Metrics { return r.metrics }

// Run loops until ctx ends: a round, then Poll (or the backoff after a
// failed round). Nothing a round meets — TON or the chain unreachable, a
// refusal, a full disk — ends the loop; it returns ctx's error.
func (r *Relayer) Run(ctx context.Context) error {
	if r.depositor != nil {
		// Deposits run on their own loop: a round of anchoring can take
		// seconds per epoch (each submission waits to land), and a
		// deposit must not wait behind it — nor anchoring behind TON scans.
		done := make(chan struct{})
		defer func() { <-done }()
		go func() {
			defer close(done)
			r.depositor.run(ctx, r.cfg.Poll, r.log)
		}()
	}
	pause := r.cfg.Poll
	for {
		err := r.Round(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ce claimError
		if errors.As(err, &ce) {
			// Anchoring went through; a failing claim must not slow it
			// down with the backoff (the claim is retried next round).
			r.log.Warn("auto-claim failed; retrying next round", "err", ce.error)
			err = nil
		}
		if err != nil {
			r.log.Warn("relayer round failed; backing off", "err", err, "retry_in", pause)
		} else {
			pause = r.cfg.Poll
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		if err != nil {
			pause = min(2*pause, r.cfg.MaxBackoff)
		}
	}
}

// errStop ends a round early without counting as a failure of its own
// (the cause was counted where it happened).
type errStop struct{ error }

// Round does one pass: resume journaled messages, then submit the sealed
// epochs the anchor does not hold yet, in order, one at a time (the
// wallet's seqno orders them anyway, and a rotation must land before the
// checkpoints its new set signs); then, with EnableClaims, claim the
// withdrawals of anchored epochs (claim.go; its failures are claimError).
func (r *Relayer) Round(ctx context.Context) error {
	anchored, err := r.ton.LastEpoch(ctx)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
		return fmt.Errorf("ton: last epoch: %w", err)
	}
	r.metrics.AnchoredEpoch.Set(float64(anchored))
	if bal, err := r.ton.WalletBalance(ctx); err == nil {
		setBig(r.metrics.WalletBalance, bal)
	}

	// 0. Report what landed back to the chain (until it is confirmed).
	if err := r.reportLanded(ctx); err != nil {
		return err
	}

	// 1. Whatever was journaled first: a message that may still land
	// must be resolved (landed, refused or expired) before any other is
	// prepared, or the same checkpoint could be paid twice.
	resumed := false
	for _, e := range r.journal.Entries() {
		if e.State == StatePending {
			r.log.Info("resuming journaled submission", "epoch", e.Epoch)
			resumed = true
			if err := r.submit(ctx, e.Epoch, e.Pending, nil); err != nil {
				return err
			}
		}
	}
	if resumed {
		// Resubmitting may have landed epochs: re-read the anchor.
		if anchored, err = r.ton.LastEpoch(ctx); err != nil {
			r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
			return fmt.Errorf("ton: last epoch: %w", err)
		}
	}

	// 2. Sealed epochs above the anchor's.
	sealed, err := r.chain.LatestSealed(ctx)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
		return fmt.Errorf("chain: latest sealed: %w", err)
	}
	r.setLag(sealed, anchored)
	done := 0
	for e := anchored + 1; e <= sealed && done < r.cfg.MaxPerRound; e++ {
		if j, ok := r.journal.Get(e); ok && j.State == StateRefused {
			continue
		}
		rec, found, err := r.chain.Checkpoint(ctx, e)
		if err != nil {
			r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
			return fmt.Errorf("chain: checkpoint %d: %w", e, err)
		}
		if !found || rec.Status == bridge.StatusAccumulating {
			// Never sealed (it left the late-signature window): a later
			// checkpoint supersedes it on TON, which only needs
			// increasing epochs.
			continue
		}
		body, err := rec.SubmitBody(e)
		if err != nil {
			r.metrics.Failures.WithLabelValues(FailBuild).Inc()
			return fmt.Errorf("checkpoint %d: body: %w", e, err)
		}
		p, err := r.ton.Prepare(ctx, body, r.cfg.Amount)
		if err != nil {
			r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
			return fmt.Errorf("ton: prepare epoch %d: %w", e, err)
		}
		// Journaled (fsynced) before the first send: from here on, this
		// message is the only one this relayer will ever send for e until
		// it is resolved.
		if err := r.journal.Put(Entry{Epoch: e, State: StatePending, Pending: p}); err != nil {
			r.metrics.Failures.WithLabelValues(FailJournal).Inc()
			return fmt.Errorf("journal epoch %d: %w", e, err)
		}
		if err := r.submit(ctx, e, p, &rec); err != nil {
			return err
		}
		done++
		// Report at once (a broadcast, no waiting) rather than next round.
		if err := r.reportLanded(ctx); err != nil {
			return err
		}
		// The anchor may have moved past e (another relayer, or e was a
		// duplicate): continue from wherever it is now.
		if now, err := r.ton.LastEpoch(ctx); err == nil && now > e {
			e = now
		}
	}
	if now, err := r.ton.LastEpoch(ctx); err == nil {
		r.metrics.AnchoredEpoch.Set(float64(now))
		r.setLag(sealed, now)
		if err := r.pruneRefused(now); err != nil {
			return err
		}
		if err := r.claimRound(ctx, now); err != nil {
			return claimError{err}
		}
	}
	return nil
}

// pruneRefused drops refusals at or below the anchored epoch: a later
// checkpoint superseded them on TON, they are history.
func (r *Relayer) pruneRefused(anchored uint64) error {
	for _, e := range r.journal.Entries() {
		if e.State == StateRefused && e.Epoch <= anchored {
			if err := r.forget(e.Epoch); err != nil {
				return err
			}
		}
	}
	return nil
}

// submit drives one journaled message to its end and records the outcome;
// a nil return means it is resolved and the round may go on.
func (r *Relayer) submit(ctx context.Context, epoch uint64, p *bton.Pending, rec *bridge.CheckpointRecord) error {
	sctx, cancel := context.WithTimeout(ctx, r.cfg.SubmitTimeout)
	res, err := r.ton.Submit(sctx, p)
	cancel()
	var refused *bton.RefusedError
	switch {
	case err == nil:
		if derr := r.landed(epoch, res); derr != nil {
			r.metrics.Failures.WithLabelValues(FailJournal).Inc()
			return derr
		}
		result := "landed"
		if res.Exit == checkpoint.ExitAlreadyAnchored {
			result = "already_anchored"
		}
		r.metrics.Submissions.WithLabelValues(result).Inc()
		latency := r.latency(ctx, rec)
		r.log.Info("checkpoint anchored", "epoch", epoch, "exit", res.Exit, "result", result, "seal_to_anchor", latency)
		if r.Anchored != nil {
			r.Anchored(epoch, latency)
		}
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, bton.ErrSuperseded):
		r.metrics.Submissions.WithLabelValues("superseded").Inc()
		r.log.Info("checkpoint superseded on TON", "epoch", epoch)
		return r.forget(epoch)
	case errors.Is(err, bton.ErrWalletNoOutput):
		// The wallet used the seqno and sent nothing: this message can
		// never land, a new one may be prepared once the wallet is funded.
		r.metrics.Alerts.WithLabelValues("wallet_no_output").Inc()
		r.log.Error("ALERT: the relayer wallet sent nothing (fund it)", "epoch", epoch, "err", err)
		if ferr := r.forget(epoch); ferr != nil {
			return ferr
		}
		return errStop{err}
	case bton.IsAlert(err) && errors.As(err, &refused):
		// Bad signatures and the like: re-sending cannot help and would
		// burn a fee each time. Recorded so no restart retries it.
		r.metrics.Submissions.WithLabelValues("refused").Inc()
		r.metrics.Alerts.WithLabelValues(bton.ExitName(refused.Exit)).Inc()
		r.log.Error("ALERT: the anchor refused a checkpoint", "epoch", epoch, "exit", refused.Exit, "reason", bton.ExitName(refused.Exit))
		if perr := r.journal.Put(Entry{Epoch: epoch, State: StateRefused, Exit: refused.Exit}); perr != nil {
			r.metrics.Failures.WithLabelValues(FailJournal).Inc()
			return perr
		}
		return nil
	case errors.As(err, &refused):
		// 202 (the rotation must land first), 206 (more signatures
		// coming), out of gas: resolved for this message; a later round
		// prepares a new one.
		r.metrics.Failures.WithLabelValues(FailRefused).Inc()
		r.log.Warn("anchor refused the checkpoint; will retry", "epoch", epoch, "exit", refused.Exit, "reason", bton.ExitName(refused.Exit))
		if ferr := r.forget(epoch); ferr != nil {
			return ferr
		}
		return errStop{err}
	case errors.Is(err, bton.ErrExpired):
		r.metrics.Failures.WithLabelValues(FailExpired).Inc()
		r.log.Warn("journaled message expired without landing; a new one will be prepared", "epoch", epoch)
		if ferr := r.forget(epoch); ferr != nil {
			return ferr
		}
		return errStop{err}
	default:
		// TON unreachable or too slow: nothing is known about the
		// message, so it stays journaled and is resumed next round.
		r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
		return fmt.Errorf("ton: submit epoch %d: %w", epoch, err)
	}
}

func (r *Relayer) forget(epoch uint64) error {
	if err := r.journal.Delete(epoch); err != nil {
		r.metrics.Failures.WithLabelValues(FailJournal).Inc()
		return err
	}
	return nil
}

func (r *Relayer) setLag(sealed, anchored uint64) {
	r.metrics.SealedEpoch.Set(float64(sealed))
	lag := 0.0
	if sealed > anchored {
		lag = float64(sealed - anchored)
	}
	r.metrics.Lag.Set(lag)
}

// latency is the time since the block that sealed rec (0 if unknown).
func (r *Relayer) latency(ctx context.Context, rec *bridge.CheckpointRecord) time.Duration {
	if rec == nil || rec.SealedHeight <= 0 {
		return 0
	}
	t, err := r.chain.BlockTime(ctx, rec.SealedHeight)
	if err != nil {
		return 0
	}
	d := time.Since(t)
	r.metrics.Latency.Observe(d.Seconds())
	return d
}
