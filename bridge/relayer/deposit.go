package relayer

// Deposit reports (issue #7): the relayer watches the anchor's transactions
// (getTransactions from a cursor kept in deposits.json) and reports every
// deposit notification from the bridge's jetton wallet with ReportDeposit
// (action 64), then keeps it open until the chain shows it credited or
// refundable, re-reporting it when a report expired unapplied (the
// validators' TON view was down longer than fact_expiry_blocks). Duplicates
// are harmless: the same claim while pending is a no-op on the chain, and a
// report of a processed deposit is refused (bridge/51) by CheckTx.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/holiman/uint256"
	"github.com/prometheus/client_golang/prometheus"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// DepositTON is what deposit reporting uses of bridge/ton's Client.
type DepositTON interface {
	Deposits(ctx context.Context, afterLT uint64) ([]bton.Deposit, uint64, error)
}

// DepositChain reads a deposit's record (chain/client, proofs on) and
// sends ReportDeposit or ReportRefund (ChainReporter).
type DepositChain interface {
	Deposit(ctx context.Context, hash bridge.Hash32, lt uint64) (bridge.DepositRecord, bool, error)
	ReportDeposit(ctx context.Context, m DepositReport) error
}

// DepositReport is *bridge.ReportDeposit or *bridge.ReportRefund.
type DepositReport interface {
	auth.Msg
	Fact() bridge.Fact
}

// OpenDeposit is a deposit seen on TON and not yet final on the chain.
type OpenDeposit struct {
	TONTxHash bridge.Hash32 `json:"ton_tx_hash"`
	TONLt     uint64        `json:"ton_lt"`
	Recipient auth.Address  `json:"recipient"` // zero: returned by TON or refundable
	Amount    *uint256.Int  `json:"amount"`
	// RefundTo: no L2 recipient and the anchor's transaction failed, so
	// the L2 owes the jettons to this TON sender (reported by ReportRefund).
	RefundTo *bridge.TONAddr `json:"refund_to,omitempty"`
	SeenAt   time.Time       `json:"seen_at"`
}

// Report is the report for d: ReportRefund when the L2 owes it,
// ReportDeposit otherwise.
func (d *OpenDeposit) Report() DepositReport {
	if d.RefundTo != nil {
		return &bridge.ReportRefund{TONTxHash: d.TONTxHash, TONLt: d.TONLt, Sender: *d.RefundTo, Amount: *d.Amount}
	}
	return &bridge.ReportDeposit{TONTxHash: d.TONTxHash, TONLt: d.TONLt, Recipient: d.Recipient, Amount: *d.Amount}
}

// OpenDepositFrom converts what the TON scan found; false if the amount
// does not fit (it cannot: Coins are < 2^120).
func OpenDepositFrom(d bton.Deposit, now time.Time) (OpenDeposit, bool) {
	o := OpenDeposit{TONLt: d.LT, SeenAt: now}
	copy(o.TONTxHash[:], d.TxHash)
	amt, overflow := uint256.FromBig(d.Amount)
	if overflow || len(d.TxHash) != 32 {
		return o, false
	}
	o.Amount = amt
	if !d.Refundable {
		o.Recipient = auth.Address(d.Recipient)
	} else if !d.AnchorOK && d.Sender != nil {
		// A sender that is not a std address on workchain 0/-1 (no real
		// jetton wallet sends one) stays a zero-recipient ReportDeposit,
		// which no validator votes for: it shows in `stuck`.
		if s, err := bridge.TONAddrFrom(d.Sender); err == nil {
			o.RefundTo = &s
		}
	}
	return o, true
}

type depositFile struct {
	CursorLT uint64        `json:"cursor_lt"`
	Open     []OpenDeposit `json:"open,omitempty"`
	// Done: deposits closed (final on the chain) while above the cursor,
	// which only a TON view answering out of order leaves behind (the
	// chaos suite's ShuffledDeposits): a later delivery of one is a
	// replay, not a new deposit. Dropped once the cursor passes them.
	Done []DoneDeposit `json:"done,omitempty"`
}

// DoneDeposit names a deposit final on the chain.
type DoneDeposit struct {
	TONTxHash bridge.Hash32 `json:"ton_tx_hash"`
	TONLt     uint64        `json:"ton_lt"`
}

// DepositJournal is deposits.json next to journal.json, under its LOCK,
// written atomically like claims.json.
type DepositJournal struct {
	dir string
	mu  sync.Mutex
	f   depositFile
}

const depositJournalFile = "deposits.json"

// OpenDepositJournal opens (or creates) the deposit journal in j's directory.
func OpenDepositJournal(j *Journal) (*DepositJournal, error) {
	return openDepositJournal(j.dir)
}

