package types

import (
	"unicode"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Action numbers (wire) of this module. Never reuse one. 15 is reserved
// for a future EditValidator.
const (
	ActionCreateValidator uint64 = 10
	ActionDelegate        uint64 = 11
	ActionUndelegate      uint64 = 12
	ActionUnjail          uint64 = 13
	ActionWithdrawRewards uint64 = 14
)

// MaxMonikerLen bounds a moniker in bytes.
const MaxMonikerLen = 64

var (
	fFrom  = auth.Field{Name: "from", Type: "address"}
	fFee   = auth.Field{Name: "fee", Type: "uint256"}
	fNonce = auth.Field{Name: "nonce", Type: "uint64"}
	fVal   = auth.Field{Name: "validator", Type: "address"}
	fAmt   = auth.Field{Name: "amount", Type: "uint256"}
)

func checkAmount(h *auth.Header, amount *uint256.Int) error {
	if amount.IsZero() {
		return ErrZeroAmount
	}
	if _, overflow := new(uint256.Int).AddOverflow(amount, &h.Fee); overflow {
		return codes.Wrap(ErrOverflow, "amount + fee")
	}
	return nil
}

// ---- CreateValidator ----

// CreateValidator registers the signer as a validator operator with an
// ed25519 consensus key and bonds Amount of its own balance.
//
//	EIP-712: CreateValidator(address from,bytes32 consensusKey,string moniker,uint32 commissionBps,uint256 amount,uint256 fee,uint64 nonce)
//	wire body: [consensusKey (32 bytes), moniker (string), commissionBps (uint), amount (uint)]
type CreateValidator struct {
	ConsensusKey  ConsPubKey
	Moniker       string
	CommissionBps uint32
	Amount        uint256.Int
}

var createValidatorType = auth.TypeDef{Name: "CreateValidator", Fields: []auth.Field{
	fFrom, {Name: "consensusKey", Type: "bytes32"}, {Name: "moniker", Type: "string"},
	{Name: "commissionBps", Type: "uint32"}, fAmt, fFee, fNonce,
}}
var createValidatorTypeHash = auth.TypeHash(createValidatorType)

type createValidatorBody struct {
	ConsensusKey  [32]byte
	Moniker       string
	CommissionBps uint32
	Amount        *uint256.Int
}

// DecodeCreateValidator decodes the wire body.
func DecodeCreateValidator(b []byte) (auth.Msg, error) {
	var w createValidatorBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &CreateValidator{ConsensusKey: w.ConsensusKey, Moniker: w.Moniker, CommissionBps: w.CommissionBps, Amount: *w.Amount}, nil
}

func (m *CreateValidator) Action() uint64                       { return ActionCreateValidator }
func (m *CreateValidator) Type() (auth.TypeDef, []auth.TypeDef) { return createValidatorType, nil }
func (m *CreateValidator) EncodeBody() ([]byte, error) {
	a := m.Amount
	return rlp.EncodeToBytes(&createValidatorBody{ConsensusKey: m.ConsensusKey, Moniker: m.Moniker, CommissionBps: m.CommissionBps, Amount: &a})
}

func (m *CreateValidator) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(createValidatorTypeHash)
	w.Address(h.From)
	w.Word(m.ConsensusKey)
	w.String(m.Moniker)
	w.Uint64(uint64(m.CommissionBps))
	w.Uint256(&m.Amount)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *CreateValidator) Message(h *auth.Header) map[string]any {
	return map[string]any{
		"from": h.From.Hex(), "consensusKey": m.ConsensusKey.Hex(), "moniker": m.Moniker,
		"commissionBps": uint64(m.CommissionBps), "amount": m.Amount.Dec(),
		"fee": h.Fee.Dec(), "nonce": h.Nonce,
	}
}

// ValidateMoniker: 1..64 bytes of UTF-8 without control characters.
func ValidateMoniker(s string) error {
	if len(s) == 0 || len(s) > MaxMonikerLen {
		return codes.Wrapf(ErrMoniker, "length %d out of [1, %d]", len(s), MaxMonikerLen)
	}
	if !utf8.ValidString(s) {
		return codes.Wrap(ErrMoniker, "not UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return codes.Wrap(ErrMoniker, "control character")
		}
	}
	return nil
}

