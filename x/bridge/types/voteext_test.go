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

func TestVoteExtRejects(t *testing.T) {
	b := sig(1)
	good, _ := (&VoteExt{Beacon: &b, Checkpoints: []CheckpointSig{{Epoch: 1}, {Epoch: 2}}}).Encode()
	swapped := append([]byte(nil), good...)
	copy(swapped[2+SigLen+1:], good[2+SigLen+1+72:2+SigLen+1+144])
	copy(swapped[2+SigLen+1+72:], good[2+SigLen+1:2+SigLen+1+72])
	for name, raw := range map[string][]byte{
		"version":   append([]byte{2}, good[1:]...),
		"flags":     append([]byte{1, 3}, good[2:]...),
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
