package cdn

import (
	"context"
	"errors"
	"time"

	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// loop is the chain side, one goroutine so txs from the node key are
// sent (and their nonces read) strictly one after another.
func (d *Daemon) loop(ctx context.Context) {
	registered := false
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	for ctx.Err() == nil {
		if !registered {
			if err := d.ensureRegistered(ctx); err != nil {
				d.fail("register", err)
			} else {
				registered = true
			}
		}
		if registered {
			if err := d.Step(ctx); err != nil && ctx.Err() == nil {
				d.fail("step", err)
			}
			d.report(ctx)
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-d.kick:
		}
	}
}

func (d *Daemon) fail(kind string, err error) {
	d.metrics.Errors.WithLabelValues(kind).Inc()
	d.log.Warn("cdn "+kind, "err", err)
}

// bounded gives one chain interaction at most 60 s.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 60*time.Second)
}

// ensureRegistered sends RegisterNode unless the operator is a node.
func (d *Daemon) ensureRegistered(ctx context.Context) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	n, found, _, err := d.chain.Node(ctx, d.addr)
	if err != nil {
		return err
	}
	if found && n.Status != compute.NodeUnbonded {
		return nil
	}
	_, _, err = d.chain.Send(ctx, d.cfg.Key, &compute.RegisterNode{Endpoint: d.cfg.Endpoint, Region: d.cfg.Region,
		UnitKinds: d.cfg.UnitKinds, Bond: *d.cfg.Bond}, d.cfg.Fee)
	if err == nil {
		d.log.Info("registered node on chain", "operator", d.addr, "bond", d.cfg.Bond.Dec())
	}
	return err
}

// Step advances everything once: pending attestations, reveals, new jobs,
// new batches. Order matters for restarts: work already committed to the
// chain (attesting, attested) is finished before anything new starts.
func (d *Daemon) Step(ctx context.Context) error {
	st, err := d.chain.RPC().Status(ctx)
	if err != nil {
		return err
	}
	height := uint64(st.SyncInfo.LatestBlockHeight)
	var todo []Batch
	for _, b := range d.journal.Snapshot() {
		if b.State == StateAttesting || b.State == StateAttested || b.State == StateGathering && complete(&b) {
			todo = append(todo, b)
		}
	}
	for i := range todo {
		b := &todo[i]
		var err error
		switch {
		case b.State == StateGathering || b.State == StateAttesting:
			err = d.attest(ctx, b, height)
		case b.State == StateAttested:
			err = d.reveal(ctx, b)
		}
		if err != nil {
			d.fail("batch", err)
		}
	}
	if d.Active() >= d.cfg.MinContributors {
		if err := d.pickJob(ctx, height); err != nil {
			d.fail("accept", err)
		}
		if _, err := d.Plan(height); err != nil {
			return err
		}
	}
	return nil
}

func (d *Daemon) setState(id compute.Hash, f func(b *Batch)) error {
	return d.journal.Update(func(j *Journal) error {
		if b := j.Batches[id.Hex()]; b != nil {
			f(b)
		}
		return nil
	})
}

// txCode is the compute code of a refused tx (0 if not one).
func txCode(err error) uint32 {
	var te *client.TxError
	if errors.As(err, &te) && te.Codespace == compute.Codespace {
		return te.Code
	}
	return 0
}

// attest sends the batch's Attest. The state (with the expiry, so the
// same message is rebuilt) is on disk before the tx is sent; on resume the
// chain is asked first whether the attestation already has its receipt,
// so a range is never attested twice.
func (d *Daemon) attest(ctx context.Context, b *Batch, height uint64) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if b.State == StateAttesting {
		r, found, err := d.chain.ReceiptOfAttestation(ctx, b.ID)
		if err != nil {
			return err
		}
		if found {
			return d.setState(b.ID, func(x *Batch) { x.State, x.Receipt = StateAttested, r.ID })
		}
	} else {
		b.AttestExpiry = height + d.cfg.AttestTTL
		if err := d.setState(b.ID, func(x *Batch) { x.State, x.AttestExpiry = StateAttesting, b.AttestExpiry }); err != nil {
			return err
		}
	}
	if height > b.AttestExpiry {
		return d.setState(b.ID, func(x *Batch) { x.State, x.Note = StateAbandoned, "attestation expired before inclusion" })
	}
	d.metrics.AttestSends.Inc()
	_, _, err := d.chain.Send(ctx, d.cfg.Key, buildAttest(b, b.AttestExpiry), d.cfg.Fee)
	switch code := txCode(err); {
	case err == nil:
		d.metrics.Attestations.Inc()
		d.metrics.UnitsAttested.Add(float64(b.End - b.Start))
	case code == compute.ErrAttestationReplay.Code():
		// ours landed earlier (e.g. the wait timed out); the receipt says so
	case code != 0:
		d.log.Warn("attestation refused", "job", b.JobID, "start", b.Start, "end", b.End, "err", err)
		return d.setState(b.ID, func(x *Batch) { x.State, x.Note = StateAbandoned, err.Error() })
	default:
		return err // transport trouble: stay attesting, ask the chain next round
	}
	r, found, err := d.chain.ReceiptOfAttestation(ctx, b.ID)
	if err != nil || !found {
		return err
	}
	d.log.Info("attested", "job", b.JobID, "start", b.Start, "end", b.End, "receipt", r.ID)
	return d.setState(b.ID, func(x *Batch) { x.State, x.Receipt = StateAttested, r.ID })
}

