package cdn

import (
	"encoding/binary"
	"sort"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// AddJob records an accepted job's assignment (the chain loop calls it
// after AcceptJob; offline tests call it directly).
func (d *Daemon) AddJob(e JobEntry) error {
	return d.journal.Update(func(j *Journal) error {
		if _, ok := j.Jobs[e.ID]; !ok {
			if e.Next < e.Start {
				e.Next = e.Start
			}
			j.Jobs[e.ID] = &e
		}
		return nil
	})
}

// AttestationID names the attestation of [start, end) of job by node. A
// range is planned once (the job's Next only moves forward, on disk), so
// the id is unique without randomness, and a restart that rebuilds the
// same batch gets the same id — the chain refuses it twice.
func AttestationID(node auth.Address, job, start, end uint64) compute.Hash {
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], job)
	binary.BigEndian.PutUint64(b[8:], start)
	binary.BigEndian.PutUint64(b[16:], end)
	return compute.Hash(crypto.Keccak256([]byte("pingo/cdn-attestation"), node[:], b[:]))
}

// Plan opens new batches while fewer than MaxGathering are gathering: the
// next BatchUnits of an accepted job not past height+MinJobBlocksLeft
// (height 0 = offline, no expiry check), split evenly over the active
// contributors (at most max_shares). It returns how many it opened.
func (d *Daemon) Plan(height uint64) (int, error) {
	active := d.Active()
	if active == 0 || active < d.cfg.MinContributors {
		return 0, nil
	}
	maxShares := int(d.params.MaxShares)
	if maxShares == 0 {
		maxShares = 48
	}
	opened := 0
	err := d.journal.Update(func(j *Journal) error {
		gathering := 0
		for _, b := range j.Batches {
			if b.State == StateGathering {
				gathering++
			}
		}
		ids := make([]uint64, 0, len(j.Jobs))
		for id := range j.Jobs {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
		for _, id := range ids {
			job := j.Jobs[id]
			for gathering < d.cfg.MaxGathering && job.Next < job.End && (height == 0 || height+d.cfg.MinJobBlocksLeft/2 <= job.Expiry) {
				size := min(d.cfg.BatchUnits, job.End-job.Next)
				n := uint64(min(active, maxShares))
				n = min(n, size)
				b := &Batch{ID: AttestationID(d.addr, id, job.Next, job.Next+size), JobID: id, Start: job.Next,
					End: job.Next + size, State: StateGathering, Seq: j.NextSeq}
				j.NextSeq++
				at := b.Start
				for i := uint64(0); i < n; i++ {
					u := size / n
					if i < size%n {
						u++
					}
					b.Parts = append(b.Parts, &Part{Start: at, End: at + u})
					at += u
				}
				j.Batches[b.ID.Hex()] = b
				job.Next += size
				gathering++
				opened++
			}
		}
		if opened == 0 {
			return errUnchanged
		}
		return nil
	})
	if opened > 0 {
		d.wake()
	}
	return opened, err
}

// buildAttest is the Attest of a fully gathered batch: shares in part
// order, each with its contributor's signature, and the top root over
// their sub-roots.
func buildAttest(b *Batch, expiry uint64) *compute.Attest {
	m := &compute.Attest{JobID: b.JobID, AttestationID: b.ID, Start: b.Start, End: b.End, Expiry: expiry}
	subs := make([][32]byte, len(b.Parts))
	for i, p := range b.Parts {
		m.Shares = append(m.Shares, compute.Share{Contributor: p.Contributor, Units: p.End - p.Start,
			SubRoot: p.SubRoot, Sig: [65]byte(p.Signature)})
		subs[i] = p.SubRoot
	}
	m.OutputRoot = kernel.TopRoot(subs)
	return m
}

// opening is unit index's committed digest and its path to its part's
// sub-root.
func opening(b *Batch, index uint64) (compute.Opening, bool) {
	for _, p := range b.Parts {
		if index >= p.Start && index < p.End && len(p.Digests) == int(p.End-p.Start) {
			leaves := agentproto.Leaves(b.JobID, p.Start, p.Contributor, p.Digests)
			path := kernel.Path(leaves, index-p.Start)
			return compute.Opening{Digest: p.Digests[index-p.Start], Path: kernel.EncodePath(path)}, true
		}
	}
	return compute.Opening{}, false
}

func complete(b *Batch) bool {
	for _, p := range b.Parts {
		if !p.Done {
			return false
		}
	}
	return len(b.Parts) > 0
}
