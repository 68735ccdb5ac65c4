package types

// Hand-written RLP for the records an attestation and its settlement read
// and rewrite (Node, Job, Receipt). Reflective rlp.EncodeToBytes and
// DecodeBytes were the largest share of an attestation's state path; these
// produce and accept exactly the same bytes (canonical RLP, the struct
// field order, trailing optional fields omitted when zero), which
// TestCodecMatchesReflective and FuzzRecordCodec check against the
// reflective codec, so stored records and clients are unchanged.

import (
	"errors"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

var (
	errTooFew  = errors.New("rlp: too few elements")
	errTooMany = errors.New("rlp: input list has too many elements")
	errTrail   = errors.New("rlp: input contains more than one value")
	errSize    = errors.New("rlp: byte array of the wrong size")
	errUint    = errors.New("rlp: integer too large for its field")
	errBool    = errors.New("rlp: invalid boolean value")
)

func encode(f func(w rlp.EncoderBuffer)) []byte {
	w := rlp.NewEncoderBuffer(nil)
	f(w)
	b := w.ToBytes()
	_ = w.Flush()
	return b
}

// Marshal is the stored form.
func (n *Node) Marshal() []byte {
	return encode(func(w rlp.EncoderBuffer) {
		l := w.List()
		w.WriteBytes(n.Operator[:])
		w.WriteString(n.Endpoint)
		w.WriteString(n.Region)
		k := w.List()
		for _, x := range n.UnitKinds {
			w.WriteUint64(uint64(x))
		}
		w.ListEnd(k)
		w.WriteUint256(&n.Bond)
		w.WriteUint64(uint64(n.Status))
		w.WriteBool(n.Jailed)
		w.WriteUint64(n.JailedUntil)
		w.WriteUint64(n.UnbondHeight)
		w.WriteUint64(n.Slashes)
		w.WriteUint64(n.Registered)
		w.WriteUint64(n.Receipts)
		w.ListEnd(l)
	})
}

// Marshal is the stored form.
func (j *Job) Marshal() []byte {
	return encode(func(w rlp.EncoderBuffer) {
		l := w.List()
		w.WriteUint64(j.ID)
		w.WriteBytes(j.Owner[:])
		w.WriteBool(j.Network)
		w.WriteUint64(uint64(j.UnitKind))
		w.WriteBytes(j.SpecHash[:])
		w.WriteBytes(j.Seed[:])
		w.WriteUint64(j.Units)
		w.WriteUint256(&j.PricePerUnit)
		w.WriteUint64(uint64(j.MaxNodes))
		w.WriteUint64(j.Expiry)
		w.WriteUint256(&j.Escrow)
		w.WriteUint64(uint64(j.State))
		w.WriteUint64(j.Created)
		w.WriteUint64(j.Epoch)
		w.WriteUint64(j.NextUnit)
		w.WriteUint64(j.UnitsDone)
		w.WriteUint64(j.Receipts)
		as := w.List()
		for i := range j.Assignments {
			a := &j.Assignments[i]
			al := w.List()
			w.WriteBytes(a.Node[:])
			w.WriteUint64(a.Start)
			w.WriteUint64(a.End)
			rl := w.List()
			for _, r := range a.Accepted {
				x := w.List()
				w.WriteUint64(r.Start)
				w.WriteUint64(r.End)
				w.ListEnd(x)
			}
			w.ListEnd(rl)
			w.WriteUint64(a.Height)
			w.ListEnd(al)
		}
		w.ListEnd(as)
		// Optional trailing fields: up to the last nonzero one.
		switch {
		case j.UnitsFailed != 0:
			w.WriteUint64(j.UnitsPending)
			w.WriteUint64(j.UnitsFailed)
		case j.UnitsPending != 0:
			w.WriteUint64(j.UnitsPending)
		}
		w.ListEnd(l)
	})
}

// Marshal is the stored form.
func (r *Receipt) Marshal() []byte {
	return encode(func(w rlp.EncoderBuffer) {
		l := w.List()
		w.WriteUint64(r.ID)
		w.WriteUint64(r.JobID)
		w.WriteBytes(r.AttestationID[:])
		w.WriteBytes(r.Node[:])
		w.WriteUint64(r.Start)
		w.WriteUint64(r.End)
		w.WriteBytes(r.OutputRoot[:])
		sl := w.List()
		for i := range r.Shares {
			s := &r.Shares[i]
			x := w.List()
			w.WriteBytes(s.Contributor[:])
			w.WriteUint64(s.Units)
			w.WriteBytes(s.SubRoot[:])
			w.WriteUint256(&s.Paid)
			w.ListEnd(x)
		}
		w.ListEnd(sl)
		w.WriteUint256(&r.NodePaid)
		w.WriteUint64(r.Height)
		w.WriteUint64(r.Epoch)
		w.WriteUint64(uint64(r.Status))
		// Optional trailing fields: up to the last nonzero one.
		last := 0
		for i, nz := range []bool{r.K != 0, r.BeaconHeight != 0, r.Beacon != (Hash{}), r.SampleHash != (Hash{}),
			r.Revealed != 0, r.Deadline != 0, r.Verdict != 0} {
			if nz {
				last = i + 1
			}
		}
		opt := []func(){
			func() { w.WriteUint64(r.K) }, func() { w.WriteUint64(r.BeaconHeight) },
			func() { w.WriteBytes(r.Beacon[:]) }, func() { w.WriteBytes(r.SampleHash[:]) },
			func() { w.WriteUint64(r.Revealed) }, func() { w.WriteUint64(r.Deadline) },
			func() { w.WriteUint64(uint64(r.Verdict)) },
		}
		for _, f := range opt[:last] {
			f()
		}
		w.ListEnd(l)
	})
}

// dec reads the elements of one RLP list in order, remembering the first
// error; every read after an error is a no-op returning zero.
type dec struct {
	b   []byte
	err error
}

// list opens the list at the head of b, checking nothing follows it when
// top is set (DecodeBytes' rule).
func openList(b []byte, top bool) (dec, []byte) {
	c, rest, err := rlp.SplitList(b)
	if err == nil && top && len(rest) > 0 {
		err = errTrail
	}
	return dec{b: c, err: err}, rest
}

func (d *dec) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// more reports whether elements remain (for optional trailing fields).
func (d *dec) more() bool { return d.err == nil && len(d.b) > 0 }

func (d *dec) uint(max uint64) uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.fail(errTooFew)
		return 0
	}
	x, rest, err := rlp.SplitUint64(d.b)
	if err != nil {
		d.fail(err)
		return 0
	}
	if x > max {
		d.fail(errUint)
		return 0
	}
	d.b = rest
	return x
}

