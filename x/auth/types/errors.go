package types

import "github.com/pingo-chain/pingo/x/codes"

// Codespace of every error this module returns.
const Codespace = "auth"

// Stable codes; the table in docs/protocol.md mirrors these. Never renumber.
var (
	// ErrTxDecode: the bytes are not a canonical RLP transaction envelope.
	ErrTxDecode = codes.Register(Codespace, 2, "malformed transaction")
	// ErrTxTooLarge: the encoded transaction exceeds the max_tx_bytes parameter.
	ErrTxTooLarge = codes.Register(Codespace, 3, "transaction too large")
	// ErrUnknownAction: the action number is not one this chain executes.
	ErrUnknownAction = codes.Register(Codespace, 4, "unknown action")
	// ErrWrongChainID: the envelope names another chain; signing for one
	// network must never be replayable on another.
	ErrWrongChainID = codes.Register(Codespace, 5, "wrong chain id")
	// ErrInvalidSignature: not a 65-byte r||s||v with v in {27,28}, s in the
	// lower half of the curve order (EIP-2), and a recoverable public key.
	ErrInvalidSignature = codes.Register(Codespace, 6, "invalid signature")
	// ErrSignerMismatch: the signature is valid but recovers to an address
	// other than the envelope's `from`: signed by another key, for another
	// chain id, or over different fields.
	ErrSignerMismatch = codes.Register(Codespace, 7, "signature does not match sender")
	// ErrNonceTooLow: the nonce was already used (replay or resend).
	ErrNonceTooLow = codes.Register(Codespace, 8, "nonce too low")
	// ErrNonceTooHigh: the nonce skips ahead; nonces are strictly sequential.
	ErrNonceTooHigh = codes.Register(Codespace, 9, "nonce too high")
	// ErrFeeTooLow: the fee is below the chain's min_fee parameter (or, in
	// CheckTx only, below this node's local mempool minimum).
	ErrFeeTooLow = codes.Register(Codespace, 10, "fee too low")
	// ErrInsufficientFee: the sender cannot pay the fee at all.
	ErrInsufficientFee = codes.Register(Codespace, 11, "insufficient balance for fee")
	// ErrInvalidAddress: an address is not 20 bytes / 0x-prefixed 40 hex
	// digits, or has a wrong EIP-55 checksum.
	ErrInvalidAddress = codes.Register(Codespace, 12, "invalid address")
	// ErrTxInBlockInvalid is the code ProcessProposal logs when it rejects a
	// block: an honest proposer never includes a failing tx.
	ErrTxInBlockInvalid = codes.Register(Codespace, 13, "block contains an invalid transaction")
)
