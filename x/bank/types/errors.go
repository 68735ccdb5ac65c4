package types

import "github.com/pingo-chain/pingo/x/codes"

// Codespace of every error this module returns.
const Codespace = "bank"

// Stable codes; docs/protocol.md lists them. Never renumber.
var (
	// ErrZeroAmount: a transfer or output of 0 upingo does nothing but cost
	// the sender a fee, so it is refused.
	ErrZeroAmount = codes.Register(Codespace, 2, "amount must be positive")
	// ErrSelfTransfer: sending to yourself only burns a fee.
	ErrSelfTransfer = codes.Register(Codespace, 3, "transfer to self")
	// ErrInsufficientFunds: balance < amount + fee.
	ErrInsufficientFunds = codes.Register(Codespace, 4, "insufficient funds")
	// ErrOverflow: amount + fee (or a sum of outputs) does not fit in 256 bits.
	ErrOverflow = codes.Register(Codespace, 5, "amount overflows 256 bits")
	// ErrOutputs: a MultiSend with no outputs or more than max_outputs.
	ErrOutputs = codes.Register(Codespace, 6, "invalid number of outputs")
	// ErrInvalidRecipient: the zero address, where coins could never be spent.
	ErrInvalidRecipient = codes.Register(Codespace, 7, "invalid recipient")
)
