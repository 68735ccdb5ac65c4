package types

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/xssnick/tonutils-go/address"
)

const testRawAddr = "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8"

func TestParseTONAddr(t *testing.T) {
	raw := address.MustParseRawAddr(testRawAddr)
	friendly := raw.String()                                    // bounceable, base64url
	nonBounce := raw.Bounce(false).Testnet(true).String()       // other flags, same account
	master := address.MustParseRawAddr("-1:" + testRawAddr[2:]) // masterchain
	want, err := TONAddrFrom(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want.Workchain() != 0 || want.String() != testRawAddr {
		t.Fatalf("raw form %s", want)
	}
	cases := []struct {
		in   string
		want *TONAddr
		code uint32
	}{
		{testRawAddr, &want, 0},
		{friendly, &want, 0},
		{nonBounce, &want, 0}, // flags do not change the wire form
		{master.String(), nil, 0},
		{"", nil, 41},
		{"0:1234", nil, 41},
		{"5:" + testRawAddr[2:], nil, 41},        // workchain 5
		{"0:" + testRawAddr[3:] + "zz", nil, 41}, // not hex
		{friendly[:47], nil, 41},                 // truncated
		{friendly[:47] + "A", nil, 41},           // checksum
		{"EQ" + string(bytes.Repeat([]byte("A"), 46)), nil, 41},
	}
	for _, c := range cases {
		got, err := ParseTONAddr(c.in)
		if c.code != 0 {
			if space, code, _ := codes.ABCIInfo(err); err == nil || code != c.code || space != Codespace {
				t.Errorf("%q: want bridge/%d, got %v", c.in, c.code, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if c.want != nil && got != *c.want {
			t.Errorf("%q: got %s", c.in, got)
		}
		// The conversion back keeps workchain and account id.
		ad := got.Address()
		if ad.Workchain() != got.Workchain() || !bytes.Equal(ad.Data(), got[4:]) {
			t.Errorf("%q: round trip %s", c.in, ad)
		}
	}
}

func TestWithdrawWire(t *testing.T) {
	to, _ := ParseTONAddr(testRawAddr)
	m := &Withdraw{To: to, Amount: *uint256.NewInt(123456789)}
	body, err := m.EncodeBody()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeWithdraw(body)
	if err != nil {
		t.Fatal(err)
	}
	if *back.(*Withdraw) != *m {
		t.Fatalf("round trip %+v", back)
	}
	h := &auth.Header{Nonce: 1}
	if m.HashStruct(h) == (&Withdraw{To: to, Amount: *uint256.NewInt(123456788)}).HashStruct(h) {
		t.Fatal("amount not in the signed hash")
	}
	other := to
	other[35] ^= 1
	if m.HashStruct(h) == (&Withdraw{To: other, Amount: m.Amount}).HashStruct(h) {
		t.Fatal("recipient not in the signed hash")
	}
	var wc TONAddr
	binary.BigEndian.PutUint32(wc[:4], 7)
	for _, c := range []struct {
		name string
		m    Withdraw
		code uint32
	}{
		{"ok", *m, 0},
		{"zero", Withdraw{To: to}, 40},
		{"2^120", Withdraw{To: to, Amount: *new(uint256.Int).Lsh(uint256.NewInt(1), 120)}, 40},
		{"2^120-1", Withdraw{To: to, Amount: *MaxWithdrawAmount}, 0},
		{"workchain 7", Withdraw{To: wc, Amount: *uint256.NewInt(1)}, 41},
	} {
		wantCode(t, c.name, c.m.ValidateBasic(h), c.code)
	}
}

func TestWithdrawalRecordLeafCheck(t *testing.T) {
	to, _ := ParseTONAddr(testRawAddr)
	r := WithdrawalRecord{ID: 4, Epoch: 2, Index: 1, From: auth.Address{9}, To: to, Amount: uint256.NewInt(77), Height: 9}
	h, err := r.Withdrawal().LeafHash()
	if err != nil {
		t.Fatal(err)
	}
	r.Leaf = h
	got, err := UnmarshalWithdrawal(r.Marshal())
	if err != nil || got.Leaf != r.Leaf || got.Amount.Uint64() != 77 || got.To != to {
		t.Fatalf("%+v %v", got, err)
	}
	r.Amount = uint256.NewInt(78) // leaf no longer matches the fields
	if _, err := UnmarshalWithdrawal(r.Marshal()); err == nil {
		t.Fatal("a record whose leaf does not match its fields was accepted")
	}
}

// FuzzDecodeWithdraw: the wire body decoder never panics, and whatever it
// accepts re-encodes to the same bytes (one encoding per Withdraw).
func FuzzDecodeWithdraw(f *testing.F) {
	to, _ := ParseTONAddr(testRawAddr)
	good, _ := (&Withdraw{To: to, Amount: *uint256.NewInt(1_000_000_000)}).EncodeBody()
	f.Add(good)
	f.Add([]byte{0xc0})
	f.Add(good[:len(good)-1])
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := DecodeWithdraw(raw)
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

// FuzzParseTONAddr: user strings never panic the parser, and an accepted
// address prints to a raw form that parses to the same 36 bytes.
func FuzzParseTONAddr(f *testing.F) {
	f.Add(testRawAddr)
	f.Add(address.MustParseRawAddr(testRawAddr).String())
	f.Add("-1:" + testRawAddr[2:])
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseTONAddr(s)
		if err != nil {
			return
		}
		b, err := ParseTONAddr(a.String())
		if err != nil || a != b {
			t.Fatalf("%q → %s → %v %v", s, a, b, err)
		}
	})
}

// wantCode fails t unless err is nil for code 0, or a bridge error with
// that code.
func wantCode(t *testing.T, name string, err error, code uint32) {
	t.Helper()
	if code == 0 {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return
	}
	if space, got, _ := codes.ABCIInfo(err); err == nil || got != code || space != Codespace {
		t.Errorf("%s: want bridge/%d, got %v", name, code, err)
	}
}
