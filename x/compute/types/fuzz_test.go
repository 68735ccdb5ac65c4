package types_test

import (
	"bytes"
	"testing"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/types"
)

// decoders are every compute action's body decoder, by action number.
var decoders = map[uint64]auth.MsgDecoder{
	types.ActionRegisterNode: types.DecodeRegisterNode, types.ActionUpdateNode: types.DecodeUpdateNode,
	types.ActionUnbondNode: types.DecodeUnbondNode, types.ActionUnjailNode: types.DecodeUnjailNode,
	types.ActionSubmitJob: types.DecodeSubmitJob, types.ActionAcceptJob: types.DecodeAcceptJob,
	types.ActionCancelJob: types.DecodeCancelJob, types.ActionAttest: types.DecodeAttest,
	types.ActionReveal: types.DecodeReveal,
}

// seedMsgs are valid bodies of every action (the committed corpus in
// testdata/fuzz/FuzzDecodeComputeMsg holds these and broken variants).
func seedMsgs() []auth.Msg {
	k := testutil.Key(0)
	return []auth.Msg{
		&types.RegisterNode{Endpoint: "https://cdn.example:8443", Region: "eu-west", UnitKinds: []uint32{1, 7}, Bond: *uint256.NewInt(1_000)},
		&types.UpdateNode{Endpoint: "e", Region: "r", UnitKinds: []uint32{1}},
		&types.UnbondNode{}, &types.UnjailNode{},
		&types.SubmitJob{UnitKind: 1, Units: 4096, PricePerUnit: *uint256.NewInt(5), MaxNodes: 4, Expiry: 100},
		&types.AcceptJob{JobID: 1}, &types.CancelJob{JobID: ^uint64(0)},
		testutil.Attestation(testutil.ChainID, 3, testutil.Addr(k), 0, 16, 50, testutil.KeysFrom(20, 16)),
		testutil.DoWork(testutil.ChainID, 3, types.Hash{7}, testutil.Addr(k), 0, 5, 50, testutil.KeysFrom(20, 2), nil).
			Reveal([]uint64{0, 2, 4}, 0, 3),
	}
}

// FuzzDecodeComputeMsg: no body makes a decoder panic; a body that decodes
// re-encodes to the same bytes (one encoding per message), and the decoded
// message's hashing, rendering, stateless checks and co-signature check
// never panic.
func FuzzDecodeComputeMsg(f *testing.F) {
	for _, m := range seedMsgs() {
		b, err := m.EncodeBody()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(m.Action(), b)
	}
	f.Fuzz(func(t *testing.T, action uint64, body []byte) {
		dec, ok := decoders[30+action%9]
		if !ok {
			t.Fatalf("no decoder for %d", 30+action%9)
		}
		m, err := dec(body)
		if err != nil {
			return
		}
		again, err := m.EncodeBody()
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if !bytes.Equal(again, body) {
			t.Fatalf("non-canonical body accepted: %x re-encodes to %x", body, again)
		}
		h := &auth.Header{From: testutil.Addr(testutil.Key(0))}
		_ = m.ValidateBasic(h)
		_ = m.HashStruct(h)
		_ = m.Message(h)
		if cs, ok := m.(auth.CoSigned); ok {
			_ = cs.VerifyCoSignatures(testutil.ChainID, h.From)
		}
	})
}

// The valid seeds round-trip and pass their stateless checks; the
// attestation's co-signatures verify for its node and for no other.
func TestSeedMsgs(t *testing.T) {
	for _, m := range seedMsgs() {
		b, err := m.EncodeBody()
		if err != nil {
			t.Fatal(err)
		}
		d, err := decoders[m.Action()](b)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		h := &auth.Header{From: testutil.Addr(testutil.Key(0))}
		if d.HashStruct(h) != m.HashStruct(h) {
			t.Fatalf("%T: hash changed over a round trip", m)
		}
		if err := d.ValidateBasic(h); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if cs, ok := d.(auth.CoSigned); ok {
			if err := cs.VerifyCoSignatures(testutil.ChainID, h.From); err != nil {
				t.Fatal(err)
			}
			if err := cs.VerifyCoSignatures(testutil.ChainID, testutil.Addr(testutil.Key(1))); err == nil {
				t.Fatal("shares verified for another node")
			}
			if err := cs.VerifyCoSignatures(testutil.ChainID+1, h.From); err == nil {
				t.Fatal("shares verified on another chain")
			}
		}
	}
}
