package types

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

func testRefund() *ReportRefund {
	m := &ReportRefund{TONTxHash: Hash32{1, 2, 3}, TONLt: 77, Sender: TONAddr{4: 0x5e, 35: 1}}
	m.Amount.SetUint64(9)
	return m
}

// TestReportRefundRoundTrip: the wire body decodes to the same message.
func TestReportRefundRoundTrip(t *testing.T) {
	m := testRefund()
	b, err := m.EncodeBody()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeReportRefund(b)
	if err != nil {
		t.Fatal(err)
	}
	g := got.(*ReportRefund)
	if g.TONTxHash != m.TONTxHash || g.TONLt != m.TONLt || g.Sender != m.Sender || !g.Amount.Eq(&m.Amount) {
		t.Fatalf("%+v", g)
	}
}

// TestRefundFactID: a ReportRefund's fact differs from the zero-recipient
// ReportDeposit of the same transaction and amount (so a vote for one is
// never a vote for the other) and binds the sender; the zero-recipient
// ReportDeposit's id is the formula it always had (no refund_to term).
func TestRefundFactID(t *testing.T) {
	r := testRefund()
	d := &ReportDeposit{TONTxHash: r.TONTxHash, TONLt: r.TONLt, Amount: r.Amount}
	if r.Fact().ID() == d.Fact().ID() {
		t.Fatal("refund and returned deposit share an id")
	}
	other := *r
	other.Sender[35] = 2
	if other.Fact().ID() == r.Fact().ID() {
		t.Fatal("the sender is not in the id")
	}
	f := r.Fact()
	back, err := UnmarshalFact(f.Marshal())
	if err != nil || back.ID() != f.ID() || back.RefundTo == nil || *back.RefundTo != r.Sender {
		t.Fatalf("stored fact %+v %v", back, err)
	}
	// The tally fields are not part of the id.
	back.SignedPower, back.TotalPower, back.VotedHeight = 5, 10, 3
	if back.ID() != f.ID() {
		t.Fatal("tally changed the id")
	}
	if d.Fact().ID() != depositFactIDWithout(d) {
		t.Fatal("zero-recipient deposit id changed")
	}
}

// depositFactIDWithout recomputes a ReportDeposit's id by hand from the
// formula it had before refunds existed:
// sha256(tag ‖ kind ‖ epoch ‖ hash ‖ lt ‖ recipient ‖ amount).
func depositFactIDWithout(m *ReportDeposit) Hash32 {
	h := sha256.New()
	h.Write([]byte("pingo:fact:v1"))
	h.Write([]byte{2})
	h.Write(make([]byte, 8))
	h.Write(m.TONTxHash[:])
	h.Write(binary.BigEndian.AppendUint64(nil, m.TONLt))
	h.Write(m.Recipient[:])
	a := m.Amount.Bytes32()
	h.Write(a[:])
	return Hash32(h.Sum(nil))
}

func TestReportRefundValidateBasic(t *testing.T) {
	h := &auth.Header{}
	over := testRefund()
	over.Amount.AddUint64(MaxWithdrawAmount, 1)
	wc := testRefund()
	wc.Sender[3] = 7
	for _, c := range []struct {
		name string
		m    *ReportRefund
		code uint32
	}{
		{"ok", testRefund(), 0},
		{"masterchain sender", &ReportRefund{TONTxHash: Hash32{1}, TONLt: 1, Sender: TONAddr{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff}, Amount: *uint256.NewInt(1)}, 0},
		{"zero amount", &ReportRefund{TONTxHash: Hash32{1}, TONLt: 1}, 50},
		{"over 2^120-1", over, 50},
		{"zero hash", &ReportRefund{TONLt: 1, Amount: *uint256.NewInt(1)}, 12},
		{"zero lt", &ReportRefund{TONTxHash: Hash32{1}, Amount: *uint256.NewInt(1)}, 12},
		{"workchain 7", wc, 41},
	} {
		wantCode(t, c.name, c.m.ValidateBasic(h), c.code)
	}
}

// FuzzDecodeReportRefund: the wire body decoder never panics, and what it
// accepts re-encodes to the same bytes (one encoding per report).
func FuzzDecodeReportRefund(f *testing.F) {
	good, _ := testRefund().EncodeBody()
	f.Add(good)
	f.Add([]byte{0xc0})
	f.Add(good[:len(good)-1])
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := DecodeReportRefund(raw)
		if err != nil {
			return
		}
		again, err := m.EncodeBody()
		if err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("%x re-encodes as %x (%v)", raw, again, err)
		}
		_ = m.ValidateBasic(&auth.Header{})
		_ = m.(*ReportRefund).Fact().ID()
	})
}
