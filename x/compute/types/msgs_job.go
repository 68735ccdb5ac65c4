package types

import (
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// ---- SubmitJob ----

// SubmitJob asks the network for Units units of kind UnitKind (spec
// SpecHash, inputs derived from Seed) at PricePerUnit each; Units ×
// PricePerUnit moves from the signer's balance into the job's escrow. Only
// a contributor-NFT holder may submit. Up to MaxNodes CDN nodes each take
// ceil(Units / MaxNodes) units; the job expires after height Expiry.
//
//	EIP-712: SubmitJob(address from,uint32 unitKind,bytes32 specHash,bytes32 seed,uint64 units,uint256 pricePerUnit,uint32 maxNodes,uint64 expiry,uint256 fee,uint64 nonce)
//	wire body: [unitKind, specHash (32 bytes), seed (32 bytes), units, pricePerUnit, maxNodes, expiry]
type SubmitJob struct {
	UnitKind     uint32
	SpecHash     Hash
	Seed         Hash
	Units        uint64
	PricePerUnit uint256.Int
	MaxNodes     uint32
	Expiry       uint64
}

var submitJobType = auth.TypeDef{Name: "SubmitJob", Fields: []auth.Field{
	fFrom, {Name: "unitKind", Type: "uint32"}, {Name: "specHash", Type: "bytes32"}, {Name: "seed", Type: "bytes32"},
	{Name: "units", Type: "uint64"}, {Name: "pricePerUnit", Type: "uint256"}, {Name: "maxNodes", Type: "uint32"},
	{Name: "expiry", Type: "uint64"}, fFee, fNonce}}
var submitJobTypeHash = auth.TypeHash(submitJobType)

type submitJobBody struct {
	UnitKind     uint32
	SpecHash     [32]byte
	Seed         [32]byte
	Units        uint64
	PricePerUnit *uint256.Int
	MaxNodes     uint32
	Expiry       uint64
}

// DecodeSubmitJob decodes the wire body.
func DecodeSubmitJob(b []byte) (auth.Msg, error) {
	var w submitJobBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &SubmitJob{UnitKind: w.UnitKind, SpecHash: w.SpecHash, Seed: w.Seed, Units: w.Units,
		PricePerUnit: *w.PricePerUnit, MaxNodes: w.MaxNodes, Expiry: w.Expiry}, nil
}

func (m *SubmitJob) Action() uint64                       { return ActionSubmitJob }
func (m *SubmitJob) Type() (auth.TypeDef, []auth.TypeDef) { return submitJobType, nil }
func (m *SubmitJob) EncodeBody() ([]byte, error) {
	p := m.PricePerUnit
	return rlp.EncodeToBytes(&submitJobBody{UnitKind: m.UnitKind, SpecHash: m.SpecHash, Seed: m.Seed,
		Units: m.Units, PricePerUnit: &p, MaxNodes: m.MaxNodes, Expiry: m.Expiry})
}
func (m *SubmitJob) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(submitJobTypeHash)
	w.Address(h.From)
	w.Uint64(uint64(m.UnitKind))
	w.Word(m.SpecHash)
	w.Word(m.Seed)
	w.Uint64(m.Units)
	w.Uint256(&m.PricePerUnit)
	w.Uint64(uint64(m.MaxNodes))
	w.Uint64(m.Expiry)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}
