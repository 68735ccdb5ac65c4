package types

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

// Hash32 is 32 bytes rendered as 0x hex in JSON.
type Hash32 [32]byte

// MarshalText renders 0x + 64 hex digits.
func (h Hash32) MarshalText() ([]byte, error) { return []byte("0x" + hex.EncodeToString(h[:])), nil }

// UnmarshalText parses 0x + 64 hex digits.
func (h *Hash32) UnmarshalText(b []byte) error { return unhex(h[:], b) }

// Sig64 is an ed25519 signature rendered as 0x hex in JSON.
type Sig64 [SigLen]byte

// MarshalText renders 0x + 128 hex digits.
func (s Sig64) MarshalText() ([]byte, error) { return []byte("0x" + hex.EncodeToString(s[:])), nil }

// UnmarshalText parses 0x + 128 hex digits.
func (s *Sig64) UnmarshalText(b []byte) error { return unhex(s[:], b) }

func unhex(dst []byte, b []byte) error {
	s := string(b)
	if !strings.HasPrefix(s, "0x") || len(s) != 2+2*len(dst) {
		return fmt.Errorf("want 0x followed by %d hex digits", 2*len(dst))
	}
	_, err := hex.Decode(dst, b[2:])
	return err
}

// SetEntry is one member of a bridge validator set: the operator, its
// bridge key and its consensus power at the time the set was taken.
type SetEntry struct {
	Operator auth.Address `json:"operator"`
	PubKey   Hash32       `json:"pubkey"`
	Power    uint64       `json:"power"`
}

// setEntryLen is the stored size: operator(20) ‖ pubkey(32) ‖ power(8).
const setEntryLen = 60

// MarshalSet is AnchoredSetKey's value.
func MarshalSet(set []SetEntry) []byte {
	out := make([]byte, 0, len(set)*setEntryLen)
	for _, e := range set {
		out = append(out, e.Operator[:]...)
		out = append(out, e.PubKey[:]...)
		out = binary.BigEndian.AppendUint64(out, e.Power)
	}
	return out
}

// UnmarshalSet reads MarshalSet's form.
func UnmarshalSet(b []byte) ([]SetEntry, error) {
	if len(b)%setEntryLen != 0 {
		return nil, fmt.Errorf("bridge set: %d bytes", len(b))
	}
	out := make([]SetEntry, len(b)/setEntryLen)
	for i := range out {
		r := b[i*setEntryLen:]
		copy(out[i].Operator[:], r[:20])
		copy(out[i].PubKey[:], r[20:52])
		out[i].Power = binary.BigEndian.Uint64(r[52:60])
	}
	return out, nil
}

// TONSet converts a set to bridge/checkpoint's form (same order: the
// index of an entry is its signer index on TON).
func TONSet(set []SetEntry) []checkpoint.Validator {
	out := make([]checkpoint.Validator, len(set))
	for i, e := range set {
		out[i] = checkpoint.Validator{PubKey: ed25519.PublicKey(append([]byte(nil), e.PubKey[:]...)), Power: e.Power}
	}
	return out
}

// Checkpoint status (state machine in x/bridge/README.md).
const (
	StatusAccumulating = "accumulating"
	StatusSealed       = "sealed"
	StatusSubmitted    = "submitted"
	StatusConfirmed    = "confirmed"
)

// RecordedSig is one signer's checkpoint signature, by index in the
// checkpoint's valset, with the height of the block that included it.
type RecordedSig struct {
	Index  uint16 `json:"index"`
	Sig    Sig64  `json:"sig"`
	Height int64  `json:"height"`
}

