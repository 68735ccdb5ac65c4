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

// Landed reports whether an exit code means the checkpoint is on TON: it was
// accepted now (0) or this very checkpoint was accepted before (200). A
// relayer stops re-sending on either.
func Landed(exit int) bool { return exit == ExitOK || exit == ExitAlreadyAnchored }

// Superseded reports an epoch at or below the anchored one whose checkpoint
// is not the stored one: nothing to retry, but worth a look.
func Superseded(exit int) bool { return exit == ExitStaleEpoch }
