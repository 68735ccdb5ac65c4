package ton

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	lite "github.com/xssnick/tonutils-go/ton"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

// Deposit is a jetton deposit to the bridge as one TON transaction of the
// anchor shows it (x/bridge README "Deposits"): what a validator's watcher
// votes for and what the relayer reports with ReportDeposit.
type Deposit struct {
	TxHash []byte
	LT     uint64
	Amount *big.Int // > 0
	// Recipient is the L2 address of the payload; zero when Refundable.
	Recipient [20]byte
	// Refundable: the payload names no L2 address (the jettons are owed
	// back to Sender).
	Refundable bool
	Sender     *address.Address // the TON owner who sent the jettons
	Exit       int              // the anchor's compute exit code (informational)
	// AnchorOK: the anchor's transaction succeeded (ordinary, not aborted,
	// compute exit 0). For a Refundable deposit it decides who owes the
	// jettons: TON (the anchor returned them or recorded them for
	// claim_refund: ReportDeposit, status returned) or, when it failed
	// (-14: too little TON forwarded), the L2 (ReportRefund, status
	// refundable, paid back as a withdrawal to Sender).
	AnchorOK bool
}

// ErrNotDeposit: the transaction exists but is no deposit to the bridge:
// its inbound message is not a transfer_notification from the bridge's own
// jetton wallet (a forged notification, another jetton), or it moved 0
// jettons.
var ErrNotDeposit = errors.New("bridge/ton: not a deposit to the bridge")

// ClassifyDeposit reads a deposit from the anchor's transaction tx, given
// the bridge's jetton wallet. It decides from the inbound notification
// itself, never from the anchor's exit code: with too little TON forwarded
// the anchor runs out of gas (-14) although the jettons did arrive in the
// bridge wallet (bridge/contracts README "Too little TON"). The source
// address is checked here, not trusted from the anchor.
func ClassifyDeposit(tx *tlb.Transaction, bridgeWallet *address.Address) (Deposit, error) {
	d := Deposit{TxHash: tx.Hash, LT: tx.LT, Exit: exitCode(tx)}
	if o, ok := tx.Description.(tlb.TransactionDescriptionOrdinary); ok && !o.Aborted && d.Exit == 0 {
		d.AnchorOK = true
	}
	if tx.IO.In == nil || tx.IO.In.MsgType != tlb.MsgTypeInternal {
		return d, fmt.Errorf("%w: no inbound internal message", ErrNotDeposit)
	}
	in := tx.IO.In.AsInternal()
	if in.Bounced || in.Body == nil {
		return d, fmt.Errorf("%w: bounced or empty message", ErrNotDeposit)
	}
	if bridgeWallet == nil || in.SrcAddr == nil || !in.SrcAddr.Equals(bridgeWallet) {
		return d, fmt.Errorf("%w: from %v, not the bridge's jetton wallet", ErrNotDeposit, in.SrcAddr)
	}
	n, err := checkpoint.ParseTransferNotification(in.Body)
	if err != nil {
		return d, fmt.Errorf("%w: %v", ErrNotDeposit, err)
	}
	d.Amount, d.Sender = n.Amount, n.Sender
	to, err := n.Recipient()
	switch {
	case errors.Is(err, checkpoint.ErrZeroDeposit):
		return d, fmt.Errorf("%w: 0 jettons", ErrNotDeposit)
	case errors.Is(err, checkpoint.ErrUnparseableDeposit):
		d.Refundable = true
	case err != nil:
		return d, fmt.Errorf("%w: %v", ErrNotDeposit, err)
	default:
		d.Recipient = to
	}
	return d, nil
}

// jettonWalletCache remembers the anchor's jetton wallet once known: it is
// set once (set_jetton) and never changes.
type jettonWalletCache struct {
	mu sync.Mutex
	w  *address.Address
}

