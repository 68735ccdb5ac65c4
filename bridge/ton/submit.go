package ton

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	lite "github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/wallet"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

// Pending is one signed wallet message carrying one submit_checkpoint, as a
// relayer journals it before the first send.
//
// Why re-sending it can never pay twice: the wallet message carries the
// wallet's seqno and a valid_until time, both under the wallet key's
// signature. The wallet contract accepts a given seqno once; every later
// copy of the same message is refused before it accepts gas (no
// transaction, no fee on TON). So a relayer that journals Pending, sends it,
// crashes and sends the journaled copy again pays at most once. It must not
// build a new message for the same checkpoint while the old one can still
// land: only after Submit returns ErrExpired (valid_until passed with no
// wallet transaction for it) is the old message dead for good, and a new
// Prepare is safe.
type Pending struct {
	Message    []byte `json:"message"`     // BOC of the external message to the wallet, sent verbatim
	BodyHash   []byte `json:"body_hash"`   // hash of the anchor-bound body (finds the anchor's transaction)
	ValidUntil int64  `json:"valid_until"` // unix seconds, at or after the wallet's valid_until
}

// messageTTL is the wallet's default message lifetime in tonutils-go
// (valid_until = build time + 3 minutes); Prepare records an upper bound.
const messageTTL = 3 * time.Minute

// expiryGrace covers clock skew between the relayer and TON's block time.
const expiryGrace = 30 * time.Second

// Prepare builds and signs the wallet message sending body to the anchor
// with amount attached (bounceable: a refused checkpoint returns the value
// minus fees). It reads the wallet's seqno from TON, so two Prepares before
// the first lands give two messages with the same seqno of which at most
// one can land.
func (c *Client) Prepare(ctx context.Context, body *cell.Cell, amount tlb.Coins) (*Pending, error) {
	ext, err := c.wallet.BuildExternalMessageForMany(ctx, []*wallet.Message{wallet.SimpleMessage(c.anchor, amount, body)})
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: build wallet message: %w", err)
	}
	mc, err := tlb.ToCell(ext)
	if err != nil {
		return nil, err
	}
	return &Pending{
		Message:    mc.ToBOCWithFlags(false),
		BodyHash:   body.Hash(),
		ValidUntil: time.Now().Add(messageTTL).Unix(),
	}, nil
}

// Result is the outcome of a submission that reached the anchor.
type Result struct {
	Exit     int // the anchor's compute-phase exit code (-1: compute skipped)
	WalletTx *tlb.Transaction
	AnchorTx *tlb.Transaction
}

// Landed reports that the checkpoint is on TON (exit 0, or 200 "already anchored").
func (r *Result) Landed() bool { return checkpoint.Landed(r.Exit) }

var (
	// ErrExpired: the message's valid_until passed and the wallet never
	// executed it. Nothing was paid; Prepare a new one.
	ErrExpired = errors.New("bridge/ton: wallet message expired without landing")
	// ErrSuperseded: the anchor refused the checkpoint as stale (201): a
	// later epoch is anchored. Drop it.
	ErrSuperseded = errors.New("bridge/ton: checkpoint superseded")
	// ErrWalletNoOutput: the wallet executed the message but sent nothing
	// (its balance is below the attached amount). An alert: fund it.
	ErrWalletNoOutput = errors.New("bridge/ton: wallet sent no message (balance too low?)")
)

// RefusedError is the anchor refusing a checkpoint with an exit code other
// than "landed" or "superseded".
type RefusedError struct{ Exit int }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("bridge/ton: anchor refused the checkpoint: exit %d (%s)", e.Exit, ExitName(e.Exit))
}

// Is makes a 201 refusal match ErrSuperseded.
func (e *RefusedError) Is(target error) bool {
	return target == ErrSuperseded && checkpoint.Superseded(e.Exit)
}

// Alert reports whether the refusal needs an operator: forged or wrong-set
// signatures (205), a malformed message, another chain's checkpoint. The
// others resolve by themselves: 201 superseded (drop), 202 valset mismatch
// (the rotation must land first), 206 insufficient power (wait for more
// signatures), out of gas (re-send with more value).
func (e *RefusedError) Alert() bool {
	switch e.Exit {
	case checkpoint.ExitStaleEpoch, checkpoint.ExitValsetMismatch, checkpoint.ExitInsufficient, exitOutOfGas, exitOutOfGasAlt:
		return false
	}
	return true
}

