package keeper

import (
	"encoding/binary"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/types"
)

// Pooled epoch emission (README §"Emission over PASS-verified units").
// The epoch's share leaves the pool in its first block and is held in
// the epoch's record; its network jobs carry no price and no escrow. A
// PASS adds weights to the epoch (accrue); a verdict of any kind lowers
// its pending count. Once the jobs have expired and nothing is pending,
// EndBlock pays the accounts in list order, a bounded number per block,
// and returns the rounding remainder (all of the share when no unit
// passed) to the pool. Every step is point reads; nothing iterates.

// pooled reports whether j's units are paid from its epoch's pooled
// emission: network jobs opened since pooling carry price 0. A network
// job with a price (a state exported before pooling) keeps being paid
// from its own escrow at PASS.
func pooled(j *types.Job) bool { return j.Network && j.PricePerUnit.IsZero() }

// GetEmissionEpoch reads epoch's emission record.
func GetEmissionEpoch(kv KV, epoch uint64) (types.EmissionEpoch, bool, error) {
	b, err := bankkeeper.Get(kv, types.EmissionEpochKey(epoch))
	if err != nil || b == nil {
		return types.EmissionEpoch{}, false, err
	}
	e, err := types.UnmarshalEmissionEpoch(b)
	if err != nil {
		return e, false, bankkeeper.Corrupt(types.EmissionEpochKey(epoch), err)
	}
	return e, true, nil
}

func mustEmissionEpoch(kv KV, epoch uint64) (types.EmissionEpoch, error) {
	e, found, err := GetEmissionEpoch(kv, epoch)
	if err == nil && !found {
		err = codes.Wrapf(codes.Internal, "no emission record for epoch %d", epoch)
	}
	return e, err
}

func setEmissionEpoch(kv KV, e *types.EmissionEpoch) {
	kv.Set(types.EmissionEpochKey(e.Epoch), e.Marshal())
}

// EmissionWeight is account's unpaid emission weight in epoch (0 when it
// has none or was paid).
func EmissionWeight(kv KV, epoch uint64, a auth.Address) (uint64, error) {
	return bankkeeper.GetU64(kv, types.EmissionWeightKey(epoch, a))
}

// EmissionQueue lists the epochs whose emission is not paid out yet,
// oldest first.
func EmissionQueue(kv KV) ([]uint64, error) { return getIDs(kv, types.EmissionQueueKey) }

// openEmission sets share aside for epoch, whose last height is end: it
// leaves the pool for the epoch's record and joins the payout queue.
func openEmission(kv KV, epoch, end uint64, share *uint256.Int) (Event, error) {
	if err := subUint(kv, types.IncentivePoolKey, share); err != nil {
		return Event{}, err
	}
	if err := addUint(kv, types.EmissionTotalKey, share); err != nil {
		return Event{}, err
	}
	e := types.EmissionEpoch{Epoch: epoch, Share: *share, End: end}
	setEmissionEpoch(kv, &e)
	q, err := bankkeeper.Get(kv, types.EmissionQueueKey)
	if err != nil {
		return Event{}, err
	}
	kv.Set(types.EmissionQueueKey, binary.BigEndian.AppendUint64(append([]byte(nil), q...), epoch))
	return Event{Type: "emission_open", Attrs: [][2]string{
		{"epoch", strconv.FormatUint(epoch, 10)}, {"share", share.Dec()}, {"end", strconv.FormatUint(end, 10)},
	}}, nil
}

// emissionPending adds delta to the pending receipts of j's epoch when j
// is pooled: +1 at an attestation, −1 at its verdict.
func emissionPending(kv KV, j *types.Job, delta int64) error {
	if !pooled(j) {
		return nil
	}
	e, err := mustEmissionEpoch(kv, j.Epoch)
	if err != nil {
		return err
	}
	if delta < 0 && e.Pending < uint64(-delta) {
		return codes.Wrapf(codes.Internal, "epoch %d pending emission receipts below zero", j.Epoch)
	}
	e.Pending = uint64(int64(e.Pending) + delta)
	setEmissionEpoch(kv, &e)
	return nil
}

