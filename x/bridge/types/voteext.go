package types

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
)

// Vote extension (what ExtendVote returns at height h), deterministic and
// strictly parsed so one extension has exactly one encoding:
//
//	version(1) = 1
//	flags(1)   bit 0: a beacon signature follows; bit 1: fact votes
//	           follow the checkpoint signatures; other bits 0
//	[beacon_sig(64)]            ed25519 over BeaconMessage(chain_id, h)
//	n(1)       0..MaxCheckpointSigs
//	n × ( epoch(8, BE) ‖ sig(64) )   ed25519 over the checkpoint digest,
//	                                 epochs strictly ascending
//	[ m(1) 1..MaxFactVotes           fact votes (bit 1): the pending TON
//	  m × fact_id(32)                facts this validator's own TON view
//	  facts_sig(64) ]                confirms, ids strictly ascending;
//	                                 ed25519 over FactsMessage(chain_id, h, ids)
//
// Nothing may follow. An empty extension (a node without a registered
// bridge key) is valid and carries nothing. Fact votes were added with a
// flag bit rather than a new version: an extension without them encodes
// exactly as before.
const (
	VoteExtVersion    = 1
	MaxCheckpointSigs = MaxLateEpochs + 1
	// MaxFactVotes bounds the facts one extension votes for, and so the
	// deposits credited per block (x/bridge README "Throughput and
	// latency"). 16 keeps the largest extension under MaxVoteExtBytes.
	MaxFactVotes = 16
	SigLen       = ed25519.SignatureSize
	// MaxVoteExtBytes is what VerifyVoteExtension accepts at most; the
	// largest well-formed extension is 2+64+1+4×72 + 1+16×32+64 = 932 bytes.
	MaxVoteExtBytes = 1024
)

const (
	flagBeacon = 1 << 0
	flagFacts  = 1 << 1
)

// CheckpointSig is one validator's signature over one checkpoint's digest.
type CheckpointSig struct {
	Epoch uint64
	Sig   [SigLen]byte
}

// VoteExt is a decoded vote extension.
type VoteExt struct {
	Beacon      *[SigLen]byte
	Checkpoints []CheckpointSig
	// Facts are the fact ids voted for (ascending), FactsSig the bridge
	// key's signature over FactsMessage; both absent when Facts is empty.
	Facts    []Hash32
	FactsSig [SigLen]byte
}

// Empty reports whether the extension carries nothing.
func (e *VoteExt) Empty() bool {
	return e.Beacon == nil && len(e.Checkpoints) == 0 && len(e.Facts) == 0
}

// ErrMalformedExt wraps every decoding failure.
var ErrMalformedExt = errors.New("bridge: malformed vote extension")

// Encode is the canonical encoding; it fails only on a value Decode would
// refuse (too many or unordered checkpoint signatures).
func (e *VoteExt) Encode() ([]byte, error) {
	if len(e.Checkpoints) > MaxCheckpointSigs {
		return nil, fmt.Errorf("%w: %d checkpoint signatures", ErrMalformedExt, len(e.Checkpoints))
	}
	if len(e.Facts) > MaxFactVotes {
		return nil, fmt.Errorf("%w: %d fact votes", ErrMalformedExt, len(e.Facts))
	}
	out := make([]byte, 0, 4+2*SigLen+len(e.Checkpoints)*(8+SigLen)+len(e.Facts)*32)
	out = append(out, VoteExtVersion)
	var flags byte
	if e.Beacon != nil {
		flags |= flagBeacon
	}
	if len(e.Facts) > 0 {
		flags |= flagFacts
	}
	out = append(out, flags)
	if e.Beacon != nil {
		out = append(out, e.Beacon[:]...)
	}
	out = append(out, byte(len(e.Checkpoints)))
	for i, c := range e.Checkpoints {
		if i > 0 && c.Epoch <= e.Checkpoints[i-1].Epoch {
			return nil, fmt.Errorf("%w: epochs not ascending", ErrMalformedExt)
		}
		out = binary.BigEndian.AppendUint64(out, c.Epoch)
		out = append(out, c.Sig[:]...)
	}
	if len(e.Facts) > 0 {
		out = append(out, byte(len(e.Facts)))
		for i, id := range e.Facts {
			if i > 0 && bytes.Compare(id[:], e.Facts[i-1][:]) <= 0 {
				return nil, fmt.Errorf("%w: fact ids not ascending", ErrMalformedExt)
			}
			out = append(out, id[:]...)
		}
		out = append(out, e.FactsSig[:]...)
	}
	return out, nil
}

