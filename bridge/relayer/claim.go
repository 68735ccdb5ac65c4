package relayer

// Auto-claim (issue #7): for every withdrawal in an epoch the anchor holds,
// send claim_withdrawal (bridge/checkpoint.ClaimBody) so users need not
// claim by hand. The same rules as anchoring: one message at a time,
// journaled before the first send, resumed as is after a restart, a new
// one prepared only once the old one provably expired, and "already
// claimed" (303) is success — anyone may claim, the anchor pays once.

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// ClaimChain is what auto-claim reads from the chain: chain/client's
// Client (ChainClient) with proofs on.
type ClaimChain interface {
	Checkpoint(ctx context.Context, epoch uint64) (bridge.CheckpointRecord, bool, error)
	EpochWithdrawals(ctx context.Context, epoch uint64) (bridge.EpochWithdrawals, error)
	WithdrawalLeaves(ctx context.Context, epoch uint64) ([][32]byte, error)
	Withdrawal(ctx context.Context, id uint64) (bridge.WithdrawalRecord, bool, error)
	// ReincludedIDs: the ids at indices 0..k-1 of epoch, re-included from
	// an epoch whose checkpoint never sealed (asked only when k > 0).
	ReincludedIDs(ctx context.Context, epoch uint64) ([]uint64, error)
}

// ClaimTON is what auto-claim uses of bridge/ton's Client.
type ClaimTON interface {
	WithdrawalRoot(ctx context.Context, epoch uint64) ([32]byte, error)
	IsClaimed(ctx context.Context, id uint64) (bool, error)
	Prepare(ctx context.Context, body *cell.Cell, amount tlb.Coins) (*bton.Pending, error)
	Submit(ctx context.Context, p *bton.Pending) (*bton.Result, error)
}

// ClaimConfig tunes auto-claim; zero fields take the defaults.
type ClaimConfig struct {
	// Amount is the TON attached to each claim: the anchor needs at least
	// 0.06 (exit 306 below) to forward the jettons; the rest comes back.
	Amount tlb.Coins
	// FromEpoch is the first epoch to claim when the journal has no cursor
	// yet (1): a relayer joining late can skip history others claimed.
	FromEpoch uint64
	// MaxPerRound bounds the claims one round sends (16).
	MaxPerRound int
	// MaxEpochsPerRound bounds the epochs one round looks at (64): each
	// costs proof-verified queries, and a relayer starting on a long
	// chain must not hold anchoring up while it walks the history.
	MaxEpochsPerRound int
}

// DefaultClaimAmount is attached to each claim.
var DefaultClaimAmount = tlb.MustFromTON("0.1")

// claimer is the auto-claim state of one Relayer.
type claimer struct {
	cfg     ClaimConfig
	chain   ClaimChain
	ton     ClaimTON
	journal *ClaimJournal
	claims  *prometheus.CounterVec // by result
	cursor  prometheus.Gauge

	// Claimed, if set, is called when a claim resolved as paid (exit 0 or
	// 303, or the anchor's isClaimed). For logs and tests.
	Claimed func(id uint64, exit int)
}

// EnableClaims turns auto-claim on: every round, after anchoring, claim
// the withdrawals of anchored epochs. j must be opened on the relayer's
// journal (OpenClaimJournal).
func (r *Relayer) EnableClaims(cfg ClaimConfig, chain ClaimChain, ton ClaimTON, j *ClaimJournal) {
	if cfg.Amount.Nano().Sign() == 0 {
		cfg.Amount = DefaultClaimAmount
	}
	if cfg.FromEpoch == 0 {
		cfg.FromEpoch = 1
	}
	if cfg.MaxPerRound == 0 {
		cfg.MaxPerRound = 16
	}
	if cfg.MaxEpochsPerRound == 0 {
		cfg.MaxEpochsPerRound = 64
	}
	c := &claimer{cfg: cfg, chain: chain, ton: ton, journal: j,
		claims: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "pingo_relayer", Name: "claims_total",
			Help: "Withdrawal claims resolved, by result: claimed, already_claimed, refused, unclaimable, reincluded (left for the later epoch that re-included it), awaiting_reinclusion."}, []string{"result"}),
		cursor: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "pingo_relayer", Name: "claim_epoch",
			Help: "First epoch whose withdrawals are not all claimed."}),
	}
	r.metrics.Registry.MustRegister(c.claims, c.cursor)
	r.claimer = c
}

// OnClaimed sets a callback for resolved claims (tests, logs).
func (r *Relayer) OnClaimed(f func(id uint64, exit int)) {
	if r.claimer != nil {
		r.claimer.Claimed = f
	}
}