// CheckpointRecord is what the chain keeps per epoch: the checkpoint, the
// sets a relayer needs to build bridge/checkpoint.SubmitBody, the
// signatures collected (ascending index) and the status.
type CheckpointRecord struct {
	ChainID        uint64        `json:"chain_id"`
	Epoch          uint64        `json:"epoch"`
	Height         uint64        `json:"height"`
	AppHash        Hash32        `json:"app_hash"`
	ValsetHash     Hash32        `json:"valset_hash"`
	NextValsetHash Hash32        `json:"next_valset_hash"`
	WithdrawalRoot Hash32        `json:"withdrawal_root"`
	Digest         Hash32        `json:"digest"`
	Status         string        `json:"status"`
	CreatedHeight  int64         `json:"created_height"`
	SealedHeight   int64         `json:"sealed_height"`
	TotalPower     uint64        `json:"total_power"`
	SignedPower    uint64        `json:"signed_power"`
	Valset         []SetEntry    `json:"valset"`
	NextValset     []SetEntry    `json:"next_valset"`
	Signatures     []RecordedSig `json:"signatures"`
	// SubmittedHeight: the block of the first ReportAnchor for it (status
	// submitted). TONTxHash/TONLt: the anchor's transaction that accepted
	// it, recorded when > 2/3 of the voting power confirmed that report
	// from their own TON view in ConfirmedHeight (status confirmed).
	SubmittedHeight int64   `json:"submitted_height,omitempty"`
	TONTxHash       *Hash32 `json:"ton_tx_hash,omitempty"`
	TONLt           uint64  `json:"ton_lt,omitempty"`
	ConfirmedHeight int64   `json:"confirmed_height,omitempty"`
}

// Checkpoint is the TON-side checkpoint this record describes.
func (r *CheckpointRecord) Checkpoint() checkpoint.Checkpoint {
	return checkpoint.Checkpoint{ChainID: r.ChainID, Epoch: r.Epoch, Height: r.Height, AppHash: r.AppHash,
		ValsetHash: r.ValsetHash, NextValsetHash: r.NextValsetHash, WithdrawalRoot: r.WithdrawalRoot}
}

// Signed reports whether valset index idx has signed.
func (r *CheckpointRecord) Signed(idx uint16) bool {
	for _, s := range r.Signatures {
		if s.Index == idx {
			return true
		}
	}
	return false
}

// IndexOf is pub's index in the checkpoint's valset.
func (r *CheckpointRecord) IndexOf(pub [32]byte) (uint16, bool) {
	for i, e := range r.Valset {
		if e.PubKey == pub {
			return uint16(i), true
		}
	}
	return 0, false
}

// Marshal is the stored JSON.
func (r *CheckpointRecord) Marshal() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalCheckpoint reads the stored form.
func UnmarshalCheckpoint(b []byte) (CheckpointRecord, error) {
	var r CheckpointRecord
	err := json.Unmarshal(b, &r)
	return r, err
}

// Beacon is one height's randomness: the value and the power behind it.
type Beacon struct {
	Value       Hash32 `json:"value"`
	SignedPower uint64 `json:"signed_power"`
	TotalPower  uint64 `json:"total_power"`
}

// BeaconLen is Beacon's stored size.
const BeaconLen = 48

// Marshal is value(32) ‖ signed power(8) ‖ total power(8).
func (b Beacon) Marshal() []byte {
	out := append([]byte(nil), b.Value[:]...)
	out = binary.BigEndian.AppendUint64(out, b.SignedPower)
	return binary.BigEndian.AppendUint64(out, b.TotalPower)
}

// UnmarshalBeacon reads Marshal's form.
func UnmarshalBeacon(raw []byte) (Beacon, error) {
	var b Beacon
	if len(raw) != BeaconLen {
		return b, fmt.Errorf("beacon: %d bytes", len(raw))
	}
	copy(b.Value[:], raw)
	b.SignedPower = binary.BigEndian.Uint64(raw[32:])
	b.TotalPower = binary.BigEndian.Uint64(raw[40:])
	return b, nil
}

// Rotates reports whether the checkpoint hands the anchor to another set
// (the submit message must then carry NextValset).
func (r *CheckpointRecord) Rotates() bool { return r.NextValsetHash != r.ValsetHash }

// SubmitBody builds the TON submit_checkpoint message body a relayer sends
// for this record: every recorded signature (ascending index, as stored)
// and, when the checkpoint rotates the set, the next set. It fails for a
// record without signatures; whether they reach 2/3 is the contract's (and
// Status's) business.
func (r *CheckpointRecord) SubmitBody(queryID uint64) (*cell.Cell, error) {
	sigs := make([]checkpoint.Signature, len(r.Signatures))
	for i, s := range r.Signatures {
		sigs[i] = checkpoint.Signature{Index: s.Index, Sig: s.Sig}
	}
	var next []checkpoint.Validator
	if r.Rotates() {
		next = TONSet(r.NextValset)
	}
	return checkpoint.SubmitBody(queryID, r.Checkpoint(), sigs, next)
}
