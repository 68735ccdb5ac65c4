package types

import (
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/kernel"
)

// ActionReveal is the proof layer's action (reserved since #4).
const ActionReveal uint64 = 38

// MaxWireOpenings bounds the openings of one Reveal before parameters are
// known (sample_k ≤ this).
const MaxWireOpenings = 1024

// Opening is one sampled unit as committed: its output digest and the
// Merkle path from its leaf to its contributor's sub-root.
type Opening struct {
	Digest Hash
	Path   []byte // kernel.EncodePath form
}

// Reveal opens sample positions [First, First+len(Openings)) of the
// attestation AttestationID's sample (indices ascending). Anyone may send
// it; reveals of one attestation must come in order, as many txs as the
// tx size bound requires.
//
//	EIP-712: Reveal(address from,bytes32 attestationId,uint64 first,Opening[] openings,uint256 fee,uint64 nonce)
//	         Opening(bytes32 digest,bytes path)
//	wire body: [attestationId (32), first, [[digest (32), path], ...]]
type Reveal struct {
	AttestationID Hash
	First         uint64
	Openings      []Opening
}

var (
	openingType = auth.TypeDef{Name: "Opening", Fields: []auth.Field{
		{Name: "digest", Type: "bytes32"}, {Name: "path", Type: "bytes"}}}
	revealType = auth.TypeDef{Name: "Reveal", Fields: []auth.Field{
		fFrom, {Name: "attestationId", Type: "bytes32"}, {Name: "first", Type: "uint64"},
		{Name: "openings", Type: "Opening[]"}, fFee, fNonce}}
	revealTypeHash  = auth.TypeHash(revealType, openingType)
	openingTypeHash = auth.TypeHash(openingType)
)

type openingBody struct {
	Digest [32]byte
	Path   []byte
}

type revealBody struct {
	AttestationID [32]byte
	First         uint64
	Openings      []openingBody
}

// DecodeReveal decodes the wire body.
func DecodeReveal(b []byte) (auth.Msg, error) {
	var w revealBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	if len(w.Openings) > MaxWireOpenings {
		return nil, codes.Wrapf(ErrRevealMalformed, "%d openings > %d", len(w.Openings), MaxWireOpenings)
	}
	m := &Reveal{AttestationID: w.AttestationID, First: w.First, Openings: make([]Opening, len(w.Openings))}
	for i, o := range w.Openings {
		m.Openings[i] = Opening{Digest: o.Digest, Path: o.Path}
	}
	return m, nil
}

func (m *Reveal) Action() uint64 { return ActionReveal }
func (m *Reveal) Type() (auth.TypeDef, []auth.TypeDef) {
	return revealType, []auth.TypeDef{openingType}
}
func (m *Reveal) EncodeBody() ([]byte, error) {
	w := revealBody{AttestationID: m.AttestationID, First: m.First, Openings: make([]openingBody, len(m.Openings))}
	for i, o := range m.Openings {
		w.Openings[i] = openingBody{Digest: o.Digest, Path: o.Path}
	}
	return rlp.EncodeToBytes(&w)
}

func (m *Reveal) HashStruct(h *auth.Header) [32]byte {
	var arr, s auth.StructHasher
	arr.Reset()
	for i := range m.Openings {
		o := &m.Openings[i]
		s.Begin(openingTypeHash)
		s.Word(o.Digest)
		s.Word([32]byte(crypto.Keccak256(o.Path)))
		arr.Word(s.Sum())
	}
	var w auth.StructHasher
	w.Begin(revealTypeHash)
	w.Address(h.From)
	w.Word(m.AttestationID)
	w.Uint64(m.First)
	w.Word(arr.Sum())
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *Reveal) Message(h *auth.Header) map[string]any {
	os := make([]map[string]any, len(m.Openings))
	for i, o := range m.Openings {
		os[i] = map[string]any{"digest": o.Digest.Hex(), "path": "0x" + hexBytes(o.Path)}
	}
	return map[string]any{"from": h.From.Hex(), "attestationId": m.AttestationID.Hex(), "first": m.First,
		"openings": os, "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// ValidateBasic: 1..MaxWireOpenings openings, each path well-encoded.
// Whether each path has the right length for its sample position needs the
// receipt; execution checks it.
func (m *Reveal) ValidateBasic(*auth.Header) error {
	if len(m.Openings) == 0 || len(m.Openings) > MaxWireOpenings {
		return codes.Wrapf(ErrRevealMalformed, "%d openings out of [1, %d]", len(m.Openings), MaxWireOpenings)
	}
	if m.First > MaxWireOpenings {
		return codes.Wrapf(ErrRevealMalformed, "first %d > %d", m.First, MaxWireOpenings)
	}
	for i := range m.Openings {
		if _, err := kernel.DecodePath(m.Openings[i].Path); err != nil {
			return codes.Wrapf(ErrRevealMalformed, "opening %d: %v", i, err)
		}
	}
	return nil
}