func openDepositJournal(dir string) (*DepositJournal, error) {
	dj := &DepositJournal{dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, depositJournalFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &dj.f); err != nil {
			return nil, fmt.Errorf("relayer: deposit journal %s: %w", dir, err)
		}
	}
	return dj, nil
}

// ReadDepositJournal reads dir's deposits.json without taking the journal
// lock (for `pingo-relayer stuck` next to a running relayer): a snapshot.
func ReadDepositJournal(dir string) (cursorLT uint64, open []OpenDeposit, err error) {
	dj, err := openDepositJournal(dir)
	if err != nil {
		return 0, nil, err
	}
	return dj.f.CursorLT, dj.f.Open, nil
}

// Cursor is the newest anchor lt already scanned.
func (dj *DepositJournal) Cursor() uint64 {
	dj.mu.Lock()
	defer dj.mu.Unlock()
	return dj.f.CursorLT
}

// Open lists the deposits not yet final, oldest first.
func (dj *DepositJournal) Open() []OpenDeposit {
	dj.mu.Lock()
	defer dj.mu.Unlock()
	return append([]OpenDeposit(nil), dj.f.Open...)
}

// Advance adds newly seen deposits (skipping any already open) and moves
// the cursor, in one durable write: a crash either keeps both or neither,
// so no deposit is skipped.
func (dj *DepositJournal) Advance(cursor uint64, seen []OpenDeposit) error {
	return dj.update(func(f *depositFile) {
		for _, d := range seen {
			dup := false
			for _, o := range f.Open {
				dup = dup || (o.TONLt == d.TONLt && o.TONTxHash == d.TONTxHash)
			}
			for _, o := range f.Done {
				dup = dup || (o.TONLt == d.TONLt && o.TONTxHash == d.TONTxHash)
			}
			if !dup {
				f.Open = append(f.Open, d)
			}
		}
		if cursor > f.CursorLT {
			f.CursorLT = cursor
		}
		keep := f.Done[:0:0]
		for _, o := range f.Done {
			if o.TONLt > f.CursorLT {
				keep = append(keep, o)
			}
		}
		f.Done = keep
	})
}

// Close drops a deposit that became final on the chain.
func (dj *DepositJournal) Close(hash bridge.Hash32, lt uint64) error {
	return dj.update(func(f *depositFile) {
		keep := f.Open[:0:0]
		for _, o := range f.Open {
			if o.TONLt != lt || o.TONTxHash != hash {
				keep = append(keep, o)
			}
		}
		f.Open = keep
		if lt > f.CursorLT {
			f.Done = append(f.Done, DoneDeposit{TONTxHash: hash, TONLt: lt})
		}
	})
}

func (dj *DepositJournal) update(fn func(*depositFile)) error {
	dj.mu.Lock()
	defer dj.mu.Unlock()
	next := dj.f
	next.Open = append([]OpenDeposit(nil), dj.f.Open...)
	next.Done = append([]DoneDeposit(nil), dj.f.Done...)
	fn(&next)
	b, err := json.MarshalIndent(&next, "", " ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(dj.dir, depositJournalFile, b); err != nil {
		return err
	}
	dj.f = next
	return nil
}

// Depositor is the deposit-reporting state of one Relayer.
type Depositor struct {
	ton        DepositTON
	chain      DepositChain
	journal    *DepositJournal
	maxReports int
	lastReport map[[40]byte]time.Time // Run's goroutine only
	reports    *prometheus.CounterVec // by result
	credited   prometheus.Counter

	// Final, if set, is called when an open deposit shows final on the
	// chain, with its record and the time since the relayer saw it on TON.
	Final func(rec bridge.DepositRecord, sinceSeen time.Duration)
}

// EnableDeposits turns deposit reporting on: every round, scan the
// anchor's new transactions and report their deposits. j must be opened
// on the relayer's journal (OpenDepositJournal).
func (r *Relayer) EnableDeposits(ton DepositTON, chain DepositChain, j *DepositJournal) *Depositor {
	d := &Depositor{ton: ton, chain: chain, journal: j, maxReports: maxReportsPerRound, lastReport: map[[40]byte]time.Time{},
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "pingo_relayer", Name: "deposit_reports_total",
			Help: "ReportDeposit txs by result (sent, failed)."}, []string{"result"}),
		credited: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "pingo_relayer", Name: "deposits_final_total",
			Help: "Deposits this relayer saw become final (credited, returned or refundable) on the chain."}),
	}
	r.metrics.Registry.MustRegister(d.reports, d.credited)
	r.depositor = d
	return d
}