// accrue records the PASS of pooled receipt r of job j: its units count
// for the epoch and its node and contributors earn weights
// (types.EmissionWeights); an account's first weight in the epoch appends
// it to the epoch's list.
func accrue(kv KV, p *types.Params, j *types.Job, r *types.Receipt) (Event, error) {
	e, err := mustEmissionEpoch(kv, j.Epoch)
	if err != nil {
		return Event{}, err
	}
	units := r.End - r.Start
	for _, aw := range types.EmissionWeights(r.Node, r.Shares, p.NetworkNodeShareBps) {
		key := types.EmissionWeightKey(e.Epoch, aw.Account)
		w, err := bankkeeper.GetU64(kv, key)
		if err != nil {
			return Event{}, err
		}
		if w == 0 {
			if err := appendEmissionAccount(kv, &e, aw.Account); err != nil {
				return Event{}, err
			}
		}
		bankkeeper.SetU64(kv, key, w+aw.Weight)
	}
	e.Units += units
	e.Weight += units * types.BpsDenom
	setEmissionEpoch(kv, &e)
	return Event{Type: "emission_accrue", Attrs: [][2]string{
		{"epoch", strconv.FormatUint(e.Epoch, 10)}, {"receipt_id", strconv.FormatUint(r.ID, 10)},
		{"units", strconv.FormatUint(units, 10)}, {"epoch_units", strconv.FormatUint(e.Units, 10)},
	}}, nil
}

func appendEmissionAccount(kv KV, e *types.EmissionEpoch, a auth.Address) error {
	key := types.EmissionAccountsKey(e.Epoch, uint32(e.Accounts/types.ListPageSize))
	page, err := bankkeeper.Get(kv, key)
	if err != nil {
		return err
	}
	kv.Set(key, append(append([]byte(nil), page...), a[:]...))
	e.Accounts++
	return nil
}

// payEmission runs in EndBlock, after the block's expiries and verdicts.
// It serves the oldest epoch in the payout queue once its jobs have
// expired (height ≥ End) and none of its receipts is pending: up to
// emission_payouts_per_block accounts, from the cursor in list order, get
// weight × share / weight_total (rounded down); each paid weight and each
// passed list page is deleted. When the cursor reaches the end, the rest
// of the share (the rounding remainder, or all of it when no unit passed)
// returns to the pool, the record is kept as Done and the epoch leaves the
// queue. One epoch per block at most.
func payEmission(kv KV, p *types.Params, height uint64) ([]Event, error) {
	q, err := getIDs(kv, types.EmissionQueueKey)
	if err != nil || len(q) == 0 {
		return nil, err
	}
	e, err := mustEmissionEpoch(kv, q[0])
	if err != nil {
		return nil, err
	}
	if height < e.End || e.Pending > 0 {
		return nil, nil
	}
	var evs []Event
	var page []byte
	for n := uint32(0); n < p.EmissionPayoutsPerBlock && e.Cursor < e.Accounts; n++ {
		pi, off := uint32(e.Cursor/types.ListPageSize), int(e.Cursor%types.ListPageSize)
		pkey := types.EmissionAccountsKey(e.Epoch, pi)
		if page == nil || off == 0 {
			if page, err = bankkeeper.Get(kv, pkey); err != nil {
				return nil, err
			}
		}
		if len(page) < (off+1)*auth.AddressLen {
			return nil, bankkeeper.Corrupt(pkey, errLen)
		}
		a := auth.Address(page[off*auth.AddressLen : (off+1)*auth.AddressLen])
		wkey := types.EmissionWeightKey(e.Epoch, a)
		w, err := bankkeeper.GetU64(kv, wkey)
		if err != nil {
			return nil, err
		}
		amount := types.EmissionPaid(w, e.Weight, &e.Share)
		if err := subUint(kv, types.EmissionTotalKey, &amount); err != nil {
			return nil, err
		}
		if err := credit(kv, a, &amount); err != nil {
			return nil, err
		}
		e.Distributed.Add(&e.Distributed, &amount)
		kv.Delete(wkey)
		e.Cursor++
		if e.Cursor%types.ListPageSize == 0 || e.Cursor == e.Accounts {
			kv.Delete(pkey)
		}
		evs = append(evs, Event{Type: "emission_paid", Attrs: [][2]string{
			{"epoch", strconv.FormatUint(e.Epoch, 10)}, {"account", LowerHex(a)},
			{"weight", strconv.FormatUint(w, 10)}, {"amount", amount.Dec()},
		}})
	}
	if e.Cursor == e.Accounts {
		rest := e.Undistributed()
		if err := subUint(kv, types.EmissionTotalKey, &rest); err != nil {
			return nil, err
		}
		if err := addUint(kv, types.IncentivePoolKey, &rest); err != nil {
			return nil, err
		}
		e.Returned, e.Done = rest, true
		setIDs(kv, types.EmissionQueueKey, q[1:])
		evs = append(evs, Event{Type: "emission_close", Attrs: [][2]string{
			{"epoch", strconv.FormatUint(e.Epoch, 10)}, {"share", e.Share.Dec()},
			{"units", strconv.FormatUint(e.Units, 10)}, {"accounts", strconv.FormatUint(e.Accounts, 10)},
			{"distributed", e.Distributed.Dec()}, {"returned", rest.Dec()},
		}})
	}
	setEmissionEpoch(kv, &e)
	return evs, nil
}
