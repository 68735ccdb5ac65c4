package types

import "github.com/pingo-chain/pingo/x/codes"

// Codespace of every error this module returns.
const Codespace = "staking"

// Stable codes; x/staking/README.md (and docs/protocol.md once integrated)
// lists them. Never renumber.
var (
	// ErrInvalidConsKey: the consensus key is not a valid ed25519 public key
	// (not a curve point, or a small-order point such as all zeros).
	ErrInvalidConsKey = codes.Register(Codespace, 2, "invalid consensus public key")
	// ErrConsKeyInUse: another validator (current or past, including a
	// tombstoned one) already registered this consensus key.
	ErrConsKeyInUse = codes.Register(Codespace, 3, "consensus key already in use")
	// ErrValidatorExists: the sender already operates a validator.
	ErrValidatorExists = codes.Register(Codespace, 4, "validator already exists")
	// ErrNoValidator: no validator is operated by the named address (or,
	// for Unjail, by the sender).
	ErrNoValidator = codes.Register(Codespace, 5, "validator not found")
	// ErrZeroAmount: a bond or unbond of 0 upingo, or an amount too small to
	// buy a single share.
	ErrZeroAmount = codes.Register(Codespace, 6, "amount must be positive")
	// ErrInsufficientFunds: balance (after the fee) < amount to bond.
	ErrInsufficientFunds = codes.Register(Codespace, 7, "insufficient funds")
	// ErrNoDelegation: the sender has no delegation to that validator.
	ErrNoDelegation = codes.Register(Codespace, 8, "delegation not found")
	// ErrInsufficientStake: unbond more than the delegation is worth.
	ErrInsufficientStake = codes.Register(Codespace, 9, "unbond amount exceeds bonded stake")
	// ErrCommission: commission_bps above 10000 or the max_commission_bps
	// parameter.
	ErrCommission = codes.Register(Codespace, 10, "commission out of range")
	// ErrMoniker: empty, longer than 64 bytes, not UTF-8, or containing
	// control characters.
	ErrMoniker = codes.Register(Codespace, 11, "invalid moniker")
	// ErrNotJailed: Unjail by a validator that is not jailed.
	ErrNotJailed = codes.Register(Codespace, 12, "validator not jailed")
	// ErrJailPeriod: Unjail before the jail period ended.
	ErrJailPeriod = codes.Register(Codespace, 13, "validator still jailed")
	// ErrTombstoned: the validator double-signed; it can never be unjailed
	// and takes no new delegations.
	ErrTombstoned = codes.Register(Codespace, 14, "validator tombstoned")
	// ErrTooManyValidators: the max_candidates parameter is reached.
	ErrTooManyValidators = codes.Register(Codespace, 15, "too many validator candidates")
	// ErrOverflow: an amount does not fit in 256 bits (with the fee).
	ErrOverflow = codes.Register(Codespace, 16, "amount overflows 256 bits")
	// ErrSelfBondTooLow: CreateValidator with less than min_self_bond.
	ErrSelfBondTooLow = codes.Register(Codespace, 17, "self-bond below minimum")
	// ErrInvalidValidator: the validator address is the zero address.
	ErrInvalidValidator = codes.Register(Codespace, 18, "invalid validator address")
)
