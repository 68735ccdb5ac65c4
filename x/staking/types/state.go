package types

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/holiman/uint256"
	"github.com/oasisprotocol/curve25519-voi/curve"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// ConsPubKeyLen is the size of an ed25519 public key.
const ConsPubKeyLen = 32

// ConsPubKey is a validator's CometBFT consensus key (ed25519). JSON: 0x hex.
type ConsPubKey [ConsPubKeyLen]byte

// Hex is 0x + 64 lower-case hex digits.
func (k ConsPubKey) Hex() string { return "0x" + hex.EncodeToString(k[:]) }

// MarshalText renders Hex.
func (k ConsPubKey) MarshalText() ([]byte, error) { return []byte(k.Hex()), nil }

// UnmarshalText parses 0x + 64 hex digits.
func (k *ConsPubKey) UnmarshalText(b []byte) error {
	s := string(b)
	if !strings.HasPrefix(s, "0x") || len(s) != 2+2*ConsPubKeyLen {
		return fmt.Errorf("consensus key: want 0x followed by 64 hex digits")
	}
	_, err := hex.Decode(k[:], b[2:])
	return err
}

// ConsAddress is CometBFT's validator address: sha256(pubkey)[:20].
func (k ConsPubKey) ConsAddress() []byte {
	s := sha256.Sum256(k[:])
	return s[:20]
}

// Validate checks that k decodes to an ed25519 curve point of large order
// (rejects non-canonical encodings, points off the curve, and small-order
// points such as the identity or all zeros).
func (k ConsPubKey) Validate() error {
	var c curve.CompressedEdwardsY
	if _, err := c.SetBytes(k[:]); err != nil {
		return codes.Wrap(ErrInvalidConsKey, err.Error())
	}
	var p curve.EdwardsPoint
	if _, err := p.SetCompressedY(&c); err != nil {
		return codes.Wrapf(ErrInvalidConsKey, "%s is not a curve point", k.Hex())
	}
	if p.IsSmallOrder() {
		return codes.Wrapf(ErrInvalidConsKey, "%s is a small-order point", k.Hex())
	}
	return nil
}

// Validator is one validator candidate, keyed by its operator account.
//
// Tokens is the bonded upingo (all delegations, the operator's own
// included, minus slashes); Shares the delegation shares issued against it.
// A delegation's worth is shares × Tokens / Shares. Slashing lowers Tokens,
// never Shares, so every delegator loses the same fraction.
//
// Rewards: RewardPerShare is the cumulative reward per share scaled by
// RewardScale; Outstanding the upingo credited to delegators and not yet
// withdrawn (it always covers what they can claim; flooring leaves a little
// extra in it).
type Validator struct {
	Operator         auth.Address `json:"operator"`
	ConsPubKey       ConsPubKey   `json:"cons_pubkey"`
	Moniker          string       `json:"moniker"`
	CommissionBps    uint32       `json:"commission_bps"`
	Tokens           uint256.Int  `json:"tokens"`
	Shares           uint256.Int  `json:"shares"`
	Jailed           bool         `json:"jailed"`
	JailedUntil      int64        `json:"jailed_until"`
	Tombstoned       bool         `json:"tombstoned"`
	RewardPerShare   uint256.Int  `json:"reward_per_share"`
	Outstanding      uint256.Int  `json:"outstanding_rewards"`
	UnbondingHeights []int64      `json:"unbonding_heights"`
}

// RewardScale is the fixed-point scale of Validator.RewardPerShare.
var RewardScale = uint256.NewInt(1_000_000_000_000_000_000)

// Marshal is the stored JSON (uint256 fields as decimal strings).
func (v *Validator) Marshal() []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// UnmarshalValidator reads the stored form.
func UnmarshalValidator(b []byte) (Validator, error) {
	var v Validator
	err := json.Unmarshal(b, &v)
	return v, err
}

