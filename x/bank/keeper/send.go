// Package keeper executes the bank's actions and keeps supply and the fee
// pool. Every function takes the KV it works on, so the caller decides the
// isolation (a tx overlay, a block overlay, a CheckTx state).
package keeper

import (
	"github.com/holiman/uint256"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// KV is the slice of the state store this module needs.
type KV = authkeeper.KV

// Event is a typed event attribute list; the app turns it into an ABCI event.
type Event struct {
	Type  string
	Attrs [][2]string
}

// Send moves amount from one account to another. The sender's nonce and fee
// were already handled by the ante; Send never touches them.
func Send(kv KV, from, to auth.Address, amount *uint256.Int) error {
	src, err := authkeeper.GetAccount(kv, from)
	if err != nil {
		return err
	}
	if src.Balance.Lt(amount) {
		return codes.Wrapf(types.ErrInsufficientFunds, "%s has %s upingo after fee, needs %s", from, src.Balance.Dec(), amount.Dec())
	}
	src.Balance.Sub(&src.Balance, amount)
	authkeeper.SetAccount(kv, from, &src)
	dst, err := authkeeper.GetAccount(kv, to)
	if err != nil {
		return err
	}
	if _, overflow := dst.Balance.AddOverflow(&dst.Balance, amount); overflow {
		// Impossible while supply fits in 256 bits; checked anyway so a
		// broken invariant surfaces as an error, not as wrapped money.
		return codes.Wrap(types.ErrOverflow, "recipient balance")
	}
	authkeeper.SetAccount(kv, to, &dst)
	return nil
}

// Execute runs a bank action for sender and returns its events.
func Execute(kv KV, p *types.Params, h *auth.Header, msg auth.Msg) ([]Event, error) {
	switch m := msg.(type) {
	case *types.Transfer:
		if err := Send(kv, h.From, m.To, &m.Amount); err != nil {
			return nil, err
		}
		return []Event{transferEvent(h.From, m.To, &m.Amount)}, nil
	case *types.MultiSend:
		if uint64(len(m.Outputs)) > p.MaxOutputs {
			return nil, codes.Wrapf(types.ErrOutputs, "%d outputs > max_outputs %d", len(m.Outputs), p.MaxOutputs)
		}
		evs := make([]Event, 0, len(m.Outputs))
		for i := range m.Outputs {
			o := &m.Outputs[i]
			if err := Send(kv, h.From, o.To, &o.Amount); err != nil {
				return nil, err
			}
			evs = append(evs, transferEvent(h.From, o.To, &o.Amount))
		}
		return evs, nil
	}
	return nil, codes.Wrapf(auth.ErrUnknownAction, "bank cannot execute %T", msg)
}

func transferEvent(from, to auth.Address, amount *uint256.Int) Event {
	return Event{Type: "transfer", Attrs: [][2]string{
		{"sender", from.Hex()}, {"recipient", to.Hex()}, {"amount", amount.Dec()},
	}}
}