func (m *SubmitJob) Message(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "unitKind": uint64(m.UnitKind), "specHash": m.SpecHash.Hex(),
		"seed": m.Seed.Hex(), "units": m.Units, "pricePerUnit": m.PricePerUnit.Dec(), "maxNodes": uint64(m.MaxNodes),
		"expiry": m.Expiry, "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// Escrow is Units × PricePerUnit; overflow is reported.
func (m *SubmitJob) Escrow() (uint256.Int, bool) {
	var e uint256.Int
	_, of := e.MulOverflow(uint256.NewInt(m.Units), &m.PricePerUnit)
	return e, of
}

func (m *SubmitJob) ValidateBasic(h *auth.Header) error {
	switch {
	case m.Units == 0:
		return ErrZeroUnits
	case m.PricePerUnit.IsZero():
		return ErrZeroPrice
	case m.UnitKind == 0:
		return codes.Wrap(ErrJobLimits, "unit kind 0")
	case m.MaxNodes == 0:
		return codes.Wrap(ErrJobLimits, "max nodes 0")
	}
	e, of := m.Escrow()
	if of {
		return codes.Wrap(ErrOverflow, "units × price")
	}
	return checkFeeSum(h, &e)
}

// ---- AcceptJob / CancelJob ----

type jobIDBody struct{ JobID uint64 }

// AcceptJob assigns the signer's CDN node the next ceil(Units/MaxNodes)
// units of an open job.
//
//	EIP-712: AcceptJob(address from,uint64 jobId,uint256 fee,uint64 nonce)
//	wire body: [jobId]
type AcceptJob struct{ JobID uint64 }

// CancelJob refunds a job's unspent escrow to its owner: before any node
// accepted it, or after it expired.
//
//	EIP-712: CancelJob(address from,uint64 jobId,uint256 fee,uint64 nonce)
//	wire body: [jobId]
type CancelJob struct{ JobID uint64 }

var (
	acceptJobType     = auth.TypeDef{Name: "AcceptJob", Fields: []auth.Field{fFrom, fJobID, fFee, fNonce}}
	acceptJobTypeHash = auth.TypeHash(acceptJobType)
	cancelJobType     = auth.TypeDef{Name: "CancelJob", Fields: []auth.Field{fFrom, fJobID, fFee, fNonce}}
	cancelJobTypeHash = auth.TypeHash(cancelJobType)
)

func decodeJobID(b []byte) (uint64, error) {
	var w jobIDBody
	err := rlp.DecodeBytes(b, &w)
	return w.JobID, err
}

// DecodeAcceptJob decodes the wire body.
func DecodeAcceptJob(b []byte) (auth.Msg, error) {
	id, err := decodeJobID(b)
	if err != nil {
		return nil, err
	}
	return &AcceptJob{JobID: id}, nil
}

// DecodeCancelJob decodes the wire body.
func DecodeCancelJob(b []byte) (auth.Msg, error) {
	id, err := decodeJobID(b)
	if err != nil {
		return nil, err
	}
	return &CancelJob{JobID: id}, nil
}

func hashJobID(th [32]byte, h *auth.Header, id uint64) [32]byte {
	var w auth.StructHasher
	w.Begin(th)
	w.Address(h.From)
	w.Uint64(id)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func msgJobID(h *auth.Header, id uint64) map[string]any {
	return map[string]any{"from": h.From.Hex(), "jobId": id, "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

func (m *AcceptJob) Action() uint64                       { return ActionAcceptJob }
func (m *AcceptJob) Type() (auth.TypeDef, []auth.TypeDef) { return acceptJobType, nil }
func (m *AcceptJob) EncodeBody() ([]byte, error)          { return rlp.EncodeToBytes(&jobIDBody{m.JobID}) }
func (m *AcceptJob) HashStruct(h *auth.Header) [32]byte {
	return hashJobID(acceptJobTypeHash, h, m.JobID)
}
func (m *AcceptJob) Message(h *auth.Header) map[string]any { return msgJobID(h, m.JobID) }
func (m *AcceptJob) ValidateBasic(*auth.Header) error      { return nil }

func (m *CancelJob) Action() uint64                       { return ActionCancelJob }
func (m *CancelJob) Type() (auth.TypeDef, []auth.TypeDef) { return cancelJobType, nil }
func (m *CancelJob) EncodeBody() ([]byte, error)          { return rlp.EncodeToBytes(&jobIDBody{m.JobID}) }
func (m *CancelJob) HashStruct(h *auth.Header) [32]byte {
	return hashJobID(cancelJobTypeHash, h, m.JobID)
}
func (m *CancelJob) Message(h *auth.Header) map[string]any { return msgJobID(h, m.JobID) }
func (m *CancelJob) ValidateBasic(*auth.Header) error      { return nil }
