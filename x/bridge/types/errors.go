package types

import "github.com/pingo-chain/pingo/x/codes"

// Codespace of every error this module returns.
const Codespace = "bridge"

// Stable codes; x/bridge/README.md and docs/protocol.md list them. Never
// renumber or reuse.
var (
	// ErrInvalidBridgeKey: not a valid ed25519 public key (off the curve,
	// non-canonical, or of small order).
	ErrInvalidBridgeKey = codes.Register(Codespace, 2, "invalid bridge key")
	// ErrBridgeKeyInUse: this key is, or once was, registered by a validator
	// (keys are never reused, so an old signature can never be credited to
	// another operator).
	ErrBridgeKeyInUse = codes.Register(Codespace, 3, "bridge key already in use")
	// ErrBadProofOfPossession: SetBridgeKey's proof is not the key's
	// signature over (chain id, operator).
	ErrBadProofOfPossession = codes.Register(Codespace, 4, "bad bridge key proof of possession")
	// ErrNotValidator: the sender operates no validator.
	ErrNotValidator = codes.Register(Codespace, 5, "sender is not a validator operator")
	// ErrReservedTx: a transaction with the vote-extension prefix was
	// submitted to the mempool, or placed anywhere but first in a block.
	ErrReservedTx = codes.Register(Codespace, 6, "reserved vote-extension transaction")
	// ErrBadVoteTx: the proposer's injected vote-extension transaction is
	// malformed or carries a signature that does not verify; the block is
	// rejected.
	ErrBadVoteTx = codes.Register(Codespace, 7, "invalid vote-extension transaction")
	// ErrInvalidParams: bridge parameters out of range.
	ErrInvalidParams = codes.Register(Codespace, 8, "invalid bridge params")
	// ErrInvalidGenesis: bridge genesis is inconsistent.
	ErrInvalidGenesis = codes.Register(Codespace, 9, "invalid bridge genesis")
	// ErrUnknownCheckpoint: a report names an epoch that has no checkpoint.
	ErrUnknownCheckpoint = codes.Register(Codespace, 10, "unknown checkpoint")
	// ErrNotSealed: a report names a checkpoint that is not sealed yet
	// (the anchor cannot have accepted it).
	ErrNotSealed = codes.Register(Codespace, 11, "checkpoint not sealed")
	// ErrInvalidReport: a fact report with a zero TON transaction hash or
	// logical time.
	ErrInvalidReport = codes.Register(Codespace, 12, "invalid TON fact report")
	// ErrTooManyFacts: the pending-fact list is full; retry once some are
	// confirmed or expire.
	ErrTooManyFacts = codes.Register(Codespace, 13, "too many pending TON facts")
)

// Withdrawals (issue #7) take codes from 40 up, so other bridge work can
// number from 10 without colliding.
var (
	// ErrInvalidWithdrawAmount: a Withdraw of 0, or of more than 2^120-1
	// (the largest TON Coins value a jetton transfer can carry).
	ErrInvalidWithdrawAmount = codes.Register(Codespace, 40, "invalid withdrawal amount")
	// ErrInvalidTONAddress: the recipient is not a 36-byte std address on
	// workchain 0 or -1.
	ErrInvalidTONAddress = codes.Register(Codespace, 41, "invalid TON address")
	// ErrEpochFull: the current epoch already holds max_withdrawals_per_epoch
	// withdrawals; send again in the next epoch.
	ErrEpochFull = codes.Register(Codespace, 42, "epoch withdrawal tree is full")
	// ErrBridgeInactive: no validator has a bridge key, so no checkpoint
	// would ever carry the withdrawal; it is refused instead of burned.
	ErrBridgeInactive = codes.Register(Codespace, 43, "bridge has no signing set")
)

// Deposits (issue #7) take codes from 50 up.
var (
	// ErrInvalidDepositAmount: a ReportDeposit of 0 jetton units (nothing
	// moved; the anchor answers 321) or of more than 2^120-1.
	ErrInvalidDepositAmount = codes.Register(Codespace, 50, "invalid deposit amount")
	// ErrDepositProcessed: the TON transaction was already credited or
	// recorded refundable; a deposit counts once.
	ErrDepositProcessed = codes.Register(Codespace, 51, "deposit already processed")
)