// ClaimMetric reads claims_total{result} (tests and the status log).
func (r *Relayer) ClaimMetric(result string) float64 {
	if r.claimer == nil {
		return 0
	}
	return Value(r.claimer.claims.WithLabelValues(result))
}

// claimRound claims up to MaxPerRound withdrawals of epochs ≤ anchored.
func (r *Relayer) claimRound(ctx context.Context, anchored uint64) error {
	c := r.claimer
	if c == nil {
		return nil
	}
	// 1. A journaled claim is resolved before anything new is prepared.
	if p, ok := c.journal.Pending(); ok {
		r.log.Info("resuming journaled claim", "id", p.ID)
		if err := r.submitClaim(ctx, p); err != nil {
			return err
		}
		// Resolved: step past it without asking TON again (a lagging
		// liteserver could still say "not claimed" and cost a fee).
		if cur := c.journal.Cursor(c.cfg.FromEpoch); cur.Epoch == p.Epoch && cur.Index == p.Index {
			if err := c.journal.SetCursor(ClaimCursor{Epoch: p.Epoch, Index: p.Index + 1}); err != nil {
				return r.journalFailed(err)
			}
		}
	}
	// 2. Walk the cursor through anchored epochs.
	budget, epochs := c.cfg.MaxPerRound, 0
	for ; budget > 0 && epochs < c.cfg.MaxEpochsPerRound; epochs++ {
		cur := c.journal.Cursor(c.cfg.FromEpoch)
		c.cursor.Set(float64(cur.Epoch))
		if cur.Epoch > anchored {
			return nil
		}
		ew, err := c.chain.EpochWithdrawals(ctx, cur.Epoch)
		if err != nil {
			r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
			return fmt.Errorf("chain: withdrawals of epoch %d: %w", cur.Epoch, err)
		}
		if cur.Index >= ew.Count {
			if err := c.journal.SetCursor(ClaimCursor{Epoch: cur.Epoch + 1}); err != nil {
				return r.journalFailed(err)
			}
			continue
		}
		var re []uint64
		if ew.Reincluded > 0 {
			if re, err = c.chain.ReincludedIDs(ctx, cur.Epoch); err != nil {
				r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
				return fmt.Errorf("chain: re-included ids of epoch %d: %w", cur.Epoch, err)
			}
		}
		first, ok := ew.ID(cur.Index, re)
		if !ok {
			r.metrics.Alerts.WithLabelValues("withdrawal_root_mismatch").Inc()
			return errStop{fmt.Errorf("epoch %d: %d re-included ids for %d", cur.Epoch, len(re), ew.Reincluded)}
		}
		leaves, err := r.claimableLeaves(ctx, cur.Epoch, ew)
		if errors.Is(err, errUnclaimable) {
			if err := r.passUnclaimable(ctx, cur, ew, first); err != nil {
				return err
			}
			if err := c.journal.SetCursor(ClaimCursor{Epoch: cur.Epoch + 1}); err != nil {
				return r.journalFailed(err)
			}
			continue
		}
		if err != nil {
			return err
		}
		for i := cur.Index; i < ew.Count && budget > 0; i++ {
			id, _ := ew.ID(i, re)
			if err := r.claimOne(ctx, cur.Epoch, i, id, leaves); err != nil {
				return err
			}
			budget--
			if err := c.journal.SetCursor(ClaimCursor{Epoch: cur.Epoch, Index: i + 1}); err != nil {
				return r.journalFailed(err)
			}
		}
	}
	return nil
}

var errUnclaimable = errors.New("epoch not held by the anchor")

// passUnclaimable accounts for the rest of an epoch the anchor holds no
// root for, from index cur.Index (id first). The chain re-includes the
// withdrawals of an epoch whose checkpoint left the late-signature window
// unsealed in a later epoch (x/bridge reinclude.go), all at once, so the
// first remaining record tells: moved on (reincluded: this relayer claims
// them from that later epoch, which its cursor has not reached yet, since
// that epoch's checkpoint is taken after the move), still unsealed
// (awaiting_reinclusion: they move when the window closes), or sealed and
// yet never anchored (a later epoch was anchored first: unclaimable, an
// alert, as no path pays them).
func (r *Relayer) passUnclaimable(ctx context.Context, cur ClaimCursor, ew bridge.EpochWithdrawals, first uint64) error {
	c := r.claimer
	n := float64(ew.Count - cur.Index)
	w, found, err := c.chain.Withdrawal(ctx, first)
	if err != nil || !found {
		r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
		return fmt.Errorf("chain: withdrawal %d: found=%v %w", first, found, err)
	}
	if w.Epoch != cur.Epoch {
		c.claims.WithLabelValues("reincluded").Add(n)
		r.log.Info("withdrawals of an unsealed epoch were re-included later; claimed from there", "epoch", cur.Epoch,
			"now_epoch", w.Epoch, "first_id", first, "count", ew.Count-cur.Index)
		return nil
	}
	rec, found, err := c.chain.Checkpoint(ctx, cur.Epoch)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
		return fmt.Errorf("chain: checkpoint %d: %w", cur.Epoch, err)
	}
	if found && rec.Status == bridge.StatusAccumulating {
		c.claims.WithLabelValues("awaiting_reinclusion").Add(n)
		r.log.Warn("withdrawals of an unsealed epoch wait for re-inclusion in a later one", "epoch", cur.Epoch,
			"first_id", first, "count", ew.Count-cur.Index)
		return nil
	}
	c.claims.WithLabelValues("unclaimable").Add(n)
	r.metrics.Alerts.WithLabelValues("withdrawals_unclaimable").Inc()
	r.log.Error("ALERT: withdrawals of an epoch the anchor never held cannot be claimed", "epoch", cur.Epoch,
		"first_id", first, "count", ew.Count-cur.Index)
	return nil
}