func (d *dec) u64() uint64 { return d.uint(^uint64(0)) }

func (d *dec) bool() bool {
	x := d.uint(^uint64(0))
	if x > 1 {
		d.fail(errBool)
	}
	return x == 1
}

func (d *dec) str() []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) == 0 {
		d.fail(errTooFew)
		return nil
	}
	c, rest, err := rlp.SplitString(d.b)
	if err != nil {
		d.fail(err)
		return nil
	}
	d.b = rest
	return c
}

func (d *dec) array(dst []byte) {
	c := d.str()
	if d.err == nil && len(c) != len(dst) {
		d.fail(errSize)
	}
	copy(dst, c)
}

func (d *dec) addr() (a auth.Address) { d.array(a[:]); return a }
func (d *dec) hash() (h Hash)         { d.array(h[:]); return h }

func (d *dec) u256() (v uint256.Int) {
	c := d.str()
	switch {
	case d.err != nil:
	case len(c) > 32:
		d.fail(errUint)
	case len(c) > 0 && c[0] == 0:
		d.fail(rlp.ErrCanonInt)
	default:
		v.SetBytes(c)
	}
	return v
}

// sub opens the nested list at the head of d.
func (d *dec) sub() dec {
	if d.err != nil {
		return dec{err: d.err}
	}
	if len(d.b) == 0 {
		d.fail(errTooFew)
		return dec{err: d.err}
	}
	s, rest := openList(d.b, false)
	if s.err != nil {
		d.fail(s.err)
		return s
	}
	d.b = rest
	return s
}

// count is the number of elements left in d, a capacity hint for the
// slice a list decodes into (0 on malformed input: decoding reports it).
// Growing the slices by appends was most of a Job decode's allocations.
func (d *dec) count() int {
	if d.err != nil {
		return 0
	}
	n, err := rlp.CountValues(d.b)
	if err != nil {
		return 0
	}
	return n
}

// end closes a list: no element may be left, and the error of a nested
// list becomes its parent's.
func (d *dec) end(parent *dec) {
	if d.err == nil && len(d.b) > 0 {
		d.err = errTooMany
	}
	if parent != nil && d.err != nil {
		parent.fail(d.err)
	}
}

