package keeper

import (
	"encoding/binary"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"strconv"
	"time"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

// Verdict semantics (README §Proof): a Reveal is a tx like any other, and
// a block with a failing tx is rejected by ProcessProposal. So a Reveal
// FAILS (as a tx, no state change) when it is malformed or forged: unknown
// attestation, verdict already given (replay), no beacon yet, out of
// order, past the deadline, over the block budget, a path of the wrong
// length, or an opening that does not fold to the committed sub-root. A
// well-formed reveal whose openings all fold to the committed root is a
// SUCCESSFUL tx, whatever the re-execution says: if a committed digest
// differs from the re-executed one, the node committed wrong work, and the
// tx's effect is the FAIL verdict (slash). Since an opening that folds is
// bound to what the node signed (collision resistance), nobody but the
// node can produce a FAIL — a griefer's forged openings only fail as txs.

// reveal checks and applies one Reveal at height.
func reveal(kv KV, p *types.Params, np *nft.Params, b Beacons, m *types.Reveal, height uint64) ([]Event, error) {
	var reexec time.Duration
	if RevealClock != nil {
		defer func(t0 time.Time) { RevealClock(time.Since(t0), reexec) }(time.Now())
	}
	rid, r, err := receiptOfAttestation(kv, m.AttestationID)
	if err != nil {
		return nil, err
	}
	if r.Status != types.ReceiptPending {
		return nil, codes.Wrapf(types.ErrNotPending, "receipt %d is %s", rid, r.Verdict)
	}
	if height > r.Deadline {
		return nil, codes.Wrapf(types.ErrRevealLate, "receipt %d deadline %d < height %d", rid, r.Deadline, height)
	}
	if r.BeaconHeight == 0 {
		upto := min(height-1, r.Height+p.BeaconWindow)
		bh, beacon, ok, err := FirstBeacon(kv, b, r.Height, upto)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, codes.Wrapf(types.ErrNoBeacon, "receipt %d: no beacon in (%d, %d]", rid, r.Height, upto)
		}
		r.BeaconHeight, r.Beacon = bh, beacon
		r.SampleHash = SampleHash(sampleOf(&r))
	}
	cnt := uint64(len(m.Openings))
	if m.First != r.Revealed || m.First+cnt > r.K {
		return nil, codes.Wrapf(types.ErrRevealOrder, "receipt %d: openings [%d, %d) but next is %d of %d", rid, m.First, m.First+cnt, r.Revealed, r.K)
	}
	budgetUsed, err := revealBudgetUsed(kv, height)
	if err != nil {
		return nil, err
	}
	if budgetUsed+cnt > uint64(p.RevealBudget) {
		return nil, codes.Wrapf(types.ErrRevealBudget, "%d units used of %d, reveal needs %d", budgetUsed, p.RevealBudget, cnt)
	}
	j, err := mustJob(kv, r.JobID)
	if err != nil {
		return nil, err
	}
	if !kernel.Known(j.UnitKind, j.SpecHash) {
		return nil, codes.Wrapf(types.ErrUnknownSpec, "job %d kind %d", j.ID, j.UnitKind)
	}
	// Well-formedness first, for every opening (cheap hashing); then the
	// re-execution (the expensive part).
	sample := sampleOf(&r)[m.First : m.First+cnt]
	for i, idx := range sample {
		o := &m.Openings[i]
		si, first := r.Share(idx)
		if si < 0 {
			return nil, codes.Wrapf(codes.Internal, "receipt %d: unit %d outside its shares", rid, idx)
		}
		s := &r.Shares[si]
		path, err := kernel.DecodePath(o.Path)
		if err != nil {
			return nil, codes.Wrapf(types.ErrRevealMalformed, "opening %d: %v", i, err)
		}
		pos, n := idx-first, s.Units
		if len(path) != kernel.PathLen(pos, n) {
			return nil, codes.Wrapf(types.ErrRevealMalformed, "opening %d (unit %d): path of %d, want %d", i, idx, len(path), kernel.PathLen(pos, n))
		}
		got, _ := kernel.Fold(kernel.Leaf(j.ID, idx, s.Contributor, o.Digest), pos, n, path)
		if got != s.SubRoot {
			return nil, codes.Wrapf(types.ErrRevealPath, "opening %d (unit %d) does not fold to %s's sub-root", i, idx, s.Contributor)
		}
	}
	setRevealBudgetUsed(kv, height, budgetUsed+cnt)
	var t0 time.Time
	if RevealClock != nil {
		t0 = time.Now()
	}
	for i, idx := range sample {
		if unitDigest(j.Seed, idx) != m.Openings[i].Digest {
			r.Revealed = m.First + uint64(i)
			if err := dequeueDeadline(kv, r.Deadline, r.ID); err != nil {
				return nil, err
			}
			return failReceipt(kv, p, &j, &r, types.VerdictFail, height, idx)
		}
	}
	if RevealClock != nil {
		reexec = time.Since(t0)
	}
	r.Revealed += cnt
	if r.Revealed < r.K {
		kv.Set(types.ReceiptKey(r.ID), r.Marshal())
		return []Event{revealEvent(&r, "partial")}, nil
	}
	if err := dequeueDeadline(kv, r.Deadline, r.ID); err != nil {
		return nil, err
	}
	return passReceipt(kv, p, np, &j, &r)
}