func depositKey(h bridge.Hash32, lt uint64) [40]byte {
	var k [40]byte
	copy(k[:], h[:])
	for i := 0; i < 8; i++ {
		k[32+i] = byte(lt >> (56 - 8*i))
	}
	return k
}

// run calls round every poll until ctx ends; a failing round is logged
// and retried (nothing it meets ends the loop).
func (d *Depositor) run(ctx context.Context, poll time.Duration, log *slog.Logger) {
	for {
		if err := d.round(ctx); err != nil && ctx.Err() == nil {
			log.Warn("deposit reporting failed; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}

// round scans TON from the cursor, then drives every open deposit:
// final on the chain → closed; its report pending → wait; otherwise
// (never reported, or expired) → report, at most every reportEvery.
func (d *Depositor) round(ctx context.Context) error {
	found, cursor, err := d.ton.Deposits(ctx, d.journal.Cursor())
	if err != nil {
		return fmt.Errorf("ton: deposits: %w", err)
	}
	now := time.Now()
	seen := make([]OpenDeposit, 0, len(found))
	scanned := d.journal.Cursor()
	for _, x := range found {
		// A transaction at or below the journaled cursor was seen before
		// (the cursor moves with the open list in one write): a replay.
		// One above it that already became final is skipped by Advance.
		if x.LT <= scanned {
			continue
		}
		o, ok := OpenDepositFrom(x, now)
		if !ok {
			continue
		}
		seen = append(seen, o)
	}
	if cursor != d.journal.Cursor() || len(seen) > 0 {
		if err := d.journal.Advance(cursor, seen); err != nil {
			return fmt.Errorf("deposit journal: %w", err)
		}
	}
	sent := 0
	open := d.journal.Open()
	reads := d.records(ctx, open)
	for i, o := range open {
		rec, exists, err := reads[i].rec, reads[i].exists, reads[i].err
		if err != nil {
			return fmt.Errorf("chain: deposit %d: %w", o.TONLt, err)
		}
		k := depositKey(o.TONTxHash, o.TONLt)
		if exists && rec.Final() {
			if err := d.journal.Close(o.TONTxHash, o.TONLt); err != nil {
				return fmt.Errorf("deposit journal: %w", err)
			}
			delete(d.lastReport, k)
			d.credited.Inc()
			if d.Final != nil {
				d.Final(rec, time.Since(o.SeenAt))
			}
			continue
		}
		m := o.Report()
		id := m.Fact().ID()
		if exists && containsID(rec.Facts, id) {
			continue // pending: the validators are voting
		}
		if sent >= d.maxReports || time.Since(d.lastReport[k]) < reportEvery {
			continue
		}
		d.lastReport[k] = time.Now()
		sent++
		if err := d.chain.ReportDeposit(ctx, m); err != nil {
			d.reports.WithLabelValues("failed").Inc()
			continue // retried after reportEvery; a processed one shows final next round
		}
		d.reports.WithLabelValues("sent").Inc()
	}
	return nil
}

// recordReaders bounds the record reads one round runs at once. Each read
// mostly waits (for the header after its height), so the bound is about
// the node's RPC, not this process: 64 reads of a 128-deposit backlog
// take two blocks' time instead of eight.
const recordReaders = 64

// maxReportsPerRound bounds the reports one round sends. The chain credits
// up to MaxFactVotes (16) deposits a block and keeps up to 256 pending, so
// two blocks' worth a round keeps the validators' queue full without
// flooding it.
const maxReportsPerRound = 2 * bridge.MaxFactVotes

type depositRead struct {
	rec    bridge.DepositRecord
	exists bool
	err    error
}

// records reads the chain's record of every open deposit, up to
// recordReaders at a time, in open's order. A proof-checked read waits for
// the header after the height it was answered at (414 ms measured on the
// 300 ms-block network), so reading a backlog one record after the other
// cost a round that much per open deposit: 32 deposits sent at once were
// credited at ~1 per second (chain TestDepositWithdrawNetwork, saturation
// phase), far below the chain's MaxFactVotes per block. Only the reads run
// in parallel; the round acts on them in order, as before.
func (d *Depositor) records(ctx context.Context, open []OpenDeposit) []depositRead {
	out := make([]depositRead, len(open))
	sem := make(chan struct{}, recordReaders)
	var wg sync.WaitGroup
	for i := range open {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			out[i].rec, out[i].exists, out[i].err = d.chain.Deposit(ctx, open[i].TONTxHash, open[i].TONLt)
		}(i)
	}
	wg.Wait()
	return out
}

func containsID(l []bridge.Hash32, id bridge.Hash32) bool {
	for _, x := range l {
		if x == id {
			return true
		}
	}
	return false
}
