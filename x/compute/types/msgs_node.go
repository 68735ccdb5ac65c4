package types

import (
	"unicode"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Action numbers (wire) of this module: 30–49 are compute's. Never reuse
// one. 38 is the proof layer's Reveal (msgs_reveal.go).
const (
	ActionRegisterNode uint64 = 30
	ActionUpdateNode   uint64 = 31
	ActionUnbondNode   uint64 = 32
	ActionUnjailNode   uint64 = 33
	ActionSubmitJob    uint64 = 34
	ActionAcceptJob    uint64 = 35
	ActionCancelJob    uint64 = 36
	ActionAttest       uint64 = 37
)

var (
	fFrom      = auth.Field{Name: "from", Type: "address"}
	fFee       = auth.Field{Name: "fee", Type: "uint256"}
	fNonce     = auth.Field{Name: "nonce", Type: "uint64"}
	fEndpoint  = auth.Field{Name: "endpoint", Type: "string"}
	fRegion    = auth.Field{Name: "region", Type: "string"}
	fUnitKinds = auth.Field{Name: "unitKinds", Type: "uint32[]"}
	fJobID     = auth.Field{Name: "jobId", Type: "uint64"}
)

func validText(s string, max int, what string) error {
	if len(s) == 0 || len(s) > max {
		return codes.Wrapf(ErrNodeMetadata, "%s length %d out of [1, %d]", what, len(s), max)
	}
	if !utf8.ValidString(s) {
		return codes.Wrapf(ErrNodeMetadata, "%s not UTF-8", what)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return codes.Wrapf(ErrNodeMetadata, "%s has a control character", what)
		}
	}
	return nil
}

// ValidateMetadata checks a node's endpoint, region and unit kinds (1..16
// nonzero kinds, strictly ascending so each is listed once).
func ValidateMetadata(endpoint, region string, kinds []uint32) error {
	if err := validText(endpoint, MaxEndpointLen, "endpoint"); err != nil {
		return err
	}
	if err := validText(region, MaxRegionLen, "region"); err != nil {
		return err
	}
	if len(kinds) == 0 || len(kinds) > MaxWireUnitKinds {
		return codes.Wrapf(ErrNodeMetadata, "%d unit kinds out of [1, %d]", len(kinds), MaxWireUnitKinds)
	}
	for i, k := range kinds {
		if k == 0 || (i > 0 && k <= kinds[i-1]) {
			return codes.Wrap(ErrNodeMetadata, "unit kinds must be nonzero and strictly ascending")
		}
	}
	return nil
}

func hashKinds(kinds []uint32) [32]byte {
	var a auth.StructHasher
	a.Reset()
	for _, k := range kinds {
		a.Uint64(uint64(k))
	}
	return a.Sum()
}

func kindsMsg(kinds []uint32) []uint64 {
	out := make([]uint64, len(kinds))
	for i, k := range kinds {
		out[i] = uint64(k)
	}
	return out
}

type nodeBody struct {
	Endpoint  string
	Region    string
	UnitKinds []uint32
	Amount    *uint256.Int
}

func decodeNodeBody(b []byte) (*nodeBody, error) {
	var w nodeBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	if len(w.UnitKinds) > MaxWireUnitKinds {
		return nil, codes.Wrapf(ErrNodeMetadata, "%d unit kinds > %d", len(w.UnitKinds), MaxWireUnitKinds)
	}
	return &w, nil
}

// ---- RegisterNode ----

// RegisterNode makes the signer a CDN node operator and bonds Bond of its
// balance. The operator account signs the node's AcceptJob and Attest.
//
//	EIP-712: RegisterNode(address from,string endpoint,string region,uint32[] unitKinds,uint256 bond,uint256 fee,uint64 nonce)
//	wire body: [endpoint (string), region (string), unitKinds (list of uint), bond (uint)]
type RegisterNode struct {
	Endpoint  string
	Region    string
	UnitKinds []uint32
	Bond      uint256.Int
}

var registerNodeType = auth.TypeDef{Name: "RegisterNode", Fields: []auth.Field{
	fFrom, fEndpoint, fRegion, fUnitKinds, {Name: "bond", Type: "uint256"}, fFee, fNonce}}
