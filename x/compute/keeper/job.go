package keeper

import (
	"encoding/binary"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"strconv"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/pingo-chain/pingo/x/compute/types"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
)

func liveJobs(kv KV) (int, error) {
	open, err := JobSet(kv, types.JobOpen)
	if err != nil {
		return 0, err
	}
	assigned, err := JobSet(kv, types.JobAssigned)
	return len(open) + len(assigned), err
}

// createJob stores a new open job whose escrow the caller already moved,
// and indexes it (open set, expiry queue).
func createJob(kv KV, j *types.Job) error {
	id, err := nextID(kv, types.NextJobIDKey)
	if err != nil {
		return err
	}
	j.ID = id
	j.State = types.JobOpen
	if err := addUint(kv, types.EscrowTotalKey, &j.Escrow); err != nil {
		return err
	}
	if err := addToSet(kv, types.JobOpen, id); err != nil {
		return err
	}
	qk := types.ExpiryQueueKey(j.Expiry)
	q, err := bankkeeper.Get(kv, qk)
	if err != nil {
		return err
	}
	kv.Set(qk, binary.BigEndian.AppendUint64(append([]byte(nil), q...), id))
	setJob(kv, j)
	return nil
}

func jobEvent(typ string, j *types.Job, extra ...[2]string) Event {
	attrs := [][2]string{{"job_id", strconv.FormatUint(j.ID, 10)}}
	return Event{Type: typ, Attrs: append(attrs, extra...)}
}

func submitJob(kv KV, p *types.Params, owner auth.Address, m *types.SubmitJob, height uint64) (Event, error) {
	switch {
	case m.Units > p.MaxJobUnits:
		return Event{}, codes.Wrapf(types.ErrJobLimits, "units %d > max_job_units %d", m.Units, p.MaxJobUnits)
	case m.MaxNodes > p.MaxNodesPerJob:
		return Event{}, codes.Wrapf(types.ErrJobLimits, "max_nodes %d > max_nodes_per_job %d", m.MaxNodes, p.MaxNodesPerJob)
	case m.Expiry <= height || m.Expiry-height > p.MaxJobTTL:
		return Event{}, codes.Wrapf(types.ErrExpiry, "expiry %d not in (%d, %d]", m.Expiry, height, height+p.MaxJobTTL)
	case !kernel.Known(m.UnitKind, m.SpecHash):
		// Units nobody can re-execute could never be verified or paid.
		return Event{}, codes.Wrapf(types.ErrUnknownSpec, "kind %d spec %s", m.UnitKind, m.SpecHash.Hex())
	}
	holds, err := nftkeeper.HoldsNFT(kv, owner)
	if err != nil {
		return Event{}, err
	}
	if !holds {
		return Event{}, codes.Wrapf(types.ErrNoNFT, "%s", owner)
	}
	if n, err := liveJobs(kv); err != nil {
		return Event{}, err
	} else if n >= int(p.MaxLiveJobs) {
		return Event{}, codes.Wrapf(types.ErrTooManyJobs, "max_live_jobs %d", p.MaxLiveJobs)
	}
	escrow, of := m.Escrow()
	if of {
		return Event{}, codes.Wrap(types.ErrOverflow, "units × price")
	}
	if err := debit(kv, owner, &escrow); err != nil {
		return Event{}, err
	}
	j := types.Job{Owner: owner, UnitKind: m.UnitKind, SpecHash: m.SpecHash, Seed: m.Seed, Units: m.Units,
		PricePerUnit: m.PricePerUnit, MaxNodes: m.MaxNodes, Expiry: m.Expiry, Escrow: escrow,
		Created: height, Epoch: p.Epoch(height)}
	if err := createJob(kv, &j); err != nil {
		return Event{}, err
	}
	if err := appendList(kv, types.ListJobsByOwner, types.AddrSubject(owner), j.ID); err != nil {
		return Event{}, err
	}
	return jobEvent("job_submit", &j, [2]string{"owner", owner.Hex()}, [2]string{"units", strconv.FormatUint(m.Units, 10)},
		[2]string{"escrow", escrow.Dec()}, [2]string{"expiry", strconv.FormatUint(m.Expiry, 10)}), nil
}

