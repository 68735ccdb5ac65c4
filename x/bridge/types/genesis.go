package types

import (
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// GenesisKey registers a genesis validator's bridge key (no proof of
// possession: genesis is agreed on by its validators).
type GenesisKey struct {
	Operator auth.Address `json:"operator"`
	PubKey   Hash32       `json:"pubkey"`
}

// Genesis is bridge's part of app_state.
type Genesis struct {
	Params Params       `json:"params"`
	Keys   []GenesisKey `json:"keys,omitempty"`
	// NextWithdrawalID carries the withdrawal id counter across an export:
	// the anchor pays each id once, so an id must never be handed out
	// twice (0 = start at 1).
	NextWithdrawalID uint64 `json:"next_withdrawal_id,omitempty"`
	// Deposits are the final (credited or refundable) deposit records, in
	// the order they became final: a deposit counts once across an export
	// too (a replayed report is ErrDepositProcessed). The totals are
	// re-derived from them.
	Deposits []DepositRecord `json:"deposits,omitempty"`
}

// DefaultGenesis has default params and no keys.
func DefaultGenesis() Genesis { return Genesis{Params: DefaultParams()} }

// Validate checks params and that keys are valid and unique per operator
// and per key. That each operator is a validator is checked by InitGenesis.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	ops := map[auth.Address]bool{}
	keys := map[Hash32]bool{}
	for _, k := range g.Keys {
		if err := ValidateKey(k.PubKey); err != nil {
			return err
		}
		if ops[k.Operator] {
			return codes.Wrapf(ErrInvalidGenesis, "operator %s has two bridge keys", k.Operator)
		}
		if keys[k.PubKey] {
			return codes.Wrapf(ErrBridgeKeyInUse, "genesis key %x listed twice", k.PubKey[:])
		}
		ops[k.Operator], keys[k.PubKey] = true, true
	}
	seen := map[[40]byte]bool{}
	for _, d := range g.Deposits {
		var k [40]byte
		copy(k[:], d.TONTxHash[:])
		copy(k[32:], u64(d.TONLt))
		if !d.Final() || d.Amount == nil || d.Amount.IsZero() || seen[k] ||
			(d.Status == DepositCredited && (d.Recipient == nil || *d.Recipient == (auth.Address{}))) {
			return codes.Wrapf(ErrInvalidGenesis, "deposit %x lt %d: not a final record, or listed twice", d.TONTxHash[:], d.TONLt)
		}
		if d.Status == DepositRefundable && d.RefundTo == nil {
			// An export from before ReportRefund recorded every confirmed
			// zero-recipient deposit refundable; those are `returned` now.
			return codes.Wrapf(ErrInvalidGenesis, "deposit %x lt %d: refundable without refund_to (an export from before "+
				"ReportRefund: set its status to returned)", d.TONTxHash[:], d.TONLt)
		}
		seen[k] = true
	}
	return nil
}