// claimError is a failed auto-claim step in a Round whose anchoring part
// succeeded: Run retries it next round without backing off.
type claimError struct{ error }

func (e claimError) Unwrap() error { return e.error }

// claimableLeaves reads epoch's leaves and checks them against the root
// the anchor holds (errUnclaimable if it holds none: the checkpoint was
// superseded, and only an anchored root pays) and the chain's checkpoint.
func (r *Relayer) claimableLeaves(ctx context.Context, epoch uint64, ew bridge.EpochWithdrawals) ([][32]byte, error) {
	c := r.claimer
	root, err := c.ton.WithdrawalRoot(ctx, epoch)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
		return nil, fmt.Errorf("ton: withdrawal root %d: %w", epoch, err)
	}
	if root == ([32]byte{}) {
		return nil, errUnclaimable
	}
	rec, found, err := c.chain.Checkpoint(ctx, epoch)
	if err != nil || !found {
		r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
		return nil, fmt.Errorf("chain: checkpoint %d: found=%v %w", epoch, found, err)
	}
	leaves, err := c.chain.WithdrawalLeaves(ctx, epoch)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
		return nil, fmt.Errorf("chain: withdrawal leaves %d: %w", epoch, err)
	}
	got, err := checkpoint.WithdrawalRoot(leaves)
	if err != nil || got != root || got != [32]byte(rec.WithdrawalRoot) || uint32(len(leaves)) != ew.Count {
		// The chain and TON disagree: a bug or a lying node; claiming
		// would only burn fees on exit 302.
		r.metrics.Alerts.WithLabelValues("withdrawal_root_mismatch").Inc()
		r.log.Error("ALERT: epoch's withdrawal leaves do not match the anchored root", "epoch", epoch)
		return nil, errStop{fmt.Errorf("epoch %d: withdrawal root mismatch", epoch)}
	}
	return leaves, nil
}

// claimOne claims withdrawal id (index i of epoch) unless the anchor
// already paid it.
func (r *Relayer) claimOne(ctx context.Context, epoch uint64, i uint32, id uint64, leaves [][32]byte) error {
	c := r.claimer
	paid, err := c.ton.IsClaimed(ctx, id)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
		return fmt.Errorf("ton: isClaimed %d: %w", id, err)
	}
	if paid {
		c.claims.WithLabelValues("already_claimed").Inc()
		if c.Claimed != nil {
			c.Claimed(id, checkpoint.ExitAlreadyClaimed)
		}
		return nil
	}
	w, found, err := c.chain.Withdrawal(ctx, id)
	if err != nil || !found {
		r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
		return fmt.Errorf("chain: withdrawal %d: found=%v %w", id, found, err)
	}
	if w.Epoch > epoch && slices.Contains(w.ReincludedFrom, epoch) {
		// The old root reached TON after all (signatures gathered off the
		// L2): the id pays once either way, from its current epoch.
		c.claims.WithLabelValues("reincluded").Inc()
		return nil
	}
	if w.Epoch != epoch || w.Index != i || [32]byte(w.Leaf) != leaves[i] {
		r.metrics.Alerts.WithLabelValues("withdrawal_root_mismatch").Inc()
		return errStop{fmt.Errorf("withdrawal %d: record is epoch %d index %d, expected %d/%d", id, w.Epoch, w.Index, epoch, i)}
	}
	path, err := checkpoint.WithdrawalPath(leaves, int(i))
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailBuild).Inc()
		return err
	}
	body, err := checkpoint.ClaimBody(id, w.Withdrawal(), uint64(i), path)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailBuild).Inc()
		return fmt.Errorf("withdrawal %d: claim body: %w", id, err)
	}
	p, err := c.ton.Prepare(ctx, body, c.cfg.Amount)
	if err != nil {
		r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
		return fmt.Errorf("ton: prepare claim %d: %w", id, err)
	}
	e := ClaimEntry{ID: id, Epoch: epoch, Index: i, State: StatePending, Pending: p}
	// Journaled (fsynced) before the first send.
	if err := c.journal.PutPending(e); err != nil {
		return r.journalFailed(err)
	}
	return r.submitClaim(ctx, e)
}