// DecodeVoteExt parses b strictly. It never panics and allocates at most a
// few hundred bytes whatever b is.
func DecodeVoteExt(b []byte) (VoteExt, error) {
	var e VoteExt
	if len(b) == 0 {
		return e, nil
	}
	if len(b) > MaxVoteExtBytes {
		return e, fmt.Errorf("%w: %d bytes", ErrMalformedExt, len(b))
	}
	if len(b) < 3 || b[0] != VoteExtVersion || b[1]&^(flagBeacon|flagFacts) != 0 {
		return e, fmt.Errorf("%w: bad header", ErrMalformedExt)
	}
	p := 2
	if b[1]&flagBeacon != 0 {
		if len(b) < p+SigLen+1 {
			return e, fmt.Errorf("%w: truncated beacon signature", ErrMalformedExt)
		}
		var s [SigLen]byte
		copy(s[:], b[p:p+SigLen])
		e.Beacon = &s
		p += SigLen
	}
	n := int(b[p])
	p++
	factsLen := 0 // bytes after the checkpoint signatures
	if b[1]&flagFacts != 0 {
		at := p + n*(8+SigLen) // where m must be
		if at >= len(b) {
			return VoteExt{}, fmt.Errorf("%w: truncated fact votes", ErrMalformedExt)
		}
		m := int(b[at])
		if m == 0 || m > MaxFactVotes {
			return VoteExt{}, fmt.Errorf("%w: %d fact votes", ErrMalformedExt, m)
		}
		factsLen = 1 + m*32 + SigLen
	}
	if n > MaxCheckpointSigs || len(b)-p != n*(8+SigLen)+factsLen {
		return VoteExt{}, fmt.Errorf("%w: %d checkpoint signatures in %d bytes", ErrMalformedExt, n, len(b)-p)
	}
	for i := 0; i < n; i++ {
		var c CheckpointSig
		c.Epoch = binary.BigEndian.Uint64(b[p:])
		copy(c.Sig[:], b[p+8:p+8+SigLen])
		p += 8 + SigLen
		if i > 0 && c.Epoch <= e.Checkpoints[i-1].Epoch {
			return VoteExt{}, fmt.Errorf("%w: epochs not ascending", ErrMalformedExt)
		}
		e.Checkpoints = append(e.Checkpoints, c)
	}
	if factsLen > 0 {
		m := int(b[p])
		p++
		e.Facts = make([]Hash32, m)
		for i := range e.Facts {
			copy(e.Facts[i][:], b[p:p+32])
			p += 32
			if i > 0 && bytes.Compare(e.Facts[i][:], e.Facts[i-1][:]) <= 0 {
				return VoteExt{}, fmt.Errorf("%w: fact ids not ascending", ErrMalformedExt)
			}
		}
		copy(e.FactsSig[:], b[p:p+SigLen])
	}
	return e, nil
}

// BeaconTag separates beacon messages from every other thing a bridge key
// signs (checkpoint digests are 32-byte cell hashes; the key proof has its
// own tag).
const BeaconTag = "pingo:beacon:v1"

// BeaconMessage is what a validator signs for the beacon of height h:
// BeaconTag ‖ chain_id(8, BE) ‖ h(8, BE). ed25519 signing is deterministic,
// so each validator has exactly one valid signature per height.
func BeaconMessage(chainID, h uint64) []byte {
	m := append([]byte(BeaconTag), make([]byte, 16)...)
	binary.BigEndian.PutUint64(m[len(BeaconTag):], chainID)
	binary.BigEndian.PutUint64(m[len(BeaconTag)+8:], h)
	return m
}

// KeyProofTag prefixes SetBridgeKey's proof of possession.
const KeyProofTag = "pingo:bridge-key:v1"

// KeyProofMessage is what the bridge key signs to prove its holder agrees
// to be operator's key: KeyProofTag ‖ chain_id(8, BE) ‖ operator(20).
func KeyProofMessage(chainID uint64, operator [20]byte) []byte {
	m := append([]byte(KeyProofTag), make([]byte, 8)...)
	binary.BigEndian.PutUint64(m[len(KeyProofTag):], chainID)
	return append(m, operator[:]...)
}