// TVM's out-of-gas exit: -14, reported as 13 by some tools.
const (
	exitOutOfGas    = -14
	exitOutOfGasAlt = 13
)

// IsAlert reports whether err from Submit needs an operator's attention.
func IsAlert(err error) bool {
	var r *RefusedError
	if errors.As(err, &r) {
		return r.Alert()
	}
	return errors.Is(err, ErrWalletNoOutput)
}

// ExitName names the anchor's exit codes (bridge/contracts/README.md).
func ExitName(exit int) string {
	switch exit {
	case checkpoint.ExitOK:
		return "ok"
	case checkpoint.ExitCellUnderflow:
		return "cell underflow"
	case checkpoint.ExitMalformed:
		return "malformed"
	case checkpoint.ExitWrongChain:
		return "wrong chain"
	case checkpoint.ExitAlreadyAnchored:
		return "already anchored"
	case checkpoint.ExitStaleEpoch:
		return "stale epoch"
	case checkpoint.ExitValsetMismatch:
		return "valset mismatch"
	case checkpoint.ExitUnsortedSigners:
		return "unsorted signers"
	case checkpoint.ExitUnknownSigner:
		return "unknown signer"
	case checkpoint.ExitBadSignature:
		return "bad signature"
	case checkpoint.ExitInsufficient:
		return "insufficient power"
	case checkpoint.ExitNewSetMissing, checkpoint.ExitNewSetMismatch, checkpoint.ExitNewSetUnexpect, checkpoint.ExitNewSetInvalid:
		return "bad new set"
	case checkpoint.ExitTooManySigs:
		return "too many signatures"
	case checkpoint.ExitUnknownOp:
		return "unknown op"
	case exitOutOfGas, exitOutOfGasAlt:
		return "out of gas"
	}
	return "unknown"
}

// SubmitCheckpoint prepares a wallet message for body and submits it.
// A relayer that must survive restarts calls Prepare, journals the
// Pending, then Submit (see Pending).
func (c *Client) SubmitCheckpoint(ctx context.Context, body *cell.Cell, amount tlb.Coins) (*Result, error) {
	p, err := c.Prepare(ctx, body, amount)
	if err != nil {
		return nil, err
	}
	return c.Submit(ctx, p)
}