// submitClaim drives one journaled claim to its end; nil means resolved
// (paid, or refused for good and recorded) and the cursor may pass it.
func (r *Relayer) submitClaim(ctx context.Context, e ClaimEntry) error {
	c := r.claimer
	sctx, cancel := context.WithTimeout(ctx, r.cfg.SubmitTimeout)
	res, err := c.ton.Submit(sctx, e.Pending)
	cancel()
	var refused *bton.RefusedError
	exit := -1 // only an answer from the anchor sets it
	if err == nil && res != nil {
		exit = res.Exit
	}
	if errors.As(err, &refused) {
		exit = refused.Exit
	}
	switch {
	case err == nil || checkpoint.Claimed(exit):
		result := "claimed"
		if exit == checkpoint.ExitAlreadyClaimed {
			result = "already_claimed"
		}
		c.claims.WithLabelValues(result).Inc()
		r.log.Info("withdrawal claimed", "id", e.ID, "epoch", e.Epoch, "exit", exit, "result", result)
		if err := c.journal.ClearPending(); err != nil {
			return r.journalFailed(err)
		}
		if c.Claimed != nil {
			c.Claimed(e.ID, exit)
		}
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, bton.ErrWalletNoOutput):
		r.metrics.Alerts.WithLabelValues("wallet_no_output").Inc()
		r.log.Error("ALERT: the relayer wallet sent nothing (fund it)", "claim", e.ID, "err", err)
		if ferr := c.journal.ClearPending(); ferr != nil {
			return r.journalFailed(ferr)
		}
		return errStop{err}
	case errors.Is(err, bton.ErrExpired):
		// Dead for good: the next round checks isClaimed and prepares a
		// new message for the same id.
		r.metrics.Failures.WithLabelValues(FailExpired).Inc()
		if ferr := c.journal.ClearPending(); ferr != nil {
			return r.journalFailed(ferr)
		}
		return errStop{err}
	case refused != nil && claimRetryable(refused.Exit):
		// No jetton wallet yet (305), too little TON (306), out of gas,
		// an epoch not anchored yet (301): this message is resolved, the
		// id is not; the next round prepares a new one.
		r.metrics.Failures.WithLabelValues(FailRefused).Inc()
		r.metrics.Alerts.WithLabelValues(fmt.Sprintf("claim_exit_%d", refused.Exit)).Inc()
		r.log.Warn("anchor refused the claim; will retry", "id", e.ID, "exit", refused.Exit)
		if ferr := c.journal.ClearPending(); ferr != nil {
			return r.journalFailed(ferr)
		}
		return errStop{err}
	case refused != nil:
		// Wrong path, malformed, epoch mismatch: re-sending the same leaf
		// and path cannot help and costs a fee each time.
		c.claims.WithLabelValues("refused").Inc()
		r.metrics.Alerts.WithLabelValues(fmt.Sprintf("claim_exit_%d", refused.Exit)).Inc()
		r.log.Error("ALERT: the anchor refused a claim", "id", e.ID, "epoch", e.Epoch, "exit", refused.Exit)
		e.State, e.Exit, e.Pending = StateRefused, refused.Exit, nil
		if perr := c.journal.Refuse(e); perr != nil {
			return r.journalFailed(perr)
		}
		return nil
	default:
		// TON unreachable: the message stays journaled and is resumed.
		r.metrics.Failures.WithLabelValues(FailTONUnreachable).Inc()
		return fmt.Errorf("ton: submit claim %d: %w", e.ID, err)
	}
}

// claimRetryable: refusals that resolve by themselves.
func claimRetryable(exit int) bool {
	switch exit {
	case checkpoint.ExitUnknownEpoch, checkpoint.ExitNoJettonWallet, checkpoint.ExitValueTooLow, exitOutOfGas, exitOutOfGasAlt:
		return true
	}
	return false
}

// TVM's out-of-gas exit (-14, reported as 13 by some tools).
const (
	exitOutOfGas    = -14
	exitOutOfGasAlt = 13
)

func (r *Relayer) journalFailed(err error) error {
	r.metrics.Failures.WithLabelValues(FailJournal).Inc()
	return err
}