// reveal waits (briefly: the loop comes back) for the sample and sends
// the openings from the receipt's revealed count on, in chunks.
func (d *Daemon) reveal(ctx context.Context, b *Batch) error {
	if d.cfg.BeforeReveal != nil && !d.cfg.BeforeReveal(b.ID) {
		return nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	r, found, err := d.chain.ReceiptOfAttestation(ctx, b.ID)
	if err != nil {
		return err
	}
	if !found {
		return errors.New("attested batch has no receipt")
	}
	if r.Status != compute.ReceiptPending {
		return d.finish(b, r)
	}
	// The wait is bounded so one batch cannot hold up the others, but not
	// below 5 s: each beacon read is a proof-verified query that waits for
	// the next header, and on a loaded 4-validator localnet a 2×poll bound
	// expired before the answer every round, so the batch never revealed
	// and missed its deadline (slashed).
	wctx, wcancel := context.WithTimeout(ctx, max(2*d.cfg.Poll, 5*time.Second))
	r, sample, err := d.chain.WaitSample(wctx, b.ID, d.params.BeaconWindow, d.cfg.Poll/4)
	wcancel()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil // no beacon yet
		}
		return err
	}
	for first := int(r.Revealed); first < len(sample); first += d.cfg.RevealChunk {
		n := min(d.cfg.RevealChunk, len(sample)-first)
		m := &compute.Reveal{AttestationID: b.ID, First: uint64(first)}
		for _, idx := range sample[first : first+n] {
			o, ok := opening(b, idx)
			if !ok {
				return errors.New("no digest for sampled unit (journal lost it)")
			}
			m.Openings = append(m.Openings, o)
		}
		if _, _, err := d.chain.Send(ctx, d.cfg.Key, m, d.cfg.Fee); err != nil {
			if txCode(err) == compute.ErrRevealOrder.Code() || txCode(err) == compute.ErrNotPending.Code() {
				break // someone else revealed this chunk; re-read next round
			}
			return err
		}
		d.metrics.Reveals.Inc()
	}
	r, _, err = d.chain.ReceiptOfAttestation(ctx, b.ID)
	if err != nil {
		return err
	}
	if r.Status != compute.ReceiptPending {
		return d.finish(b, r)
	}
	return nil
}

func (d *Daemon) finish(b *Batch, r compute.Receipt) error {
	v := r.Verdict.String()
	d.metrics.Verdicts.WithLabelValues(v).Inc()
	d.log.Info("verdict", "job", b.JobID, "start", b.Start, "end", b.End, "verdict", v)
	return d.setState(b.ID, func(x *Batch) { x.State, x.Verdict = StateDone, v })
}

// pickJob accepts one open job this node serves while no accepted job has
// units left to plan.
func (d *Daemon) pickJob(ctx context.Context, height uint64) error {
	busy := false
	d.journal.View(func(j *Journal) {
		for _, e := range j.Jobs {
			busy = busy || e.Next < e.End && height+d.cfg.MinJobBlocksLeft/2 <= e.Expiry
		}
	})
	if busy {
		return nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	open, err := d.chain.JobsByState(ctx, "open")
	if err != nil {
		return err
	}
	for _, id := range open {
		known := false
		d.journal.View(func(j *Journal) { _, known = j.Jobs[id] })
		if known {
			continue
		}
		job, found, _, err := d.chain.Job(ctx, id)
		if err != nil {
			return err
		}
		if !found || !d.serves(job.UnitKind) || !kernel.Known(job.UnitKind, job.SpecHash) ||
			job.AssignmentOf(d.addr) >= 0 || job.Expiry < height+d.cfg.MinJobBlocksLeft {
			continue
		}
		if _, _, err := d.chain.Send(ctx, d.cfg.Key, &compute.AcceptJob{JobID: id}, d.cfg.Fee); err != nil {
			if txCode(err) != 0 {
				d.log.Warn("accept refused", "job", id, "err", err)
				continue // taken by others meanwhile, or expired
			}
			return err
		}
		d.metrics.JobsAccepted.Inc()
		job, _, _, err = d.chain.Job(ctx, id)
		if err != nil {
			return err
		}
		i := job.AssignmentOf(d.addr)
		if i < 0 {
			return errors.New("accepted job without our assignment")
		}
		a := job.Assignments[i]
		d.log.Info("accepted job", "job", id, "start", a.Start, "end", a.End, "network", job.Network)
		return d.AddJob(JobEntry{ID: id, Seed: job.Seed, UnitKind: job.UnitKind, SpecHash: job.SpecHash,
			Start: a.Start, End: a.End, Next: a.Start, Expiry: job.Expiry, Network: job.Network})
	}
	return nil
}

func (d *Daemon) serves(kind uint32) bool {
	for _, k := range d.cfg.UnitKinds {
		if k == kind {
			return true
		}
	}
	return false
}
