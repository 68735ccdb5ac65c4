package checkpoint

// Exit codes of the anchor contract's compute phase for submit_checkpoint
// (bridge/contracts/contracts/errors.tolk; the table is in
// bridge/contracts/README.md). A relayer reads them from the anchor's
// transaction.
const (
	ExitOK              = 0
	ExitCellUnderflow   = 9 // TVM: the body is shorter than its layout
	ExitMalformed       = 100
	ExitWrongChain      = 101
	ExitAlreadyAnchored = 200
	ExitStaleEpoch      = 201
	ExitValsetMismatch  = 202
	ExitUnsortedSigners = 203
	ExitUnknownSigner   = 204
	ExitBadSignature    = 205
	ExitInsufficient    = 206
	ExitNewSetMissing   = 207
	ExitNewSetMismatch  = 208
	ExitNewSetUnexpect  = 209
	ExitNewSetInvalid   = 210
	ExitTooManySigs     = 211
	ExitUnknownOp       = 0xFFFF
)

// Exit codes of claim_withdrawal, set_jetton / claim_refund and deposits
// (transfer_notification) — issue #7, the same README table.
const (
	ExitClaimMalformed  = 300 // depth > 16, index >= 2^depth, leaf or path cells not of the layout
	ExitUnknownEpoch    = 301 // no withdrawal_root anchored for the epoch
	ExitWrongPath       = 302 // leaf + path do not reach the epoch's root
	ExitAlreadyClaimed  = 303 // this withdrawal id was paid
	ExitEpochMismatch   = 304 // the leaf's epoch field is not the claimed epoch
	ExitNoJettonWallet  = 305 // the anchor's jetton wallet is not known yet
	ExitValueTooLow     = 306 // attached TON below the minimum for a payout
	ExitWalletKnown     = 310 // set_jetton: the wallet is already set
	ExitNotMaster       = 311 // take_wallet_address not from the jetton master
	ExitNotBridgeWallet = 320 // transfer_notification not from the anchor's jetton wallet: not a deposit
	ExitZeroDeposit     = 321 // transfer_notification of amount 0
	ExitNothingToRefund = 330 // claim_refund: no refundable amount for the owner
)

// Claimed reports whether a claim's exit code means the withdrawal is paid:
// now (0) or before (303). A relayer stops re-sending on either.
func Claimed(exit int) bool { return exit == ExitOK || exit == ExitAlreadyClaimed }

// Landed reports whether an exit code means the checkpoint is on TON: it was
// accepted now (0) or this very checkpoint was accepted before (200). A
// relayer stops re-sending on either.
func Landed(exit int) bool { return exit == ExitOK || exit == ExitAlreadyAnchored }

// Superseded reports an epoch at or below the anchored one whose checkpoint
// is not the stored one: nothing to retry, but worth a look.
func Superseded(exit int) bool { return exit == ExitStaleEpoch }