// Vote-extension transaction: the proposer of height h+1 injects, as the
// block's first tx, the verified extensions of height h's precommits:
//
//	magic(4) = 00 'P' 'V' 'E'   (an RLP user tx starts with >= 0xc0)
//	version(1) = 1
//	vote_height(8, BE)          h
//	count(2, BE)                1..MaxVoteTxEntries
//	count × ( cons_addr(20) ‖ len(2, BE) ‖ vote extension(len) )
//
// entries strictly ascending by cons_addr; each extension canonical and
// non-empty. Users cannot submit it: CheckTx refuses the prefix.
var VoteTxMagic = []byte{0x00, 'P', 'V', 'E'}

// MaxVoteTxEntries bounds the entries (far above any validator set).
const MaxVoteTxEntries = 1024

// VoteTxEntry is one validator's included extension.
type VoteTxEntry struct {
	ConsAddr [20]byte
	Ext      VoteExt
}

// VoteTx is a decoded vote-extension transaction.
type VoteTx struct {
	VoteHeight uint64
	Entries    []VoteTxEntry
}

// IsVoteTx reports whether raw carries the reserved prefix.
func IsVoteTx(raw []byte) bool { return bytes.HasPrefix(raw, VoteTxMagic) }

// Encode is the canonical encoding.
func (t *VoteTx) Encode() ([]byte, error) {
	if len(t.Entries) == 0 || len(t.Entries) > MaxVoteTxEntries {
		return nil, fmt.Errorf("%w: %d entries", ErrMalformedExt, len(t.Entries))
	}
	out := append([]byte(nil), VoteTxMagic...)
	out = append(out, VoteExtVersion)
	out = binary.BigEndian.AppendUint64(out, t.VoteHeight)
	out = binary.BigEndian.AppendUint16(out, uint16(len(t.Entries)))
	for i, e := range t.Entries {
		if i > 0 && bytes.Compare(e.ConsAddr[:], t.Entries[i-1].ConsAddr[:]) <= 0 {
			return nil, fmt.Errorf("%w: entries not ascending", ErrMalformedExt)
		}
		if e.Ext.Empty() {
			return nil, fmt.Errorf("%w: empty entry", ErrMalformedExt)
		}
		ext, err := e.Ext.Encode()
		if err != nil {
			return nil, err
		}
		out = append(out, e.ConsAddr[:]...)
		out = binary.BigEndian.AppendUint16(out, uint16(len(ext)))
		out = append(out, ext...)
	}
	return out, nil
}

// DecodeVoteTx parses raw strictly; it never panics.
func DecodeVoteTx(raw []byte) (VoteTx, error) {
	var t VoteTx
	if !IsVoteTx(raw) || len(raw) < 15 || raw[4] != VoteExtVersion {
		return t, fmt.Errorf("%w: bad vote tx header", ErrMalformedExt)
	}
	t.VoteHeight = binary.BigEndian.Uint64(raw[5:])
	n := int(binary.BigEndian.Uint16(raw[13:]))
	if n == 0 || n > MaxVoteTxEntries {
		return VoteTx{}, fmt.Errorf("%w: %d entries", ErrMalformedExt, n)
	}
	p := 15
	for i := 0; i < n; i++ {
		if len(raw)-p < 22 {
			return VoteTx{}, fmt.Errorf("%w: truncated entry %d", ErrMalformedExt, i)
		}
		var e VoteTxEntry
		copy(e.ConsAddr[:], raw[p:p+20])
		l := int(binary.BigEndian.Uint16(raw[p+20:]))
		p += 22
		if len(raw)-p < l || l == 0 {
			return VoteTx{}, fmt.Errorf("%w: entry %d length %d", ErrMalformedExt, i, l)
		}
		ext, err := DecodeVoteExt(raw[p : p+l])
		if err != nil {
			return VoteTx{}, err
		}
		if ext.Empty() {
			return VoteTx{}, fmt.Errorf("%w: empty entry %d", ErrMalformedExt, i)
		}
		p += l
		if i > 0 && bytes.Compare(e.ConsAddr[:], t.Entries[i-1].ConsAddr[:]) <= 0 {
			return VoteTx{}, fmt.Errorf("%w: entries not ascending", ErrMalformedExt)
		}
		e.Ext = ext
		t.Entries = append(t.Entries, e)
	}
	if p != len(raw) {
		return VoteTx{}, fmt.Errorf("%w: %d trailing bytes", ErrMalformedExt, len(raw)-p)
	}
	return t, nil
}
