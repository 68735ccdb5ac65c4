package tonlocal

import (
	"bytes"
	"testing"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

func extMessageBOC(t testing.TB) []byte {
	dst := address.NewAddress(0, 0, bytes.Repeat([]byte{7}, 32))
	c, err := tlb.ToCell(&tlb.ExternalMessage{DstAddr: dst, Body: cell.BeginCell().MustStoreUInt(42, 32).EndCell()})
	if err != nil {
		t.Fatal(err)
	}
	return c.ToBOCWithFlags(false)
}

func TestParseExternalMessage(t *testing.T) {
	if _, err := parseExternalMessage(extMessageBOC(t)); err != nil {
		t.Fatalf("valid external message refused: %v", err)
	}
	in, err := tlb.ToCell(&tlb.InternalMessage{
		SrcAddr: address.NewAddressNone(), DstAddr: address.NewAddress(0, 0, make([]byte, 32)),
		Amount: tlb.MustFromTON("1"), Body: cell.BeginCell().EndCell(),
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"internal": in.ToBOCWithFlags(false),
		"garbage":  []byte("not a boc"),
		"empty":    nil,
		"huge":     make([]byte, maxMessageBytes+1),
	} {
		if _, err := parseExternalMessage(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseExternalMessage: liteServer.sendMessage bodies come from any
// client; parsing must never panic, and what it accepts is an external
// inbound message that re-serializes to a parseable BOC.
func FuzzParseExternalMessage(f *testing.F) {
	f.Add(extMessageBOC(f))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseExternalMessage(b)
		if err != nil {
			return
		}
		if _, err := parseExternalMessage(c.ToBOCWithFlags(false)); err != nil {
			t.Fatalf("accepted message does not round-trip: %v", err)
		}
	})
}