func (m *CreateValidator) ValidateBasic(h *auth.Header) error {
	if err := m.ConsensusKey.Validate(); err != nil {
		return err
	}
	if err := ValidateMoniker(m.Moniker); err != nil {
		return err
	}
	if m.CommissionBps > BpsDenom {
		return codes.Wrapf(ErrCommission, "%d bps > 10000", m.CommissionBps)
	}
	return checkAmount(h, &m.Amount)
}

// ---- Delegate / Undelegate ----

type delegationBody struct {
	Validator [20]byte
	Amount    *uint256.Int
}

// Delegate bonds Amount of the signer's balance to Validator (an operator
// address); the signer receives shares at the validator's exchange rate.
//
//	EIP-712: Delegate(address from,address validator,uint256 amount,uint256 fee,uint64 nonce)
//	wire body: [validator (20 bytes), amount (uint)]
type Delegate struct {
	Validator auth.Address
	Amount    uint256.Int
}

var delegateType = auth.TypeDef{Name: "Delegate", Fields: []auth.Field{fFrom, fVal, fAmt, fFee, fNonce}}
var delegateTypeHash = auth.TypeHash(delegateType)

// DecodeDelegate decodes the wire body.
func DecodeDelegate(b []byte) (auth.Msg, error) {
	var w delegationBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &Delegate{Validator: w.Validator, Amount: *w.Amount}, nil
}

func (m *Delegate) Action() uint64                       { return ActionDelegate }
func (m *Delegate) Type() (auth.TypeDef, []auth.TypeDef) { return delegateType, nil }
func (m *Delegate) EncodeBody() ([]byte, error) {
	a := m.Amount
	return rlp.EncodeToBytes(&delegationBody{Validator: m.Validator, Amount: &a})
}
func (m *Delegate) HashStruct(h *auth.Header) [32]byte {
	return hashValAmount(delegateTypeHash, h, m.Validator, &m.Amount)
}
func (m *Delegate) Message(h *auth.Header) map[string]any {
	return msgValAmount(h, m.Validator, &m.Amount)
}
func (m *Delegate) ValidateBasic(h *auth.Header) error {
	if m.Validator == auth.ZeroAddress {
		return codes.Wrap(ErrInvalidValidator, "zero address")
	}
	return checkAmount(h, &m.Amount)
}

// Undelegate starts unbonding Amount upingo (converted to shares, rounded
// up) of the signer's delegation to Validator. The amount is held until
// unbonding_blocks later, slashable meanwhile, then credited.
//
//	EIP-712: Undelegate(address from,address validator,uint256 amount,uint256 fee,uint64 nonce)
//	wire body: [validator (20 bytes), amount (uint)]
type Undelegate struct {
	Validator auth.Address
	Amount    uint256.Int
}

var undelegateType = auth.TypeDef{Name: "Undelegate", Fields: []auth.Field{fFrom, fVal, fAmt, fFee, fNonce}}
var undelegateTypeHash = auth.TypeHash(undelegateType)

// DecodeUndelegate decodes the wire body.
func DecodeUndelegate(b []byte) (auth.Msg, error) {
	var w delegationBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &Undelegate{Validator: w.Validator, Amount: *w.Amount}, nil
}

func (m *Undelegate) Action() uint64                       { return ActionUndelegate }
func (m *Undelegate) Type() (auth.TypeDef, []auth.TypeDef) { return undelegateType, nil }
func (m *Undelegate) EncodeBody() ([]byte, error) {
	a := m.Amount
	return rlp.EncodeToBytes(&delegationBody{Validator: m.Validator, Amount: &a})
}
func (m *Undelegate) HashStruct(h *auth.Header) [32]byte {
	return hashValAmount(undelegateTypeHash, h, m.Validator, &m.Amount)
}
func (m *Undelegate) Message(h *auth.Header) map[string]any {
	return msgValAmount(h, m.Validator, &m.Amount)
}
func (m *Undelegate) ValidateBasic(h *auth.Header) error {
	if m.Validator == auth.ZeroAddress {
		return codes.Wrap(ErrInvalidValidator, "zero address")
	}
	return checkAmount(h, &m.Amount)
}

