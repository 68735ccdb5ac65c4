package types

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestEpochWithdrawalsCodec: the 12-byte form is unchanged for epochs
// without re-included withdrawals (same bytes as before re-inclusion
// existed); 16 bytes carry the re-included count; the rest is refused.
func TestEpochWithdrawalsCodec(t *testing.T) {
	le := func(count uint32, first uint64, re ...uint32) []byte {
		b := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(nil, count), first)
		for _, r := range re {
			b = binary.BigEndian.AppendUint32(b, r)
		}
		return b
	}
	cases := []struct {
		name string
		in   []byte
		want EpochWithdrawals
		err  bool
	}{
		{"absent", nil, EpochWithdrawals{}, false},
		{"plain", le(3, 7), EpochWithdrawals{Count: 3, FirstID: 7}, false},
		{"re-included", le(3, 4, 2), EpochWithdrawals{Count: 3, FirstID: 4, Reincluded: 2}, false},
		{"all re-included", le(2, 0, 2), EpochWithdrawals{Count: 2, Reincluded: 2}, false},
		{"re-included 0 spelled out", le(3, 4, 0), EpochWithdrawals{}, true},
		{"more re-included than count", le(2, 4, 3), EpochWithdrawals{}, true},
		{"11 bytes", le(3, 7)[:11], EpochWithdrawals{}, true},
		{"13 bytes", append(le(3, 7), 0), EpochWithdrawals{}, true},
		{"empty", []byte{}, EpochWithdrawals{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnmarshalEpochWithdrawals(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err %v", err)
			}
			if tc.err {
				return
			}
			if got != tc.want {
				t.Fatalf("got %+v want %+v", got, tc.want)
			}
			if tc.in != nil && !bytes.Equal(got.Marshal(), tc.in) {
				t.Fatalf("re-encoded %x", got.Marshal())
			}
		})
	}
}

// TestEpochWithdrawalsID: index → id with re-included ids first.
func TestEpochWithdrawalsID(t *testing.T) {
	ew := EpochWithdrawals{Count: 4, FirstID: 10, Reincluded: 2}
	re := []uint64{3, 5}
	for i, want := range []uint64{3, 5, 10, 11} {
		id, ok := ew.ID(uint32(i), re)
		if !ok || id != want {
			t.Fatalf("index %d: %d %v", i, id, ok)
		}
	}
	if _, ok := ew.ID(4, re); ok {
		t.Fatal("index past the count")
	}
	if _, ok := ew.ID(0, re[:1]); ok {
		t.Fatal("a re-included list of the wrong length")
	}
	if _, err := SplitIDs(make([]byte, 9)); err == nil {
		t.Fatal("9 bytes")
	}
}

// FuzzEpochWithdrawals: any value a node answers for
// /bridge/withdrawal_epoch or /bridge/reincluded decodes or fails cleanly,
// and what decodes re-encodes to the same bytes.
func FuzzEpochWithdrawals(f *testing.F) {
	f.Add([]byte{0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 7})
	f.Add([]byte{0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 2})
	f.Add(make([]byte, 16))
	f.Fuzz(func(t *testing.T, b []byte) {
		if ew, err := UnmarshalEpochWithdrawals(b); err == nil && b != nil {
			if !bytes.Equal(ew.Marshal(), b) {
				t.Fatalf("%x re-encodes to %x", b, ew.Marshal())
			}
			if ew.Reincluded > ew.Count {
				t.Fatal("more re-included than count")
			}
		}
		if ids, err := SplitIDs(b); err == nil && len(ids)*8 != len(b) {
			t.Fatal("ids lost bytes")
		}
	})
}