func receiptOfAttestation(kv KV, id types.Hash) (uint64, types.Receipt, error) {
	b, err := bankkeeper.Get(kv, types.AttestationKey(id))
	if err != nil {
		return 0, types.Receipt{}, err
	}
	ids, ok := types.UnmarshalIDs(b)
	if b == nil || !ok || len(ids) != 1 {
		return 0, types.Receipt{}, codes.Wrapf(types.ErrReceiptNotFound, "%s", id.Hex())
	}
	r, found, err := GetReceipt(kv, ids[0])
	if err != nil {
		return 0, r, err
	}
	if !found {
		return 0, r, bankkeeper.Corrupt(types.ReceiptKey(ids[0]), errLen)
	}
	return ids[0], r, nil
}

func revealBudgetUsed(kv KV, height uint64) (uint64, error) {
	b, err := bankkeeper.Get(kv, types.RevealBudgetKey)
	if err != nil || len(b) != 16 || binary.BigEndian.Uint64(b) != height {
		return 0, err
	}
	return binary.BigEndian.Uint64(b[8:]), nil
}

func setRevealBudgetUsed(kv KV, height, used uint64) {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], height)
	binary.BigEndian.PutUint64(b[8:], used)
	kv.Set(types.RevealBudgetKey, b[:])
}

func revealEvent(r *types.Receipt, verdict string, extra ...[2]string) Event {
	attrs := [][2]string{
		{"receipt_id", strconv.FormatUint(r.ID, 10)}, {"job_id", strconv.FormatUint(r.JobID, 10)},
		{"node", nodeHex(r.Node)}, {"verdict", verdict}, {"k", strconv.FormatUint(r.K, 10)},
		{"revealed", strconv.FormatUint(r.Revealed, 10)}, {"beacon_height", strconv.FormatUint(r.BeaconHeight, 10)},
		{"beacon", r.Beacon.Hex()}, {"sample_hash", r.SampleHash.Hex()},
	}
	return Event{Type: "reveal", Attrs: append(attrs, extra...)}
}

