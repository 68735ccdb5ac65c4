package relayer

import (
	"context"
	"fmt"
	"time"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// Reporter sends ReportAnchor (action 61) for a checkpoint this relayer
// anchored and returns once the chain included it (ChainReporter).
type Reporter interface {
	ReportAnchor(ctx context.Context, epoch uint64, tonTxHash [32]byte, tonLt uint64) error
	// FactPending reports whether the chain holds fact id as pending.
	FactPending(ctx context.Context, id bridge.Hash32) (bool, error)
}

// reportEvery is the least pause between two reports of one epoch: a
// report is re-sent only once the earlier one is neither pending nor
// confirmed (it expired unconfirmed, e.g. while the validators' TON view
// was down longer than fact_expiry_blocks).
var reportEvery = 5 * time.Second

// landed records a landing: with a Reporter, the journal keeps the epoch
// (landed, with the anchor's transaction) until the chain confirms it, so
// a restart still reports it; otherwise the epoch is forgotten.
func (r *Relayer) landed(epoch uint64, res *bton.Result) error {
	if r.Reporter == nil || res == nil || res.Exit != 0 || res.AnchorTx == nil || len(res.AnchorTx.Hash) != 32 {
		// 200 "already anchored": another relayer's transaction anchored
		// it, and that relayer reports it.
		return r.journal.Delete(epoch)
	}
	return r.journal.Put(Entry{Epoch: epoch, State: StateLanded, TONTxHash: res.AnchorTx.Hash, TONLt: res.AnchorTx.LT})
}

// reportLanded drives every landed entry: confirmed on the chain → done;
// its fact pending → wait; otherwise (never reported, or the report
// expired) → report it (again).
func (r *Relayer) reportLanded(ctx context.Context) error {
	if r.Reporter == nil {
		return nil
	}
	if r.lastReport == nil {
		r.lastReport = map[uint64]time.Time{}
	}
	for _, e := range r.journal.Entries() {
		if e.State != StateLanded {
			continue
		}
		rec, found, err := r.chain.Checkpoint(ctx, e.Epoch)
		if err != nil {
			r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
			return fmt.Errorf("chain: checkpoint %d: %w", e.Epoch, err)
		}
		if found && rec.Status == bridge.StatusConfirmed {
			if err := r.forget(e.Epoch); err != nil {
				return err
			}
			delete(r.lastReport, e.Epoch)
			r.metrics.ConfirmedTotal.Inc()
			r.metrics.ConfirmedEpoch.Set(float64(e.Epoch))
			d := r.blockGap(ctx, rec.SealedHeight, rec.ConfirmedHeight)
			if d > 0 {
				r.metrics.ConfirmLatency.Observe(d.Seconds())
			}
			r.log.Info("checkpoint confirmed on the chain", "epoch", e.Epoch, "height", rec.ConfirmedHeight, "seal_to_confirmed", d)
			if r.Confirmed != nil {
				r.Confirmed(e.Epoch, d)
			}
			continue
		}
		if time.Since(r.lastReport[e.Epoch]) < reportEvery {
			continue
		}
		var hash [32]byte
		copy(hash[:], e.TONTxHash)
		id := bridge.Fact{Kind: bridge.FactAnchor, Epoch: e.Epoch, TONTxHash: hash, TONLt: e.TONLt}.ID()
		pending, err := r.Reporter.FactPending(ctx, id)
		if err != nil {
			r.metrics.Failures.WithLabelValues(FailChainUnreachable).Inc()
			return fmt.Errorf("chain: fact of epoch %d: %w", e.Epoch, err)
		}
		if pending {
			continue
		}
		r.lastReport[e.Epoch] = time.Now()
		if err := r.Reporter.ReportAnchor(ctx, e.Epoch, hash, e.TONLt); err != nil {
			r.metrics.Reports.WithLabelValues("failed").Inc()
			r.log.Warn("reporting the anchoring to the chain failed; will retry", "epoch", e.Epoch, "err", err)
			continue
		}
		r.metrics.Reports.WithLabelValues("sent").Inc()
		r.log.Info("anchoring reported to the chain", "epoch", e.Epoch, "ton_lt", e.TONLt)
	}
	return nil
}

// blockGap is the time between the headers of two heights (0 if unknown).
func (r *Relayer) blockGap(ctx context.Context, from, to int64) time.Duration {
	if from <= 0 || to < from {
		return 0
	}
	a, err := r.chain.BlockTime(ctx, from)
	if err != nil {
		return 0
	}
	b, err := r.chain.BlockTime(ctx, to)
	if err != nil {
		return 0
	}
	return b.Sub(a)
}