func (c *jettonWalletCache) get(ctx context.Context, run func(ctx context.Context, method string) (*lite.ExecutionResult, error)) (*address.Address, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w != nil {
		return c.w, nil
	}
	res, err := run(ctx, "jettonWallet")
	if err != nil {
		return nil, err
	}
	if isNil, err := res.IsNil(0); err == nil && isNil {
		return nil, ErrNoJettonWallet
	}
	s, err := res.Slice(0)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: jettonWallet: %w", err)
	}
	a, err := s.LoadAddr()
	if err != nil || a.Type() != address.StdAddress {
		return nil, fmt.Errorf("bridge/ton: jettonWallet: not a std address (%v)", err)
	}
	c.w = a
	return a, nil
}

// ErrNoJettonWallet: the anchor does not know its jetton wallet yet
// (set_jetton not done): no deposit can be recognised.
var ErrNoJettonWallet = errors.New("bridge/ton: the anchor has no jetton wallet yet")

// JettonWallet is the anchor's PINGO jetton wallet (getter jettonWallet),
// cached after the first answer.
func (r *Reader) JettonWallet(ctx context.Context) (*address.Address, error) {
	return r.wallet.get(ctx, func(ctx context.Context, m string) (*lite.ExecutionResult, error) { return r.get(ctx, m) })
}

// Deposit is the whole check a watcher makes for a FactDeposit: the
// anchor's transaction (hash, lt), fetched by hash (tonutils-go checks the
// cell hash), classified by ClassifyDeposit against the anchor's own
// jetton wallet.
func (r *Reader) Deposit(ctx context.Context, hash []byte, lt uint64) (Deposit, error) {
	w, err := r.JettonWallet(ctx)
	if err != nil {
		return Deposit{}, err
	}
	tx, err := r.AnchorTransaction(ctx, hash, lt)
	if err != nil {
		return Deposit{}, err
	}
	return ClassifyDeposit(tx, w)
}

// JettonWallet is the anchor's jetton wallet, as Reader.JettonWallet.
func (c *Client) JettonWallet(ctx context.Context) (*address.Address, error) {
	return c.wallets.get(ctx, func(ctx context.Context, m string) (*lite.ExecutionResult, error) { return c.get(ctx, m) })
}

// Deposits lists the anchor's deposits (ClassifyDeposit) in transactions
// newer than afterLT, oldest first, and the newest lt it looked at (the
// relayer's next cursor; afterLT when there is nothing new). A walk is
// bounded by scanLimit transactions: beyond it, errScanLimit (the cursor
// is too old to catch up in one poll).
func (c *Client) Deposits(ctx context.Context, afterLT uint64) ([]Deposit, uint64, error) {
	w, err := c.JettonWallet(ctx)
	if err != nil {
		return nil, afterLT, err
	}
	b, err := c.api.CurrentMasterchainInfo(ctx)
	if err != nil {
		return nil, afterLT, err
	}
	api := c.api.WaitForBlock(b.SeqNo)
	lt, hash, err := lastTx(ctx, api, c.unsafe, b, c.anchor)
	if err != nil {
		return nil, afterLT, err
	}
	newest := afterLT
	if lt > afterLT {
		newest = lt
	}
	var out []Deposit
	for seen := 0; lt > afterLT; {
		if seen >= scanLimit {
			return nil, afterLT, errScanLimit
		}
		list, err := api.ListTransactions(ctx, c.anchor, 16, lt, hash)
		if errors.Is(err, lite.ErrNoTransactionsWereFound) {
			break
		}
		if err != nil {
			return nil, afterLT, err
		}
		done := false
		for i := len(list) - 1; i >= 0; i-- {
			tx := list[i]
			if tx.LT <= afterLT {
				done = true
				break
			}
			seen++
			if d, err := ClassifyDeposit(tx, w); err == nil {
				out = append(out, d)
			}
		}
		if done {
			break
		}
		lt, hash = list[0].PrevTxLT, list[0].PrevTxHash
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, newest, nil
}