// passReceipt pays a receipt whose whole sample verified (settle) and
// records the verdict.
func passReceipt(kv KV, p *types.Params, np *nft.Params, j *types.Job, r *types.Receipt) ([]Event, error) {
	n, err := mustNodeAny(kv, r.Node)
	if err != nil {
		return nil, err
	}
	j.UnitsPending -= r.End - r.Start
	r.Verdict = types.VerdictPass
	if err := addPending(kv, -1); err != nil {
		return nil, err
	}
	if err := emissionPending(kv, j, -1); err != nil {
		return nil, err
	}
	evs, err := settle(kv, p, np, j, &n, r)
	if err != nil {
		return nil, err
	}
	if pooled(j) {
		ev, err := accrue(kv, p, j, r)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	setJob(kv, j)
	setNode(kv, &n)
	return append([]Event{revealEvent(r, "pass", [2]string{"node_paid", decString(&r.NodePaid)})}, evs...), nil
}

// failReceipt gives a pending receipt a failing verdict (fail, missed or
// void): the range's escrow goes back to the job's owner (the incentive
// pool for network jobs) and, unless void, the node is slashed
// fail_slash_ppb of its bond and jailed once its slash count reaches
// jail_after_fails. badUnit names the mismatching unit of a FAIL.
func failReceipt(kv KV, p *types.Params, j *types.Job, r *types.Receipt, v types.Verdict, height, badUnit uint64) ([]Event, error) {
	units := r.End - r.Start
	var amount uint256.Int
	if _, of := amount.MulOverflow(uint256.NewInt(units), &j.PricePerUnit); of || j.Escrow.Lt(&amount) {
		return nil, codes.Wrapf(codes.Internal, "job %d escrow %s cannot release %d units", j.ID, j.Escrow.Dec(), units)
	}
	j.Escrow.Sub(&j.Escrow, &amount)
	if err := subUint(kv, types.EscrowTotalKey, &amount); err != nil {
		return nil, err
	}
	if j.Network {
		if err := addUint(kv, types.IncentivePoolKey, &amount); err != nil {
			return nil, err
		}
	} else if err := credit(kv, j.Owner, &amount); err != nil {
		return nil, err
	}
	j.UnitsPending -= units
	j.UnitsFailed += units
	if err := addPending(kv, -1); err != nil {
		return nil, err
	}
	if err := emissionPending(kv, j, -1); err != nil {
		return nil, err
	}
	if j.UnitsDone+j.UnitsFailed == j.Units && (j.State == types.JobOpen || j.State == types.JobAssigned) {
		if err := setState(kv, j, types.JobDone); err != nil {
			return nil, err
		}
	}
	setJob(kv, j)
	r.Status, r.Verdict = types.ReceiptFailed, v
	kv.Set(types.ReceiptKey(r.ID), r.Marshal())
	head := revealEvent(r, v.String(), [2]string{"released", amount.Dec()})
	if v == types.VerdictFail {
		head.Attrs = append(head.Attrs, [2]string{"bad_unit", strconv.FormatUint(badUnit, 10)})
	}
	evs := []Event{head}
	if v == types.VerdictVoid {
		return evs, nil
	}
	n, found, err := GetNode(kv, r.Node)
	if err != nil || !found || n.Status == types.NodeUnbonded {
		return evs, err // nothing left to slash
	}
	ev, err := Slash(kv, r.Node, p.FailSlashPpb)
	if err != nil {
		return nil, err
	}
	evs = append(evs, ev)
	if p.JailAfterFails > 0 && n.Slashes+1 >= p.JailAfterFails {
		ev, err := Jail(kv, p, r.Node, height)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// mustNodeAny is the node record whatever its status (a receipt's node may
// have unbonded since; it is still paid).
func mustNodeAny(kv KV, op auth.Address) (types.Node, error) {
	n, found, err := GetNode(kv, op)
	if err == nil && !found {
		err = codes.Wrapf(codes.Internal, "receipt node %s has no record", op)
	}
	return n, err
}

// PendingReceipts is the number of receipts awaiting their verdict.
func PendingReceipts(kv KV) (uint64, error) { return bankkeeper.GetU64(kv, types.PendingCountKey) }

func addPending(kv KV, delta int64) error {
	n, err := PendingReceipts(kv)
	if err != nil {
		return err
	}
	if delta < 0 && n < uint64(-delta) {
		return codes.Wrapf(codes.Internal, "pending receipt count %d below zero", n)
	}
	n = uint64(int64(n) + delta)
	if n == 0 {
		kv.Delete(types.PendingCountKey)
	} else {
		bankkeeper.SetU64(kv, types.PendingCountKey, n)
	}
	return nil
}

// enqueueDeadline adds receipt id to the deadline queue of height.
func enqueueDeadline(kv KV, height, id uint64) error {
	_, err := appendID(kv, types.DeadlineKey(height), id, -1, 0)
	return err
}

// dequeueDeadline removes receipt id from the deadline queue of height
// when a Reveal gives it its verdict, so the queue holds only pending
// receipts and the deadline's EndBlock reads none of the others (it read
// every receipt of the height, a cold tree read each, only to skip the
// settled ones). Ids are ascending in the queue (appended as issued).
func dequeueDeadline(kv KV, height, id uint64) error {
	key := types.DeadlineKey(height)
	b, err := bankkeeper.Get(kv, key)
	if err != nil {
		return err
	}
	if len(b)%8 != 0 {
		return bankkeeper.Corrupt(key, errLen)
	}
	lo, hi := 0, len(b)/8
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if binary.BigEndian.Uint64(b[8*mid:]) < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == len(b)/8 || binary.BigEndian.Uint64(b[8*lo:]) != id {
		return codes.Wrapf(codes.Internal, "receipt %d missing from the deadline queue of %d", id, height)
	}
	if len(b) == 8 {
		kv.Delete(key)
		return nil
	}
	out := make([]byte, 0, len(b)-8)
	out = append(append(out, b[:8*lo]...), b[8*lo+8:]...)
	kv.Set(key, out)
	return nil
}

// expireReveals gives the receipts whose deadline is height and that are
// still pending their verdict (the only ones left in its queue): missed (slash) when a beacon fixed their
// sample in time, void (escrow released, no slash) when none existed in
// the window — not the node's fault. Point reads only; the queue holds the
// attestations of one height, bounded by the block size.
func expireReveals(kv KV, p *types.Params, b Beacons, height uint64) ([]Event, error) {
	key := types.DeadlineKey(height)
	ids, err := getIDs(kv, key)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var evs []Event
	for _, id := range ids {
		r, found, err := GetReceipt(kv, id)
		if err != nil {
			return nil, err
		}
		if !found || r.Status != types.ReceiptPending {
			continue
		}
		v := types.VerdictMissed
		if r.BeaconHeight == 0 {
			bh, beacon, ok, err := FirstBeacon(kv, b, r.Height, r.Height+p.BeaconWindow)
			if err != nil {
				return nil, err
			}
			if ok {
				r.BeaconHeight, r.Beacon = bh, beacon
				r.SampleHash = SampleHash(sampleOf(&r))
			} else {
				v = types.VerdictVoid
			}
		}
		j, err := mustJob(kv, r.JobID)
		if err != nil {
			return nil, err
		}
		if !kernel.Known(j.UnitKind, j.SpecHash) {
			v = types.VerdictVoid
		}
		more, err := failReceipt(kv, p, &j, &r, v, height, 0)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	kv.Delete(key)
	return evs, nil
}