// Power is tokens / powerReduction, capped at maxPower.
func (v *Validator) Power(powerReduction *uint256.Int, maxPower int64) int64 {
	var q uint256.Int
	q.Div(&v.Tokens, powerReduction)
	if !q.IsUint64() || q.Uint64() > uint64(maxPower) {
		return maxPower
	}
	return int64(q.Uint64())
}

// DelegationValueLen is the encoded size of a Delegation.
const DelegationValueLen = 64

// Delegation is a delegator's stake in one validator.
type Delegation struct {
	Shares uint256.Int
	// RewardSnapshot is the validator's RewardPerShare when the pending
	// rewards were last settled.
	RewardSnapshot uint256.Int
}

// Marshal: shares uint256 BE ‖ snapshot uint256 BE.
func (d *Delegation) Marshal() []byte {
	out := make([]byte, DelegationValueLen)
	d.Shares.PutUint256(out[:32])
	d.RewardSnapshot.PutUint256(out[32:])
	return out
}

// UnmarshalDelegation reads the 64-byte form.
func UnmarshalDelegation(b []byte) (Delegation, error) {
	var d Delegation
	if len(b) != DelegationValueLen {
		return d, fmt.Errorf("delegation record: want %d bytes, got %d", DelegationValueLen, len(b))
	}
	d.Shares.SetBytes32(b[:32])
	d.RewardSnapshot.SetBytes32(b[32:])
	return d, nil
}

// UnbondingEntryLen is the encoded size of one queue entry.
const UnbondingEntryLen = 20 + 20 + 8 + 8 + 32 + 32

// UnbondingEntry is stake on its way out: held by staking until
// CompletionHeight, then credited to Delegator. InitialBalance is what was
// unbonded; Balance what is left after slashes.
type UnbondingEntry struct {
	Delegator        auth.Address `json:"delegator"`
	Validator        auth.Address `json:"validator"`
	CreationHeight   int64        `json:"creation_height"`
	CompletionHeight int64        `json:"completion_height"`
	InitialBalance   uint256.Int  `json:"initial_balance"`
	Balance          uint256.Int  `json:"balance"`
}

func (e *UnbondingEntry) appendTo(out []byte) []byte {
	out = append(out, e.Delegator[:]...)
	out = append(out, e.Validator[:]...)
	out = binary.BigEndian.AppendUint64(out, uint64(e.CreationHeight))
	out = binary.BigEndian.AppendUint64(out, uint64(e.CompletionHeight))
	ib, b := e.InitialBalance.Bytes32(), e.Balance.Bytes32()
	out = append(out, ib[:]...)
	return append(out, b[:]...)
}

// MarshalQueue encodes a queue record: entries of delegator(20) ‖
// validator(20) ‖ creationHeight(8) ‖ completionHeight(8) ‖
// initialBalance(32) ‖ balance(32), concatenated.
func MarshalQueue(es []UnbondingEntry) []byte {
	out := make([]byte, 0, len(es)*UnbondingEntryLen)
	for i := range es {
		out = es[i].appendTo(out)
	}
	return out
}

// UnmarshalQueue decodes a queue record.
func UnmarshalQueue(b []byte) ([]UnbondingEntry, error) {
	if len(b)%UnbondingEntryLen != 0 {
		return nil, fmt.Errorf("unbonding queue record: %d bytes is not a multiple of %d", len(b), UnbondingEntryLen)
	}
	es := make([]UnbondingEntry, len(b)/UnbondingEntryLen)
	for i := range es {
		r := b[i*UnbondingEntryLen:]
		e := &es[i]
		copy(e.Delegator[:], r[:20])
		copy(e.Validator[:], r[20:40])
		e.CreationHeight = int64(binary.BigEndian.Uint64(r[40:48]))
		e.CompletionHeight = int64(binary.BigEndian.Uint64(r[48:56]))
		e.InitialBalance.SetBytes32(r[56:88])
		e.Balance.SetBytes32(r[88:120])
	}
	return es, nil
}

// LastValidator is one member of the set last sent to CometBFT.
type LastValidator struct {
	Operator auth.Address
	PubKey   ConsPubKey
	Power    int64
}

