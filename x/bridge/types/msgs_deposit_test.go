package types

import (
	"bytes"
	"testing"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

func testDeposit() *ReportDeposit {
	m := &ReportDeposit{TONTxHash: Hash32{1, 2, 3}, TONLt: 77, Recipient: auth.Address{0xaa}}
	m.Amount.SetUint64(5_000_000_000)
	return m
}

// TestReportDepositRoundTrip: the wire body decodes to the same message.
func TestReportDepositRoundTrip(t *testing.T) {
	m := testDeposit()
	b, err := m.EncodeBody()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeReportDeposit(b)
	if err != nil {
		t.Fatal(err)
	}
	g := got.(*ReportDeposit)
	if g.TONTxHash != m.TONTxHash || g.TONLt != m.TONLt || g.Recipient != m.Recipient || !g.Amount.Eq(&m.Amount) {
		t.Fatalf("%+v", g)
	}
}

// TestDepositFactIDBindsContent: the id changes with every field a vote
// vouches for (recipient, amount, hash, lt), so > 2/3 votes for one id mean
// the same content; the anchor fact's id formula is unchanged.
func TestDepositFactIDBindsContent(t *testing.T) {
	base := testDeposit()
	id := base.Fact().ID()
	for name, edit := range map[string]func(m *ReportDeposit){
		"recipient":  func(m *ReportDeposit) { m.Recipient[19] = 1 },
		"refundable": func(m *ReportDeposit) { m.Recipient = auth.Address{} },
		"amount":     func(m *ReportDeposit) { m.Amount.AddUint64(&m.Amount, 1) },
		"hash":       func(m *ReportDeposit) { m.TONTxHash[31] = 9 },
		"lt":         func(m *ReportDeposit) { m.TONLt++ },
	} {
		m := *testDeposit()
		edit(&m)
		if m.Fact().ID() == id {
			t.Errorf("%s: same id", name)
		}
	}
	// A stored fact (JSON) has the same id as the report's.
	f := base.Fact()
	back, err := UnmarshalFact(f.Marshal())
	if err != nil || back.ID() != id {
		t.Fatalf("stored fact id %v %v", back.ID(), err)
	}
	// Anchor ids are what they were before deposits existed (a golden value
	// computed from the unchanged formula).
	a := Fact{Kind: FactAnchor, Epoch: 3, TONTxHash: Hash32{1}, TONLt: 6}
	b := Fact{Kind: FactAnchor, Epoch: 3, TONTxHash: Hash32{1}, TONLt: 6, Amount: uint256.NewInt(1)}
	if a.ID() != b.ID() {
		t.Fatal("deposit content leaked into an anchor fact id")
	}
}

func TestReportDepositValidateBasic(t *testing.T) {
	h := &auth.Header{}
	over := testDeposit()
	over.Amount.AddUint64(MaxWithdrawAmount, 1)
	max := testDeposit()
	max.Amount = *MaxWithdrawAmount
	for _, c := range []struct {
		name string
		m    *ReportDeposit
		code uint32
	}{
		{"ok", testDeposit(), 0},
		{"max", max, 0},
		{"refundable", &ReportDeposit{TONTxHash: Hash32{1}, TONLt: 1, Amount: *uint256.NewInt(1)}, 0},
		{"zero amount", &ReportDeposit{TONTxHash: Hash32{1}, TONLt: 1, Recipient: auth.Address{1}}, 50},
		{"over 2^120-1", over, 50},
		{"zero hash", &ReportDeposit{TONLt: 1, Amount: *uint256.NewInt(1)}, 12},
		{"zero lt", &ReportDeposit{TONTxHash: Hash32{1}, Amount: *uint256.NewInt(1)}, 12},
	} {
		wantCode(t, c.name, c.m.ValidateBasic(h), c.code)
	}
}

// FuzzDecodeReportDeposit: the wire body decoder never panics, and what it
// accepts re-encodes to the same bytes (one encoding per report, so one
// signature per report).
func FuzzDecodeReportDeposit(f *testing.F) {
	good, _ := testDeposit().EncodeBody()
	f.Add(good)
	f.Add([]byte{0xc0})
	f.Add(good[:len(good)-1])
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := DecodeReportDeposit(raw)
		if err != nil {
			return
		}
		again, err := m.EncodeBody()
		if err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("%x re-encodes as %x (%v)", raw, again, err)
		}
		_ = m.ValidateBasic(&auth.Header{})
	})
}