func mustJob(kv KV, id uint64) (types.Job, error) {
	j, found, err := GetJob(kv, id)
	if err != nil {
		return j, err
	}
	if !found {
		return j, codes.Wrapf(types.ErrJobNotFound, "id %d", id)
	}
	return j, nil
}

// setState moves a job between the live sets (open, assigned) as its
// state changes, and appends it to the list of the end state it enters
// (done, expired, cancelled), so every state is listable by queries.
func setState(kv KV, j *types.Job, s types.JobState) error {
	if j.State == types.JobOpen || j.State == types.JobAssigned {
		if err := removeFromSet(kv, j.State, j.ID); err != nil {
			return err
		}
	}
	switch s {
	case types.JobOpen, types.JobAssigned:
		if err := addToSet(kv, s, j.ID); err != nil {
			return err
		}
	case types.JobDone, types.JobExpired, types.JobCancelled:
		if err := appendList(kv, types.ListJobsByEndState, []byte{byte(s)}, j.ID); err != nil {
			return err
		}
	}
	j.State = s
	return nil
}

func acceptJob(kv KV, p *types.Params, op auth.Address, id, height uint64) (Event, error) {
	n, err := mustNode(kv, op)
	if err != nil {
		return Event{}, err
	}
	if err := CheckServing(p, &n); err != nil {
		return Event{}, err
	}
	j, err := mustJob(kv, id)
	if err != nil {
		return Event{}, err
	}
	if j.State != types.JobOpen || height > j.Expiry {
		return Event{}, codes.Wrapf(types.ErrJobNotOpen, "job %d is %s", id, j.State)
	}
	if !n.Supports(j.UnitKind) {
		return Event{}, codes.Wrapf(types.ErrUnitKind, "job %d wants kind %d", id, j.UnitKind)
	}
	if j.AssignmentOf(op) >= 0 {
		return Event{}, codes.Wrapf(types.ErrAlreadyAssigned, "job %d", id)
	}
	start := j.NextUnit
	end := start + j.ShareSize()
	if end > j.Units {
		end = j.Units
	}
	j.Assignments = append(j.Assignments, types.Assignment{Node: op, Start: start, End: end, Height: height})
	j.NextUnit = end
	if end == j.Units {
		if err := setState(kv, &j, types.JobAssigned); err != nil {
			return Event{}, err
		}
	}
	setJob(kv, &j)
	if err := appendList(kv, types.ListJobsByNode, types.AddrSubject(op), id); err != nil {
		return Event{}, err
	}
	return jobEvent("job_accept", &j, [2]string{"node", op.Hex()},
		[2]string{"start", strconv.FormatUint(start, 10)}, [2]string{"end", strconv.FormatUint(end, 10)}), nil
}

func cancelJob(kv KV, from auth.Address, id uint64) (Event, error) {
	j, err := mustJob(kv, id)
	if err != nil {
		return Event{}, err
	}
	if j.Network || j.Owner != from {
		return Event{}, codes.Wrapf(types.ErrNotJobOwner, "job %d is owned by %s", id, j.Owner)
	}
	unaccepted := j.State == types.JobOpen && len(j.Assignments) == 0
	if !unaccepted && j.State != types.JobExpired {
		return Event{}, codes.Wrapf(types.ErrCannotCancel, "job %d is %s with %d nodes assigned", id, j.State, len(j.Assignments))
	}
	// Pending receipts keep their escrow until their verdict.
	refund := unpending(&j)
	if err := subUint(kv, types.EscrowTotalKey, &refund); err != nil {
		return Event{}, err
	}
	if err := credit(kv, from, &refund); err != nil {
		return Event{}, err
	}
	j.Escrow.Sub(&j.Escrow, &refund)
	if err := setState(kv, &j, types.JobCancelled); err != nil {
		return Event{}, err
	}
	setJob(kv, &j)
	return jobEvent("job_cancel", &j, [2]string{"owner", from.Hex()}, [2]string{"refund", refund.Dec()}), nil
}