var registerNodeTypeHash = auth.TypeHash(registerNodeType)

// DecodeRegisterNode decodes the wire body.
func DecodeRegisterNode(b []byte) (auth.Msg, error) {
	w, err := decodeNodeBody(b)
	if err != nil {
		return nil, err
	}
	return &RegisterNode{Endpoint: w.Endpoint, Region: w.Region, UnitKinds: w.UnitKinds, Bond: *w.Amount}, nil
}

func (m *RegisterNode) Action() uint64                       { return ActionRegisterNode }
func (m *RegisterNode) Type() (auth.TypeDef, []auth.TypeDef) { return registerNodeType, nil }
func (m *RegisterNode) EncodeBody() ([]byte, error) {
	a := m.Bond
	return rlp.EncodeToBytes(&nodeBody{Endpoint: m.Endpoint, Region: m.Region, UnitKinds: m.UnitKinds, Amount: &a})
}
func (m *RegisterNode) HashStruct(h *auth.Header) [32]byte {
	return hashNode(registerNodeTypeHash, h, m.Endpoint, m.Region, m.UnitKinds, &m.Bond)
}
func (m *RegisterNode) Message(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "endpoint": m.Endpoint, "region": m.Region,
		"unitKinds": kindsMsg(m.UnitKinds), "bond": m.Bond.Dec(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}
func (m *RegisterNode) ValidateBasic(h *auth.Header) error {
	if err := ValidateMetadata(m.Endpoint, m.Region, m.UnitKinds); err != nil {
		return err
	}
	if m.Bond.IsZero() {
		return codes.Wrap(ErrBondTooLow, "bond 0")
	}
	return checkFeeSum(h, &m.Bond)
}

func hashNode(th [32]byte, h *auth.Header, endpoint, region string, kinds []uint32, amt *uint256.Int) [32]byte {
	var w auth.StructHasher
	w.Begin(th)
	w.Address(h.From)
	w.String(endpoint)
	w.String(region)
	w.Word(hashKinds(kinds))
	w.Uint256(amt)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func checkFeeSum(h *auth.Header, amt *uint256.Int) error {
	if _, of := new(uint256.Int).AddOverflow(amt, &h.Fee); of {
		return codes.Wrap(ErrOverflow, "amount + fee")
	}
	return nil
}

// ---- UpdateNode ----

// UpdateNode replaces the signer's node metadata and adds AddBond (may be
// 0) to its bond, e.g. to get back above min_node_bond after a slash.
//
//	EIP-712: UpdateNode(address from,string endpoint,string region,uint32[] unitKinds,uint256 addBond,uint256 fee,uint64 nonce)
//	wire body: [endpoint, region, unitKinds, addBond]
type UpdateNode struct {
	Endpoint  string
	Region    string
	UnitKinds []uint32
	AddBond   uint256.Int
}

var updateNodeType = auth.TypeDef{Name: "UpdateNode", Fields: []auth.Field{
	fFrom, fEndpoint, fRegion, fUnitKinds, {Name: "addBond", Type: "uint256"}, fFee, fNonce}}
var updateNodeTypeHash = auth.TypeHash(updateNodeType)

// DecodeUpdateNode decodes the wire body.
func DecodeUpdateNode(b []byte) (auth.Msg, error) {
	w, err := decodeNodeBody(b)
	if err != nil {
		return nil, err
	}
	return &UpdateNode{Endpoint: w.Endpoint, Region: w.Region, UnitKinds: w.UnitKinds, AddBond: *w.Amount}, nil
}

func (m *UpdateNode) Action() uint64                       { return ActionUpdateNode }
func (m *UpdateNode) Type() (auth.TypeDef, []auth.TypeDef) { return updateNodeType, nil }
func (m *UpdateNode) EncodeBody() ([]byte, error) {
	a := m.AddBond
	return rlp.EncodeToBytes(&nodeBody{Endpoint: m.Endpoint, Region: m.Region, UnitKinds: m.UnitKinds, Amount: &a})
}
func (m *UpdateNode) HashStruct(h *auth.Header) [32]byte {
	return hashNode(updateNodeTypeHash, h, m.Endpoint, m.Region, m.UnitKinds, &m.AddBond)
}
func (m *UpdateNode) Message(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "endpoint": m.Endpoint, "region": m.Region,
		"unitKinds": kindsMsg(m.UnitKinds), "addBond": m.AddBond.Dec(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}
func (m *UpdateNode) ValidateBasic(h *auth.Header) error {
	if err := ValidateMetadata(m.Endpoint, m.Region, m.UnitKinds); err != nil {
		return err
	}
	return checkFeeSum(h, &m.AddBond)
}

// ---- UnbondNode / UnjailNode (no fields) ----

type emptyBody struct{}

// UnbondNode starts paying back the signer's whole node bond; the node
// stops taking and attesting jobs at once and stays slashable until the
// bond is paid, node_unbonding_blocks later.
//
//	EIP-712: UnbondNode(address from,uint256 fee,uint64 nonce)
//	wire body: [] (0xc0)
type UnbondNode struct{}

// UnjailNode returns the signer's jailed node to service after its jail
// period.
//
//	EIP-712: UnjailNode(address from,uint256 fee,uint64 nonce)
//	wire body: [] (0xc0)
type UnjailNode struct{}

var (
	unbondNodeType     = auth.TypeDef{Name: "UnbondNode", Fields: []auth.Field{fFrom, fFee, fNonce}}
	unbondNodeTypeHash = auth.TypeHash(unbondNodeType)
	unjailNodeType     = auth.TypeDef{Name: "UnjailNode", Fields: []auth.Field{fFrom, fFee, fNonce}}
	unjailNodeTypeHash = auth.TypeHash(unjailNodeType)
)

// DecodeUnbondNode decodes the wire body.
func DecodeUnbondNode(b []byte) (auth.Msg, error) {
	var w emptyBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &UnbondNode{}, nil
}

// DecodeUnjailNode decodes the wire body.
func DecodeUnjailNode(b []byte) (auth.Msg, error) {
	var w emptyBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &UnjailNode{}, nil
}

func hashEmpty(th [32]byte, h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(th)
	w.Address(h.From)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func msgEmpty(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

func (m *UnbondNode) Action() uint64                       { return ActionUnbondNode }
func (m *UnbondNode) Type() (auth.TypeDef, []auth.TypeDef) { return unbondNodeType, nil }
func (m *UnbondNode) EncodeBody() ([]byte, error)          { return rlp.EncodeToBytes(&emptyBody{}) }
func (m *UnbondNode) HashStruct(h *auth.Header) [32]byte   { return hashEmpty(unbondNodeTypeHash, h) }
func (m *UnbondNode) Message(h *auth.Header) map[string]any {
	return msgEmpty(h)
}
func (m *UnbondNode) ValidateBasic(*auth.Header) error { return nil }

func (m *UnjailNode) Action() uint64                       { return ActionUnjailNode }
func (m *UnjailNode) Type() (auth.TypeDef, []auth.TypeDef) { return unjailNodeType, nil }
func (m *UnjailNode) EncodeBody() ([]byte, error)          { return rlp.EncodeToBytes(&emptyBody{}) }
func (m *UnjailNode) HashStruct(h *auth.Header) [32]byte   { return hashEmpty(unjailNodeTypeHash, h) }
func (m *UnjailNode) Message(h *auth.Header) map[string]any {
	return msgEmpty(h)
}
func (m *UnjailNode) ValidateBasic(*auth.Header) error { return nil }

// Register adds compute's actions to a codec.
func Register(c *auth.Codec) {
	c.Register(ActionRegisterNode, DecodeRegisterNode)
	c.Register(ActionUpdateNode, DecodeUpdateNode)
	c.Register(ActionUnbondNode, DecodeUnbondNode)
	c.Register(ActionUnjailNode, DecodeUnjailNode)
	c.Register(ActionSubmitJob, DecodeSubmitJob)
	c.Register(ActionAcceptJob, DecodeAcceptJob)
	c.Register(ActionCancelJob, DecodeCancelJob)
	c.Register(ActionAttest, DecodeAttest)
	c.Register(ActionReveal, DecodeReveal)
}