// UnmarshalNode reads the stored form (canonical RLP only).
func UnmarshalNode(b []byte) (Node, error) {
	var n Node
	d, _ := openList(b, true)
	n.Operator = d.addr()
	n.Endpoint = string(d.str())
	n.Region = string(d.str())
	k := d.sub()
	n.UnitKinds = make([]uint32, 0)
	for k.more() {
		n.UnitKinds = append(n.UnitKinds, uint32(k.uint(1<<32-1)))
	}
	k.end(&d)
	n.Bond = d.u256()
	n.Status = NodeStatus(d.uint(255))
	n.Jailed = d.bool()
	n.JailedUntil = d.u64()
	n.UnbondHeight = d.u64()
	n.Slashes = d.u64()
	n.Registered = d.u64()
	n.Receipts = d.u64()
	d.end(nil)
	if d.err != nil {
		return Node{}, d.err
	}
	return n, nil
}

// UnmarshalJob reads the stored form (canonical RLP only).
func UnmarshalJob(b []byte) (Job, error) {
	var j Job
	d, _ := openList(b, true)
	j.ID = d.u64()
	j.Owner = d.addr()
	j.Network = d.bool()
	j.UnitKind = uint32(d.uint(1<<32 - 1))
	j.SpecHash = d.hash()
	j.Seed = d.hash()
	j.Units = d.u64()
	j.PricePerUnit = d.u256()
	j.MaxNodes = uint32(d.uint(1<<32 - 1))
	j.Expiry = d.u64()
	j.Escrow = d.u256()
	j.State = JobState(d.uint(255))
	j.Created = d.u64()
	j.Epoch = d.u64()
	j.NextUnit = d.u64()
	j.UnitsDone = d.u64()
	j.Receipts = d.u64()
	as := d.sub()
	j.Assignments = make([]Assignment, 0, as.count())
	for as.more() {
		ad := as.sub()
		a := Assignment{Node: ad.addr(), Start: ad.u64(), End: ad.u64()}
		rl := ad.sub()
		a.Accepted = make([]Range, 0, rl.count())
		for rl.more() {
			rd := rl.sub()
			a.Accepted = append(a.Accepted, Range{Start: rd.u64(), End: rd.u64()})
			rd.end(&rl)
		}
		rl.end(&ad)
		a.Height = ad.u64()
		ad.end(&as)
		j.Assignments = append(j.Assignments, a)
	}
	as.end(&d)
	if d.more() {
		j.UnitsPending = d.u64()
	}
	if d.more() {
		j.UnitsFailed = d.u64()
	}
	d.end(nil)
	if d.err != nil {
		return Job{}, d.err
	}
	return j, nil
}

// UnmarshalReceipt reads the stored form (canonical RLP only).
func UnmarshalReceipt(b []byte) (Receipt, error) {
	var r Receipt
	d, _ := openList(b, true)
	r.ID = d.u64()
	r.JobID = d.u64()
	r.AttestationID = d.hash()
	r.Node = d.addr()
	r.Start = d.u64()
	r.End = d.u64()
	r.OutputRoot = d.hash()
	sl := d.sub()
	r.Shares = make([]ReceiptShare, 0, sl.count())
	for sl.more() {
		sd := sl.sub()
		r.Shares = append(r.Shares, ReceiptShare{Contributor: sd.addr(), Units: sd.u64(), SubRoot: sd.hash(), Paid: sd.u256()})
		sd.end(&sl)
	}
	sl.end(&d)
	r.NodePaid = d.u256()
	r.Height = d.u64()
	r.Epoch = d.u64()
	r.Status = ReceiptStatus(d.uint(255))
	// The optional trailing fields, in order, as far as present (a switch
	// rather than a table of closures, which escaped to the heap on every
	// decode).
	for i := 0; i < 7 && d.more(); i++ {
		switch i {
		case 0:
			r.K = d.u64()
		case 1:
			r.BeaconHeight = d.u64()
		case 2:
			r.Beacon = d.hash()
		case 3:
			r.SampleHash = d.hash()
		case 4:
			r.Revealed = d.u64()
		case 5:
			r.Deadline = d.u64()
		case 6:
			r.Verdict = Verdict(d.uint(255))
		}
	}
	d.end(nil)
	if d.err != nil {
		return Receipt{}, d.err
	}
	return r, nil
}