// expireJobs ends the live jobs whose expiry height is height: they leave
// the live sets and take no more attestations. A network job's unspent
// escrow returns to the incentive pool at once; a user job's waits for its
// owner's CancelJob (with the proof layer, pending attestations may still
// be paid from it).
func expireJobs(kv KV, height uint64) ([]Event, error) {
	key := types.ExpiryQueueKey(height)
	ids, err := getIDs(kv, key)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var evs []Event
	for _, id := range ids {
		j, err := mustJob(kv, id)
		if err != nil {
			return nil, err
		}
		if j.State != types.JobOpen && j.State != types.JobAssigned {
			continue
		}
		if err := setState(kv, &j, types.JobExpired); err != nil {
			return nil, err
		}
		back := unpending(&j)
		if j.Network && !back.IsZero() {
			if err := subUint(kv, types.EscrowTotalKey, &back); err != nil {
				return nil, err
			}
			if err := addUint(kv, types.IncentivePoolKey, &back); err != nil {
				return nil, err
			}
			j.Escrow.Sub(&j.Escrow, &back)
		}
		setJob(kv, &j)
		evs = append(evs, jobEvent("job_expire", &j, [2]string{"unspent", back.Dec()}))
	}
	kv.Delete(key)
	return evs, nil
}

// unpending is the part of j's escrow no pending receipt waits for:
// escrow − units_pending × price (pending escrow is paid or released by
// the verdict).
func unpending(j *types.Job) uint256.Int {
	var held, free uint256.Int
	held.Mul(uint256.NewInt(j.UnitsPending), &j.PricePerUnit) // ≤ escrow
	free.Sub(&j.Escrow, &held)
	return free
}

// NetworkSeed is the seed of network job i of epoch e:
// keccak256("pingo/network-job" ‖ e (8, BE) ‖ i (4, BE)).
func NetworkSeed(epoch uint64, i uint32) types.Hash {
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], epoch)
	binary.BigEndian.PutUint32(b[8:], i)
	return types.Hash(crypto.Keccak256([]byte("pingo/network-job"), b[:]))
}

// openNetworkJobs opens the epoch's network contribution jobs in its first
// block. The epoch's share min(emission(epoch), pool) leaves the pool for
// the epoch's emission record (openEmission); the network_jobs_per_epoch
// jobs of network_job_units units carry no price and no escrow — their
// PASS-verified units are paid from that share after the epoch
// (emission.go). Nothing opens when the share is zero; jobs stop at the
// live-job bound (the share then returns to the pool at the payout, like
// any share without PASS units). The block never fails for either.
func openNetworkJobs(kv KV, p *types.Params, height uint64) ([]Event, error) {
	if p.NetworkJobsPerEpoch == 0 || height == 0 || (height-1)%p.EpochBlocks != 0 {
		return nil, nil
	}
	epoch := p.Epoch(height)
	share := p.EmissionAt(epoch)
	pool, err := IncentivePool(kv)
	if err != nil {
		return nil, err
	}
	if pool.Lt(&share) {
		share = pool
	}
	if share.IsZero() {
		return nil, nil
	}
	end := (epoch + 1) * p.EpochBlocks
	ev, err := openEmission(kv, epoch, end, &share)
	if err != nil {
		return nil, err
	}
	evs := []Event{ev}
	for i := uint32(0); i < p.NetworkJobsPerEpoch; i++ {
		if n, err := liveJobs(kv); err != nil {
			return nil, err
		} else if n >= int(p.MaxLiveJobs) {
			break
		}
		j := types.Job{Network: true, UnitKind: p.NetworkUnitKind, SpecHash: p.NetworkSpecHash,
			Seed: NetworkSeed(epoch, i), Units: p.NetworkJobUnits, MaxNodes: p.NetworkJobMaxNodes,
			Expiry: end, Created: height, Epoch: epoch}
		if err := createJob(kv, &j); err != nil {
			return nil, err
		}
		if err := appendList(kv, types.ListNetworkJobsByEpoch, types.IDSubject(epoch), j.ID); err != nil {
			return nil, err
		}
		evs = append(evs, jobEvent("network_job_open", &j, [2]string{"epoch", strconv.FormatUint(epoch, 10)},
			[2]string{"units", strconv.FormatUint(j.Units, 10)}, [2]string{"escrow", "0"}))
	}
	return evs, nil
}