const lastValidatorLen = 20 + 32 + 8

// MarshalLastSet encodes entries of operator ‖ pubkey ‖ power (int64 BE).
func MarshalLastSet(s []LastValidator) []byte {
	out := make([]byte, 0, len(s)*lastValidatorLen)
	for _, v := range s {
		out = append(out, v.Operator[:]...)
		out = append(out, v.PubKey[:]...)
		out = binary.BigEndian.AppendUint64(out, uint64(v.Power))
	}
	return out
}

// UnmarshalLastSet decodes MarshalLastSet's form.
func UnmarshalLastSet(b []byte) ([]LastValidator, error) {
	if len(b)%lastValidatorLen != 0 {
		return nil, fmt.Errorf("last validator set: %d bytes is not a multiple of %d", len(b), lastValidatorLen)
	}
	s := make([]LastValidator, len(b)/lastValidatorLen)
	for i := range s {
		r := b[i*lastValidatorLen:]
		copy(s[i].Operator[:], r[:20])
		copy(s[i].PubKey[:], r[20:52])
		s[i].Power = int64(binary.BigEndian.Uint64(r[52:60]))
	}
	return s, nil
}

// SigningInfo is a validator's liveness over the sliding window.
type SigningInfo struct {
	// Counted is how many of its blocks were recorded since the info was
	// (re)started; the window index of a block is Counted mod window.
	Counted int64
	// Missed is the number of set bits in Bitmap.
	Missed int64
	// Bitmap: bit i (byte i/8, bit i%8) set = missed at window index i.
	Bitmap []byte
}

// Marshal: counted int64 BE ‖ missed int64 BE ‖ bitmap.
func (s *SigningInfo) Marshal() []byte {
	out := make([]byte, 0, 16+len(s.Bitmap))
	out = binary.BigEndian.AppendUint64(out, uint64(s.Counted))
	out = binary.BigEndian.AppendUint64(out, uint64(s.Missed))
	return append(out, s.Bitmap...)
}

// UnmarshalSigningInfo decodes the stored form.
func UnmarshalSigningInfo(b []byte) (SigningInfo, error) {
	if len(b) < 16 {
		return SigningInfo{}, fmt.Errorf("signing info: %d bytes", len(b))
	}
	return SigningInfo{
		Counted: int64(binary.BigEndian.Uint64(b[:8])),
		Missed:  int64(binary.BigEndian.Uint64(b[8:16])),
		Bitmap:  append([]byte(nil), b[16:]...),
	}, nil
}

// MarshalAddresses concatenates 20-byte addresses.
func MarshalAddresses(as []auth.Address) []byte {
	out := make([]byte, 0, len(as)*auth.AddressLen)
	for _, a := range as {
		out = append(out, a[:]...)
	}
	return out
}

// UnmarshalAddresses splits a concatenation of 20-byte addresses.
func UnmarshalAddresses(b []byte) ([]auth.Address, error) {
	if len(b)%auth.AddressLen != 0 {
		return nil, fmt.Errorf("address list: %d bytes is not a multiple of 20", len(b))
	}
	as := make([]auth.Address, len(b)/auth.AddressLen)
	for i := range as {
		copy(as[i][:], b[i*auth.AddressLen:])
	}
	return as, nil
}

// MarshalHeights concatenates int64 BE heights.
func MarshalHeights(hs []int64) []byte {
	out := make([]byte, 0, 8*len(hs))
	for _, h := range hs {
		out = binary.BigEndian.AppendUint64(out, uint64(h))
	}
	return out
}

// UnmarshalHeights splits MarshalHeights' form.
func UnmarshalHeights(b []byte) ([]int64, error) {
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("height list: %d bytes is not a multiple of 8", len(b))
	}
	hs := make([]int64, len(b)/8)
	for i := range hs {
		hs[i] = int64(binary.BigEndian.Uint64(b[i*8:]))
	}
	return hs, nil
}