func hashValAmount(th [32]byte, h *auth.Header, val auth.Address, amount *uint256.Int) [32]byte {
	var w auth.StructHasher
	w.Begin(th)
	w.Address(h.From)
	w.Address(val)
	w.Uint256(amount)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func msgValAmount(h *auth.Header, val auth.Address, amount *uint256.Int) map[string]any {
	return map[string]any{
		"from": h.From.Hex(), "validator": val.Hex(), "amount": amount.Dec(),
		"fee": h.Fee.Dec(), "nonce": h.Nonce,
	}
}

// ---- Unjail ----

// Unjail returns the signer's jailed validator to the candidate set once
// the jail period is over (never after a double sign).
//
//	EIP-712: Unjail(address from,uint256 fee,uint64 nonce)
//	wire body: [] (the empty RLP list, 0xc0)
type Unjail struct{}

var unjailType = auth.TypeDef{Name: "Unjail", Fields: []auth.Field{fFrom, fFee, fNonce}}
var unjailTypeHash = auth.TypeHash(unjailType)

type emptyBody struct{}

// DecodeUnjail decodes the wire body.
func DecodeUnjail(b []byte) (auth.Msg, error) {
	var w emptyBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &Unjail{}, nil
}

func (m *Unjail) Action() uint64                       { return ActionUnjail }
func (m *Unjail) Type() (auth.TypeDef, []auth.TypeDef) { return unjailType, nil }
func (m *Unjail) EncodeBody() ([]byte, error)          { return rlp.EncodeToBytes(&emptyBody{}) }
func (m *Unjail) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(unjailTypeHash)
	w.Address(h.From)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}
func (m *Unjail) Message(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}
func (m *Unjail) ValidateBasic(h *auth.Header) error { return nil }

// ---- WithdrawRewards ----

// WithdrawRewards pays the signer's pending rewards from its delegation to
// Validator into its account.
//
//	EIP-712: WithdrawRewards(address from,address validator,uint256 fee,uint64 nonce)
//	wire body: [validator (20 bytes)]
type WithdrawRewards struct {
	Validator auth.Address
}

var withdrawRewardsType = auth.TypeDef{Name: "WithdrawRewards", Fields: []auth.Field{fFrom, fVal, fFee, fNonce}}
var withdrawRewardsTypeHash = auth.TypeHash(withdrawRewardsType)

type withdrawBody struct {
	Validator [20]byte
}

// DecodeWithdrawRewards decodes the wire body.
func DecodeWithdrawRewards(b []byte) (auth.Msg, error) {
	var w withdrawBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	return &WithdrawRewards{Validator: w.Validator}, nil
}

func (m *WithdrawRewards) Action() uint64                       { return ActionWithdrawRewards }
func (m *WithdrawRewards) Type() (auth.TypeDef, []auth.TypeDef) { return withdrawRewardsType, nil }
func (m *WithdrawRewards) EncodeBody() ([]byte, error) {
	return rlp.EncodeToBytes(&withdrawBody{Validator: m.Validator})
}
func (m *WithdrawRewards) HashStruct(h *auth.Header) [32]byte {
	var w auth.StructHasher
	w.Begin(withdrawRewardsTypeHash)
	w.Address(h.From)
	w.Address(m.Validator)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}
func (m *WithdrawRewards) Message(h *auth.Header) map[string]any {
	return map[string]any{"from": h.From.Hex(), "validator": m.Validator.Hex(), "fee": h.Fee.Dec(), "nonce": h.Nonce}
}
func (m *WithdrawRewards) ValidateBasic(h *auth.Header) error {
	if m.Validator == auth.ZeroAddress {
		return codes.Wrap(ErrInvalidValidator, "zero address")
	}
	return nil
}

// Register adds staking's actions to a codec.
func Register(c *auth.Codec) {
	c.Register(ActionCreateValidator, DecodeCreateValidator)
	c.Register(ActionDelegate, DecodeDelegate)
	c.Register(ActionUndelegate, DecodeUndelegate)
	c.Register(ActionUnjail, DecodeUnjail)
	c.Register(ActionWithdrawRewards, DecodeWithdrawRewards)
}
