package store

import (
	"bytes"
	"testing"

	"github.com/cosmos/iavl"
)

// Snapshot chunks come from untrusted peers; the record decoder must never
// panic, and whatever it accepts must re-encode to the same bytes.
func FuzzSnapshotRecord(f *testing.F) {
	f.Add(appendRecord(nil, &iavl.ExportNode{Key: []byte{1, 1, 2}, Value: []byte("v"), Version: 3, Height: 0}))
	f.Add(appendRecord(nil, &iavl.ExportNode{Key: []byte{1}, Version: 9, Height: 4}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, used, err := decodeRecord(b)
		if err != nil {
			return
		}
		if used > len(b) {
			t.Fatalf("used %d > len %d", used, len(b))
		}
		if again := appendRecord(nil, n); !bytes.Equal(again, b[:used]) {
			t.Fatalf("re-encoding differs: %x vs %x", again, b[:used])
		}
	})
}
