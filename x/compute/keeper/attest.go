package keeper

import (
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

// attest checks an attestation by node op and, if every check passes,
// accepts it. The contributor signatures were verified before (the app
// does it with the tx signature, see auth.CoSigned); ValidateBasic checked
// the shares' units against the range.
//
// Check order (each its own code): share count, attestation expiry, node
// registered/serving, job exists and is live, job expiry, node assigned,
// attestation id unused, range inside the assignment, no overlap. The
// output root must be the top tree over the shares' sub-roots (checked
// right after the expiry: a forged root fails the tx, and ProcessProposal
// rejects a block carrying it).
func attest(kv KV, p *types.Params, np *nft.Params, op auth.Address, m *types.Attest, height uint64) ([]Event, error) {
	if len(m.Shares) > int(p.MaxShares) {
		return nil, codes.Wrapf(types.ErrShares, "%d shares > max_shares %d", len(m.Shares), p.MaxShares)
	}
	if height > m.Expiry {
		return nil, codes.Wrapf(types.ErrAttestationExpired, "expiry %d < height %d", m.Expiry, height)
	}
	if root := kernel.TopRoot(subRoots(m.Shares)); root != m.OutputRoot {
		return nil, codes.Wrapf(types.ErrOutputRoot, "root %s, shares give %s", m.OutputRoot.Hex(), types.Hash(root).Hex())
	}
	n, err := mustNode(kv, op)
	if err != nil {
		return nil, err
	}
	if err := CheckServing(p, &n); err != nil {
		return nil, err
	}
	j, err := mustJob(kv, m.JobID)
	if err != nil {
		return nil, err
	}
	if j.State != types.JobOpen && j.State != types.JobAssigned {
		return nil, codes.Wrapf(types.ErrJobNotOpen, "job %d is %s", j.ID, j.State)
	}
	if height > j.Expiry {
		return nil, codes.Wrapf(types.ErrAttestationExpired, "job %d expired at %d", j.ID, j.Expiry)
	}
	ai := j.AssignmentOf(op)
	if ai < 0 {
		return nil, codes.Wrapf(types.ErrNotAssigned, "%s in job %d", op, j.ID)
	}
	idKey := types.AttestationKey(m.AttestationID)
	if used, err := bankkeeper.Get(kv, idKey); err != nil {
		return nil, err
	} else if used != nil {
		return nil, codes.Wrapf(types.ErrAttestationReplay, "%s", m.AttestationID.Hex())
	}
	a := &j.Assignments[ai]
	if m.Start < a.Start || m.End > a.End {
		return nil, codes.Wrapf(types.ErrRange, "[%d, %d) outside assignment [%d, %d)", m.Start, m.End, a.Start, a.End)
	}
	merged, ok := insertRange(a.Accepted, types.Range{Start: m.Start, End: m.End})
	if !ok {
		return nil, codes.Wrapf(types.ErrRangeOverlap, "[%d, %d)", m.Start, m.End)
	}
	a.Accepted = merged

	// Accepted: the receipt is pending its sampled reveal; the escrow of
	// the range stays on the job until the verdict (passReceipt pays it
	// through settle, failReceipt releases it).
	rid, err := nextID(kv, types.NextReceiptIDKey)
	if err != nil {
		return nil, err
	}
	kv.Set(idKey, types.MarshalIDs([]uint64{rid}))
	units := m.End - m.Start
	r := types.Receipt{ID: rid, JobID: j.ID, AttestationID: m.AttestationID, Node: op, Start: m.Start, End: m.End,
		OutputRoot: m.OutputRoot, Height: height, Epoch: p.Epoch(height), Shares: make([]types.ReceiptShare, len(m.Shares)),
		Status: types.ReceiptPending, K: min(uint64(p.SampleK), units), Deadline: height + p.BeaconWindow + p.RevealBlocks}
	for i, s := range m.Shares {
		r.Shares[i] = types.ReceiptShare{Contributor: s.Contributor, Units: s.Units, SubRoot: s.SubRoot}
	}
	kv.Set(types.ReceiptKey(rid), r.Marshal())
	if err := enqueueDeadline(kv, r.Deadline, rid); err != nil {
		return nil, err
	}
	if err := addPending(kv, 1); err != nil {
		return nil, err
	}
	if err := emissionPending(kv, &j, 1); err != nil {
		return nil, err
	}
	j.UnitsPending += units
	setJob(kv, &j)
	if err := appendList(kv, types.ListReceiptsByJob, types.IDSubject(j.ID), rid); err != nil {
		return nil, err
	}
	head := Event{Type: "attest", Attrs: [][2]string{
		{"job_id", strconv.FormatUint(j.ID, 10)}, {"node", nodeHex(op)}, {"attestation_id", m.AttestationID.Hex()},
		{"receipt_id", strconv.FormatUint(rid, 10)}, {"start", strconv.FormatUint(m.Start, 10)},
		{"end", strconv.FormatUint(m.End, 10)}, {"output_root", m.OutputRoot.Hex()},
		{"k", strconv.FormatUint(r.K, 10)}, {"deadline", strconv.FormatUint(r.Deadline, 10)},
	}}
	return []Event{head}, nil
}

func subRoots(ss []types.Share) [][32]byte {
	out := make([][32]byte, len(ss))
	for i := range ss {
		out[i] = ss[i].SubRoot
	}
	return out
}

// insertRange adds r to sorted, merged, disjoint ranges; ok is false if r
// overlaps one of them.
func insertRange(rs []types.Range, r types.Range) ([]types.Range, bool) {
	i := 0
	for i < len(rs) && rs[i].End <= r.Start {
		i++
	}
	if i < len(rs) && rs[i].Start < r.End {
		return nil, false
	}
	out := make([]types.Range, 0, len(rs)+1)
	out = append(out, rs[:i]...)
	if len(out) > 0 && out[len(out)-1].End == r.Start {
		out[len(out)-1].End = r.End
	} else {
		out = append(out, r)
	}
	if i < len(rs) && rs[i].Start == out[len(out)-1].End {
		out[len(out)-1].End = rs[i].End
		i++
	}
	return append(out, rs[i:]...), true
}

// settle pays receipt r from job j's escrow and credits its contributors:
// units × price_per_unit leaves the escrow; node_share_bps of it goes to
// the node (network_node_share_bps for network jobs); the rest is split
// over the contributors pro rata to their units, rounded down, and the
// rounding remainder goes to the node. Each contributor's credit (balance,
// NFT minted or updated, receipt list) is staged for the block's end
// (credits.go). It stores r as final. It is the
// one payment path: passReceipt calls it on PASS. The caller stores j and n.
// A pooled network job has price 0: nothing is paid here (no
// contributor_paid events); passReceipt accrues the epoch weights instead.
func settle(kv KV, p *types.Params, np *nft.Params, j *types.Job, n *types.Node, r *types.Receipt) ([]Event, error) {
	units := r.End - r.Start
	var amount uint256.Int
	if _, of := amount.MulOverflow(uint256.NewInt(units), &j.PricePerUnit); of || j.Escrow.Lt(&amount) {
		return nil, codes.Wrapf(codes.Internal, "job %d escrow %s cannot pay %d units", j.ID, j.Escrow.Dec(), units)
	}
	j.Escrow.Sub(&j.Escrow, &amount)
	if err := subUint(kv, types.EscrowTotalKey, &amount); err != nil {
		return nil, err
	}
	var nodeCut, rest, paid uint256.Int
	share := p.NodeShareBps
	if j.Network {
		share = p.NetworkNodeShareBps
	}
	nodeCut.MulDivOverflow(&amount, uint256.NewInt(uint64(share)), uint256.NewInt(types.BpsDenom))
	rest.Sub(&amount, &nodeCut)
	total := uint256.NewInt(units)
	evs := make([]Event, 0, 2*len(r.Shares))
	// One backing array for the contributor_paid attributes and one
	// formatting of the receipt id: 16 contributors made these a
	// noticeable share of the settlement's allocations.
	rid := strconv.FormatUint(r.ID, 10)
	var attrs [][2]string
	if !pooled(j) {
		attrs = make([][2]string, 4*len(r.Shares))
	}
	for i := range r.Shares {
		s := &r.Shares[i]
		s.Paid.MulDivOverflow(&rest, uint256.NewInt(s.Units), total)
		paid.Add(&paid, &s.Paid) // Σ ≤ rest
		// Balance, NFT and receipt list: once per contributor per block,
		// at EndBlock (credits.go).
		ev, err := stageCredit(kv, np, s, r)
		if err != nil {
			return nil, err
		}
		if !pooled(j) {
			a := attrs[4*i : 4*i+4 : 4*i+4]
			a[0] = [2]string{"receipt_id", rid}
			a[1] = [2]string{"contributor", LowerHex(s.Contributor)}
			a[2] = [2]string{"units", strconv.FormatUint(s.Units, 10)}
			a[3] = [2]string{"amount", decString(&s.Paid)}
			evs = append(evs, Event{Type: "contributor_paid", Attrs: a})
		}
		if ev != nil {
			evs = append(evs, *ev)
		}
	}
	rest.Sub(&rest, &paid)
	nodeCut.Add(&nodeCut, &rest)
	if err := credit(kv, n.Operator, &nodeCut); err != nil {
		return nil, err
	}
	r.NodePaid = nodeCut
	r.Status = types.ReceiptFinal
	kv.Set(types.ReceiptKey(r.ID), r.Marshal())
	n.Receipts++
	j.Receipts++
	j.UnitsDone += units
	if j.UnitsDone+j.UnitsFailed == j.Units && (j.State == types.JobOpen || j.State == types.JobAssigned) {
		if err := setState(kv, j, types.JobDone); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

// decString is u.Dec(): event amounts almost always fit a uint64, and
// strconv formats those several times faster than uint256's general path.
func decString(u *uint256.Int) string {
	if u.IsUint64() {
		return strconv.FormatUint(u.Uint64(), 10)
	}
	return u.Dec()
}

// LowerHex renders an address as lowercase 0x hex, without the EIP-55
// checksum: contributor addresses in compute and nft events use it, since
// checksumming 16 contributors took a third of an attestation's time.
// Search them in lowercase (tx_search compares strings exactly).
func LowerHex(a auth.Address) string {
	const digits = "0123456789abcdef"
	var b [2 + 2*auth.AddressLen]byte
	b[0], b[1] = '0', 'x'
	for i, c := range a {
		b[2+2*i], b[3+2*i] = digits[c>>4], digits[c&15]
	}
	return string(b[:])
}
