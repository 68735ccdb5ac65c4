package types_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// The hand-written codec (codec.go) against go-ethereum's reflective one,
// which defined the stored form before: the same bytes out, the same
// values in, the same inputs refused.

func rndU256(r *rand.Rand) uint256.Int {
	var v uint256.Int
	switch r.IntN(4) {
	case 0:
	case 1:
		v.SetUint64(r.Uint64() >> r.IntN(64))
	default:
		v = uint256.Int{r.Uint64(), r.Uint64() >> r.IntN(64), uint64(r.IntN(3)) * r.Uint64(), r.Uint64() >> r.IntN(65)}
	}
	return v
}

func rndU64(r *rand.Rand) uint64 {
	if r.IntN(3) == 0 {
		return 0
	}
	return r.Uint64() >> r.IntN(64)
}

func rndHash(r *rand.Rand) (h types.Hash) {
	if r.IntN(3) > 0 {
		for i := range h {
			h[i] = byte(r.Uint32())
		}
	}
	return h
}

func rndAddr(r *rand.Rand) (a auth.Address) {
	h := rndHash(r)
	copy(a[:], h[:])
	return a
}

func rndRecords(r *rand.Rand) (types.Node, types.Job, types.Receipt) {
	n := types.Node{Operator: rndAddr(r), Endpoint: string(make([]byte, r.IntN(70))), Region: "eu", Bond: rndU256(r),
		Status: types.NodeStatus(r.IntN(256)), Jailed: r.IntN(2) == 1, JailedUntil: rndU64(r), UnbondHeight: rndU64(r),
		Slashes: rndU64(r), Registered: rndU64(r), Receipts: rndU64(r), UnitKinds: make([]uint32, r.IntN(4))}
	for i := range n.UnitKinds {
		n.UnitKinds[i] = uint32(rndU64(r))
	}
	j := types.Job{ID: rndU64(r), Owner: rndAddr(r), Network: r.IntN(2) == 1, UnitKind: uint32(rndU64(r)), SpecHash: rndHash(r),
		Seed: rndHash(r), Units: rndU64(r), PricePerUnit: rndU256(r), MaxNodes: uint32(rndU64(r)), Expiry: rndU64(r),
		Escrow: rndU256(r), State: types.JobState(r.IntN(6)), Created: rndU64(r), Epoch: rndU64(r), NextUnit: rndU64(r),
		UnitsDone: rndU64(r), Receipts: rndU64(r), UnitsPending: rndU64(r), UnitsFailed: rndU64(r),
		Assignments: make([]types.Assignment, r.IntN(3))}
	for i := range j.Assignments {
		a := &j.Assignments[i]
		a.Node, a.Start, a.End, a.Height = rndAddr(r), rndU64(r), rndU64(r), rndU64(r)
		a.Accepted = make([]types.Range, r.IntN(3))
		for k := range a.Accepted {
			a.Accepted[k] = types.Range{Start: rndU64(r), End: rndU64(r)}
		}
	}
	rc := types.Receipt{ID: rndU64(r), JobID: rndU64(r), AttestationID: rndHash(r), Node: rndAddr(r), Start: rndU64(r), End: rndU64(r),
		OutputRoot: rndHash(r), NodePaid: rndU256(r), Height: rndU64(r), Epoch: rndU64(r), Status: types.ReceiptStatus(r.IntN(4)),
		Shares: make([]types.ReceiptShare, r.IntN(4))}
	for i := range rc.Shares {
		rc.Shares[i] = types.ReceiptShare{Contributor: rndAddr(r), Units: rndU64(r), SubRoot: rndHash(r), Paid: rndU256(r)}
	}
	// Trailing optional fields: any prefix of them set, some zero inside.
	opt := r.IntN(8)
	set := func(i int) bool { return i < opt && r.IntN(3) > 0 }
	if set(0) {
		rc.K = rndU64(r)
	}
	if set(1) {
		rc.BeaconHeight = rndU64(r)
	}
	if set(2) {
		rc.Beacon = rndHash(r)
	}
	if set(3) {
		rc.SampleHash = rndHash(r)
	}
	if set(4) {
		rc.Revealed = rndU64(r)
	}
	if set(5) {
		rc.Deadline = rndU64(r)
	}
	if set(6) {
		rc.Verdict = types.Verdict(r.IntN(5))
	}
	return n, j, rc
}

func reflective(t testing.TB, v any) []byte {
	b, err := rlp.EncodeToBytes(v)
	require.NoError(t, err)
	return b
}

// sameDecode decodes b with both codecs: both refuse, or both accept with
// equal values.
func sameDecode(t testing.TB, b []byte) {
	var rn types.Node
	en := rlp.DecodeBytes(b, &rn)
	n, err := types.UnmarshalNode(b)
	require.Equal(t, en == nil, err == nil, "node %x: reflective %v, hand-written %v", b, en, err)
	if err == nil {
		require.True(t, reflect.DeepEqual(rn, n), "node %x", b)
		require.Equal(t, b, n.Marshal(), "node re-encodes")
	}
	var rj types.Job
	ej := rlp.DecodeBytes(b, &rj)
	j, err := types.UnmarshalJob(b)
	require.Equal(t, ej == nil, err == nil, "job %x: reflective %v, hand-written %v", b, ej, err)
	if err == nil {
		require.True(t, reflect.DeepEqual(rj, j), "job %x", b)
	}
	var rr types.Receipt
	er := rlp.DecodeBytes(b, &rr)
	r, err := types.UnmarshalReceipt(b)
	require.Equal(t, er == nil, err == nil, "receipt %x: reflective %v, hand-written %v", b, er, err)
	if err == nil {
		require.True(t, reflect.DeepEqual(rr, r), "receipt %x", b)
	}
}

func TestCodecMatchesReflective(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		n, j, rc := rndRecords(r)
		for _, c := range []struct {
			v   any
			got []byte
		}{{&n, n.Marshal()}, {&j, j.Marshal()}, {&rc, rc.Marshal()}} {
			want := reflective(t, c.v)
			require.Equal(t, want, c.got, "%T %d", c.v, i)
			sameDecode(t, want)
			// Broken variants: truncated, one byte flipped, extended.
			sameDecode(t, want[:r.IntN(len(want))])
			flip := append([]byte(nil), want...)
			flip[r.IntN(len(flip))] ^= byte(1 + r.IntN(255))
			sameDecode(t, flip)
			sameDecode(t, append(append([]byte(nil), want...), 0x80))
		}
	}
}

// FuzzRecordCodec: for any bytes, the hand-written decoders accept exactly
// what the reflective decoder accepts, with equal values.
func FuzzRecordCodec(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 8; i++ {
		n, j, rc := rndRecords(r)
		f.Add(n.Marshal())
		f.Add(j.Marshal())
		f.Add(rc.Marshal())
	}
	f.Fuzz(func(t *testing.T, b []byte) { sameDecode(t, b) })
}
