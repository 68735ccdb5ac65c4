package types

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"testing"
)

func sig(b byte) [SigLen]byte {
	var s [SigLen]byte
	for i := range s {
		s[i] = b + byte(i)
	}
	return s
}

func TestVoteExtRoundTrip(t *testing.T) {
	b := sig(1)
	for _, e := range []VoteExt{
		{},
		{Beacon: &b},
		{Checkpoints: []CheckpointSig{{Epoch: 1, Sig: sig(2)}}},
		{Beacon: &b, Checkpoints: []CheckpointSig{{Epoch: 1, Sig: sig(2)}, {Epoch: 2, Sig: sig(3)}, {Epoch: 3}, {Epoch: 1 << 60}}},
		{Facts: []Hash32{{1}}, FactsSig: sig(4)},
		{Beacon: &b, Facts: []Hash32{{1}, {2}}, FactsSig: sig(4)},
		largestExt(),
	} {
		raw, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) > MaxVoteExtBytes {
			t.Fatalf("%d bytes", len(raw))
		}
		got, err := DecodeVoteExt(raw)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := got.Encode()
		if !bytes.Equal(raw, again) {
			t.Fatalf("round trip %x != %x", raw, again)
		}
	}
}

// largestExt is the largest well-formed extension.
func largestExt() VoteExt {
	b := sig(1)
	e := VoteExt{Beacon: &b, FactsSig: sig(5)}
	for i := 0; i < MaxCheckpointSigs; i++ {
		e.Checkpoints = append(e.Checkpoints, CheckpointSig{Epoch: uint64(i + 1), Sig: sig(byte(i))})
	}
	for i := 0; i < MaxFactVotes; i++ {
		e.Facts = append(e.Facts, Hash32{byte(i + 1)})
	}
	return e
}

func TestVoteExtLargest(t *testing.T) {
	e := largestExt()
	raw, err := e.Encode()
	if err != nil || len(raw) != 932 || len(raw) > MaxVoteExtBytes {
		t.Fatalf("largest extension: %d bytes, %v", len(raw), err)
	}
}

