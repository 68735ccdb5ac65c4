package checkpoint

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"math"
	"testing"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

func sampleCheckpoints() []Checkpoint {
	full := Checkpoint{ChainID: math.MaxUint64, Epoch: math.MaxUint64, Height: math.MaxUint64}
	for i := range full.AppHash {
		full.AppHash[i], full.ValsetHash[i], full.NextValsetHash[i], full.WithdrawalRoot[i] = 0xff, 0xff, 0xff, 0xff
	}
	return []Checkpoint{
		{},
		full,
		{ChainID: 7, Epoch: 12, Height: 1200, AppHash: sha256.Sum256([]byte("a")), ValsetHash: sha256.Sum256([]byte("v")),
			NextValsetHash: sha256.Sum256([]byte("n")), WithdrawalRoot: sha256.Sum256([]byte("w"))},
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	for _, cp := range sampleCheckpoints() {
		c := cp.Cell()
		if c.BitsSize() != 992 || c.RefsNum() != 1 {
			t.Fatalf("root %d bits %d refs", c.BitsSize(), c.RefsNum())
		}
		got, err := ParseBOC(c.ToBOC())
		if err != nil {
			t.Fatal(err)
		}
		if got != cp {
			t.Fatalf("round trip: %+v != %+v", got, cp)
		}
		d := cp.Digest()
		if string(d[:]) != string(c.Hash()) {
			t.Fatal("digest is not the cell hash")
		}
	}
}

// Every field must reach the digest, or validators would sign ambiguous data.
func TestDigestCoversEveryField(t *testing.T) {
	base := sampleCheckpoints()[2]
	mutations := map[string]func(*Checkpoint){
		"chain_id":         func(c *Checkpoint) { c.ChainID++ },
		"epoch":            func(c *Checkpoint) { c.Epoch++ },
		"height":           func(c *Checkpoint) { c.Height++ },
		"app_hash":         func(c *Checkpoint) { c.AppHash[31] ^= 1 },
		"valset_hash":      func(c *Checkpoint) { c.ValsetHash[0] ^= 1 },
		"next_valset_hash": func(c *Checkpoint) { c.NextValsetHash[5] ^= 1 },
		"withdrawal_root":  func(c *Checkpoint) { c.WithdrawalRoot[9] ^= 1 },
	}
	seen := map[[32]byte]string{base.Digest(): "base"}
	for name, mutate := range mutations {
		cp := base
		mutate(&cp)
		d := cp.Digest()
		if prev, dup := seen[d]; dup {
			t.Fatalf("%s: same digest as %s", name, prev)
		}
		seen[d] = name
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	good := sampleCheckpoints()[2].Cell()
	s := good.BeginParse()
	bits := s.MustLoadSlice(992)
	tail := good.MustPeekRef(0)
	tailBits := tail.BeginParse().MustLoadSlice(256)
	withTag := func(tag uint64) *cell.Cell {
		b := cell.BeginCell().MustStoreUInt(tag, 32).MustStoreSlice(bits[4:], 960).MustStoreRef(tail)
		return b.EndCell()
	}
	cases := map[string]*cell.Cell{
		"wrong tag":    withTag(0xdeadbeef),
		"extra bit":    cell.BeginCell().MustStoreSlice(bits, 992).MustStoreUInt(0, 1).MustStoreRef(tail).EndCell(),
		"short":        cell.BeginCell().MustStoreSlice(bits, 991).MustStoreRef(tail).EndCell(),
		"no tail":      cell.BeginCell().MustStoreSlice(bits, 992).EndCell(),
		"two refs":     cell.BeginCell().MustStoreSlice(bits, 992).MustStoreRef(tail).MustStoreRef(tail).EndCell(),
		"short tail":   cell.BeginCell().MustStoreSlice(bits, 992).MustStoreRef(cell.BeginCell().MustStoreSlice(tailBits, 255).EndCell()).EndCell(),
		"tail has ref": cell.BeginCell().MustStoreSlice(bits, 992).MustStoreRef(cell.BeginCell().MustStoreSlice(tailBits, 256).MustStoreRef(tail).EndCell()).EndCell(),
		"nil":          nil,
	}
	for name, c := range cases {
		if _, err := Parse(c); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
	// Sanity: the pieces reassemble into the good cell.
	if _, err := Parse(withTag(Tag)); err != nil {
		t.Fatalf("reassembled good cell: %v", err)
	}
}

func TestParseBOCRejectsBadBytes(t *testing.T) {
	good := sampleCheckpoints()[2].Cell().ToBOC()
	twoRoots := cell.ToBOCWithFlags([]*cell.Cell{sampleCheckpoints()[0].Cell(), sampleCheckpoints()[1].Cell()})
	cases := map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("not a bag of cells at all"),
		"truncated": good[:len(good)-7],
		"bad magic": append([]byte{0, 0, 0, 0}, good[4:]...),
		"two roots": twoRoots,
		"oversized": make([]byte, maxBOCBytes+1),
		"tail only": sampleCheckpoints()[2].Cell().MustPeekRef(0).ToBOC(),
		"flipped bit": func() []byte {
			b := append([]byte(nil), good...)
			b[len(b)/2] ^= 0x80
			return b
		}(),
	}
	for name, b := range cases {
		if cp, err := ParseBOC(b); err == nil {
			// A flipped data bit may still be a well-formed checkpoint; it
			// must then be a different one.
			if name == "flipped bit" && cp != sampleCheckpoints()[2] {
				continue
			}
			t.Errorf("%s: parsed %+v", name, cp)
		}
	}
}

func TestSignVerify(t *testing.T) {
	set := uniformSet(2, 1)
	cp := sampleCheckpoints()[2]
	sig := Sign(set[0].key, cp)
	pub := set[0].key.Public().(ed25519.PublicKey)
	if !Verify(pub, cp, sig) {
		t.Fatal("own signature does not verify")
	}
	d := cp.Digest()
	if !ed25519.Verify(pub, d[:], sig[:]) {
		t.Fatal("signature is not over the cell hash")
	}
	other := cp
	other.Epoch++
	if Verify(pub, other, sig) {
		t.Fatal("signature verifies for another checkpoint")
	}
	if Verify(set[1].key.Public().(ed25519.PublicKey), cp, sig) {
		t.Fatal("signature verifies under another key")
	}
	if Verify(pub[:31], cp, sig) {
		t.Fatal("short key accepted")
	}
}