// Submit sends p's message and re-sends the same bytes every Poll until the
// wallet executes it, then waits for the anchor's transaction and
// classifies it: nil error when the checkpoint landed (0 or 200), a
// *RefusedError otherwise (errors.Is(err, ErrSuperseded) for 201; IsAlert
// for those needing an operator), ErrExpired if it can no longer land.
// Calling Submit again with the same Pending (after a restart) is safe and
// finds an earlier landing instead of paying again.
func (c *Client) Submit(ctx context.Context, p *Pending) (*Result, error) {
	ext, err := parsePending(p.Message)
	if err != nil {
		return nil, err
	}
	extHash := ext.Body.Hash()
	poll := c.Poll
	if poll == 0 {
		poll = time.Second
	}
	// The wallet message was signed at most messageTTL before ValidUntil;
	// with the clock-skew grace, no transaction older than this can be it.
	signedAt := p.ValidUntil - int64((messageTTL+expiryGrace)/time.Second)
	for {
		// The time is taken before looking: "not found" then holds for
		// every moment up to now, so past valid_until the message is dead.
		now := time.Now().Unix()
		wtx, err := c.findTx(ctx, c.WalletAddress(), 0, signedAt, func(tx *tlb.Transaction) bool {
			return tx.IO.In != nil && tx.IO.In.MsgType == tlb.MsgTypeExternalIn &&
				bytes.Equal(tx.IO.In.AsExternalIn().Body.Hash(), extHash)
		})
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, err
		case err != nil:
			// TON unreachable: nothing is known, so nothing is concluded
			// (in particular not "expired", which would allow a new
			// message while this one may have landed).
		case wtx != nil:
			if wtx.OutMsgCount == 0 {
				return &Result{Exit: -1, WalletTx: wtx}, ErrWalletNoOutput
			}
			atx, err := c.findTx(ctx, c.anchor, wtx.LT, int64(wtx.Now)-int64(expiryGrace/time.Second), func(tx *tlb.Transaction) bool {
				if tx.IO.In == nil || tx.IO.In.MsgType != tlb.MsgTypeInternal {
					return false
				}
				in := tx.IO.In.AsInternal()
				return in.SrcAddr.Equals(c.WalletAddress()) && in.Body != nil && bytes.Equal(in.Body.Hash(), p.BodyHash)
			})
			if err != nil && ctx.Err() != nil {
				return nil, err
			}
			if atx != nil {
				return classify(wtx, atx)
			}
		case now > p.ValidUntil+int64(expiryGrace/time.Second):
			return nil, ErrExpired
		default:
			// Refusals are expected here: a copy that already landed
			// (seqno used) or a liteserver that saw it already.
			_ = c.api.SendExternalMessage(ctx, ext)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// parsePending reads a journaled external message back (a journal is a
// file on disk: decoded with checkpoint.DecodeBOC's guards).
func parsePending(b []byte) (ext *tlb.ExternalMessage, err error) {
	mc, err := checkpoint.DecodeBOC(b)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: pending message: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			ext, err = nil, fmt.Errorf("bridge/ton: pending message: %v", r)
		}
	}()
	var m tlb.Message
	if err := tlb.LoadFromCell(&m, mc.BeginParse()); err != nil || m.MsgType != tlb.MsgTypeExternalIn {
		return nil, fmt.Errorf("bridge/ton: pending message is not an external message: %v", err)
	}
	return m.AsExternalIn(), nil
}

func classify(wtx, atx *tlb.Transaction) (*Result, error) {
	r := &Result{Exit: exitCode(atx), WalletTx: wtx, AnchorTx: atx}
	return r, exitError(r.Exit)
}

// exitError: nil for a landed checkpoint, else a *RefusedError.
func exitError(exit int) error {
	if checkpoint.Landed(exit) {
		return nil
	}
	return &RefusedError{Exit: exit}
}

// exitCode is the compute phase's exit code, -1 if it was skipped.
func exitCode(tx *tlb.Transaction) int {
	d, ok := tx.Description.(tlb.TransactionDescriptionOrdinary)
	if !ok {
		return -1
	}
	vm, ok := d.ComputePhase.Phase.(tlb.ComputePhaseVM)
	if !ok {
		return -1
	}
	return int(vm.Details.ExitCode)
}

// scanLimit bounds one findTx walk; reaching it is an error, never "not found".
const scanLimit = 1024

// errScanLimit: the account has too many recent transactions to tell.
var errScanLimit = errors.New("bridge/ton: too many transactions to scan")

// findTx walks the account's transactions from the newest back and
// returns the first that matches, or nil once it reaches one at or before
// afterLT or older than notBefore (unix seconds): a message cannot have
// been executed before it was signed, so "nil" means "not executed". An
// error means nothing is known.
func (c *Client) findTx(ctx context.Context, a *address.Address, afterLT uint64, notBefore int64, match func(*tlb.Transaction) bool) (*tlb.Transaction, error) {
	b, err := c.api.CurrentMasterchainInfo(ctx)
	if err != nil {
		return nil, err
	}
	api := c.api.WaitForBlock(b.SeqNo)
	// Not GetAccount: it cannot parse the anchor's storage_extra (lasttx.go).
	lt, hash, err := lastTx(ctx, api, c.unsafe, b, a)
	if err != nil {
		return nil, err
	}
	for seen := 0; lt > afterLT; {
		if seen >= scanLimit {
			return nil, errScanLimit
		}
		list, err := api.ListTransactions(ctx, a, 16, lt, hash)
		if errors.Is(err, lite.ErrNoTransactionsWereFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			tx := list[i]
			if tx.LT <= afterLT || int64(tx.Now) < notBefore {
				return nil, nil
			}
			if match(tx) {
				return tx, nil
			}
			seen++
		}
		lt, hash = list[0].PrevTxLT, list[0].PrevTxHash
	}
	return nil, nil
}