// TestVoteExtFactRejects: the fact-vote part is strict too.
func TestVoteExtFactRejects(t *testing.T) {
	good, _ := (&VoteExt{Facts: []Hash32{{1}, {2}}, FactsSig: sig(4)}).Encode()
	// good = 01 02 00 | 02 | id1 | id2 | sig
	unordered := append([]byte(nil), good...)
	copy(unordered[4:36], good[36:68])
	copy(unordered[36:68], good[4:36])
	dupID := append([]byte(nil), good...)
	copy(dupID[36:68], good[4:36])
	tooMany := append([]byte{1, 2, 0, MaxFactVotes + 1}, make([]byte, (MaxFactVotes+1)*32+SigLen)...)
	for name, raw := range map[string][]byte{
		"flag-without-facts": {1, 2, 0},
		"zero-facts":         append([]byte{1, 2, 0, 0}, make([]byte, SigLen)...),
		"too-many-facts":     tooMany,
		"unordered-ids":      unordered,
		"duplicate-id":       dupID,
		"missing-sig":        good[:len(good)-SigLen],
		"truncated":          good[:len(good)-1],
		"trailing":           append(append([]byte(nil), good...), 0),
		"facts-without-flag": append([]byte{1, 0}, good[2:]...),
		"unknown-flag":       append([]byte{1, 4}, good[2:]...),
	} {
		if _, err := DecodeVoteExt(raw); !errors.Is(err, ErrMalformedExt) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := (&VoteExt{Facts: []Hash32{{2}, {1}}}).Encode(); err == nil {
		t.Error("encoded unordered fact ids")
	}
	if _, err := (&VoteExt{Facts: make([]Hash32, MaxFactVotes+1)}).Encode(); err == nil {
		t.Error("encoded too many fact votes")
	}
}

func TestFactIDAndMessage(t *testing.T) {
	a := Fact{Kind: FactAnchor, Epoch: 1, TONTxHash: Hash32{1}, TONLt: 2}
	for _, b := range []Fact{
		{Kind: FactDeposit, Epoch: 1, TONTxHash: Hash32{1}, TONLt: 2},
		{Kind: FactAnchor, Epoch: 2, TONTxHash: Hash32{1}, TONLt: 2},
		{Kind: FactAnchor, Epoch: 1, TONTxHash: Hash32{2}, TONLt: 2},
		{Kind: FactAnchor, Epoch: 1, TONTxHash: Hash32{1}, TONLt: 3},
	} {
		if a.ID() == b.ID() {
			t.Errorf("%+v and %+v share an id", a, b)
		}
	}
	r := a
	r.Reporter, r.ReportedHeight = [20]byte{9}, 100
	if r.ID() != a.ID() {
		t.Error("the id depends on who reported")
	}
	ids := []Hash32{{1}}
	if bytes.Equal(FactsMessage(1, 5, ids), FactsMessage(1, 6, ids)) || bytes.Equal(FactsMessage(1, 5, ids), FactsMessage(2, 5, ids)) ||
		bytes.HasPrefix(FactsMessage(1, 5, nil), []byte(BeaconTag)) {
		t.Error("facts message ignores chain or height, or collides with the beacon's")
	}
	l := []PendingFact{{ID: Hash32{1}, ExpiresHeight: 9}, {ID: Hash32{2}, ExpiresHeight: 1 << 40}}
	got, err := UnmarshalPending(MarshalPending(l))
	if err != nil || len(got) != 2 || got[1] != l[1] {
		t.Fatalf("pending round trip: %+v %v", got, err)
	}
	if _, err := UnmarshalPending(make([]byte, 41)); err == nil {
		t.Error("odd-sized pending list accepted")
	}
}

func TestVoteExtRejects(t *testing.T) {
	b := sig(1)
	good, _ := (&VoteExt{Beacon: &b, Checkpoints: []CheckpointSig{{Epoch: 1}, {Epoch: 2}}}).Encode()
	swapped := append([]byte(nil), good...)
	copy(swapped[2+SigLen+1:], good[2+SigLen+1+72:2+SigLen+1+144])
	copy(swapped[2+SigLen+1+72:], good[2+SigLen+1:2+SigLen+1+72])
	for name, raw := range map[string][]byte{
		"version":   append([]byte{2}, good[1:]...),
		"flags":     append([]byte{1, 5}, good[2:]...),
		"trailing":  append(append([]byte(nil), good...), 0),
		"truncated": good[:len(good)-1],
		"order":     swapped,
		"too-many":  append([]byte{1, 0, 5}, make([]byte, 5*72)...),
		"huge":      make([]byte, MaxVoteExtBytes+1),
		"short":     {1, 0},
	} {
		if _, err := DecodeVoteExt(raw); !errors.Is(err, ErrMalformedExt) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := (&VoteExt{Checkpoints: []CheckpointSig{{Epoch: 2}, {Epoch: 2}}}).Encode(); err == nil {
		t.Error("encoded duplicate epochs")
	}
}

func TestVoteTxRoundTripAndRejects(t *testing.T) {
	b := sig(9)
	tx := VoteTx{VoteHeight: 77, Entries: []VoteTxEntry{
		{ConsAddr: [20]byte{1}, Ext: VoteExt{Beacon: &b}},
		{ConsAddr: [20]byte{2}, Ext: VoteExt{Checkpoints: []CheckpointSig{{Epoch: 4, Sig: sig(3)}}}},
	}}
	raw, err := tx.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeVoteTx(raw)
	if err != nil || got.VoteHeight != 77 || len(got.Entries) != 2 {
		t.Fatalf("%v %+v", err, got)
	}
	if !IsVoteTx(raw) {
		t.Fatal("prefix")
	}
	dup := tx
	dup.Entries = []VoteTxEntry{tx.Entries[1], tx.Entries[0]}
	if _, err := dup.Encode(); err == nil {
		t.Fatal("encoded unordered entries")
	}
	bad := append([]byte(nil), raw...)
	bad[14]++ // count says 3
	if _, err := DecodeVoteTx(bad); err == nil {
		t.Fatal("decoded wrong count")
	}
	if _, err := DecodeVoteTx(append(raw, 0)); err == nil {
		t.Fatal("decoded trailing byte")
	}
	if _, err := (&VoteTx{VoteHeight: 1, Entries: []VoteTxEntry{{}}}).Encode(); err == nil {
		t.Fatal("encoded empty entry")
	}
}

func TestBeaconAndProofMessagesDistinct(t *testing.T) {
	m1, m2 := BeaconMessage(7447, 5), KeyProofMessage(7447, [20]byte{1})
	if bytes.HasPrefix(m2, m1[:len(BeaconTag)]) || len(m1) == 32 || len(m2) == 32 {
		t.Fatal("domain separation")
	}
	if bytes.Equal(BeaconMessage(7447, 5), BeaconMessage(7447, 6)) || bytes.Equal(BeaconMessage(1, 5), BeaconMessage(2, 5)) {
		t.Fatal("beacon message ignores chain or height")
	}
	s := sha256.Sum256([]byte("k"))
	k := ed25519.NewKeyFromSeed(s[:])
	if !bytes.Equal(ed25519.Sign(k, m1), ed25519.Sign(k, m1)) {
		t.Fatal("ed25519 signing is not deterministic")
	}
}

// FuzzDecodeVoteExt: never panics; whatever decodes re-encodes to the same
// bytes (one encoding per extension).
func FuzzDecodeVoteExt(f *testing.F) {
	b := sig(1)
	good, _ := (&VoteExt{Beacon: &b, Checkpoints: []CheckpointSig{{Epoch: 1}, {Epoch: 9}}}).Encode()
	f.Add(good)
	facts, _ := (&VoteExt{Beacon: &b, Facts: []Hash32{{1}, {2}}, FactsSig: sig(3)}).Encode()
	f.Add(facts)
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := DecodeVoteExt(raw)
		if err != nil {
			return
		}
		again, err := e.Encode()
		if err != nil {
			t.Fatalf("decoded but cannot encode: %v", err)
		}
		if len(raw) != 0 && !bytes.Equal(again, raw) {
			t.Fatalf("%x re-encodes as %x", raw, again)
		}
	})
}

// FuzzDecodeVoteTx: never panics; canonical.
func FuzzDecodeVoteTx(f *testing.F) {
	b := sig(1)
	tx, _ := (&VoteTx{VoteHeight: 3, Entries: []VoteTxEntry{{ConsAddr: [20]byte{5}, Ext: VoteExt{Beacon: &b}}}}).Encode()
	f.Add(tx)
	f.Add(VoteTxMagic)
	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := DecodeVoteTx(raw)
		if err != nil {
			return
		}
		again, err := v.Encode()
		if err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("%x re-encodes as %x (%v)", raw, again, err)
		}
	})
}
