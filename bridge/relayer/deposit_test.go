package relayer

import (
	"context"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/holiman/uint256"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// depTON serves a fixed list of anchor deposits, by lt.
type depTON struct {
	mu    sync.Mutex
	deps  []bton.Deposit
	calls []uint64 // afterLT of each scan
}

func (t *depTON) Deposits(_ context.Context, after uint64) ([]bton.Deposit, uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls = append(t.calls, after)
	var out []bton.Deposit
	newest := after
	for _, d := range t.deps {
		if d.LT > after {
			out = append(out, d)
			newest = max(newest, d.LT)
		}
	}
	return out, newest, nil
}

// depChain is the chain as the relayer sees it: a report makes the fact
// pending; the test applies or expires it.
type depChain struct {
	mu      sync.Mutex
	recs    map[uint64]bridge.DepositRecord
	reports map[uint64]int
	refunds map[uint64]int // ReportRefund among reports
}

func (c *depChain) Deposit(_ context.Context, h bridge.Hash32, lt uint64) (bridge.DepositRecord, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.recs[lt]
	return r, ok, nil
}

func (c *depChain) ReportDeposit(_ context.Context, m DepositReport) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := m.Fact()
	c.reports[f.TONLt]++
	if _, ok := m.(*bridge.ReportRefund); ok {
		c.refunds[f.TONLt]++
	}
	r := c.recs[f.TONLt]
	if r.Final() {
		return bridge.ErrDepositProcessed
	}
	c.recs[f.TONLt] = bridge.DepositRecord{TONTxHash: f.TONTxHash, TONLt: f.TONLt, Status: bridge.DepositReported, Facts: []bridge.Hash32{f.ID()}}
	return nil
}

func (c *depChain) set(lt uint64, status string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if status == "" {
		delete(c.recs, lt)
		return
	}
	r := c.recs[lt]
	r.Status, r.Facts = status, nil
	c.recs[lt] = r
}

func tonDeposit(lt uint64, to byte, amount int64) bton.Deposit {
	h := make([]byte, 32)
	h[0] = byte(lt)
	d := bton.Deposit{TxHash: h, LT: lt, Amount: big.NewInt(amount)}
	if to == 0 {
		d.Refundable, d.AnchorOK = true, true // TON returned it
	} else {
		d.Recipient[0] = to
	}
	return d
}

// TestRelayerReportsDeposits: every deposit the scan finds is reported
// once and left alone while pending; an expired report is re-sent (after
// reportEvery); a final one is closed; the cursor and the open list survive
// a restart, so nothing is skipped or reported from scratch.
func TestRelayerReportsDeposits(t *testing.T) {
	old := reportEvery
	reportEvery = 50 * time.Millisecond
	defer func() { reportEvery = old }()
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	failed := tonDeposit(25, 0, 8) // unparseable and the anchor failed: owed by the L2
	failed.AnchorOK, failed.Exit, failed.Sender = false, -14, bridge.TONAddr{4: 0x5e}.Address()
	ton := &depTON{deps: []bton.Deposit{tonDeposit(10, 0xaa, 5), tonDeposit(20, 0, 7), failed}}
	ch := &depChain{recs: map[uint64]bridge.DepositRecord{}, reports: map[uint64]int{}, refunds: map[uint64]int{}}
	open := func(j *Journal) *Depositor {
		dj, err := OpenDepositJournal(j)
		if err != nil {
			t.Fatal(err)
		}
		return New(Config{}, nil, nil, j, nil, nil).EnableDeposits(ton, ch, dj)
	}
	d := open(j)
	var finals []bridge.DepositRecord
	d.Final = func(r bridge.DepositRecord, _ time.Duration) { finals = append(finals, r) }
	ctx := context.Background()
	if err := d.round(ctx); err != nil {
		t.Fatal(err)
	}
	if ch.reports[10] != 1 || ch.reports[20] != 1 || ch.reports[25] != 1 || ch.refunds[25] != 1 || ch.refunds[20] != 0 {
		t.Fatalf("reports %v, refunds %v", ch.reports, ch.refunds)
	}
	want25 := (&bridge.ReportRefund{TONTxHash: ch.recs[25].TONTxHash, TONLt: 25, Sender: bridge.TONAddr{4: 0x5e}, Amount: *uint256.NewInt(8)}).Fact().ID()
	if r := ch.recs[25]; len(r.Facts) != 1 || r.Facts[0] != want25 {
		t.Fatalf("wrong refund report: %+v", r)
	}
	ch.set(25, bridge.DepositRefundable)
	if r := ch.recs[10]; r.TONTxHash[0] != 10 || len(r.Facts) != 1 ||
		r.Facts[0] != (&bridge.ReportDeposit{TONTxHash: r.TONTxHash, TONLt: 10, Recipient: auth.Address{0xaa}, Amount: *uint256.NewInt(5)}).Fact().ID() {
		t.Fatalf("wrong report: %+v", r)
	}
	time.Sleep(60 * time.Millisecond)
	d.round(ctx) // pending: not reported again
	if ch.reports[10] != 1 || ch.reports[20] != 1 {
		t.Fatalf("pending reported again: %v", ch.reports)
	}
	ch.set(10, bridge.DepositCredited)
	ch.set(20, "") // expired unapplied
	d.round(ctx)
	if ch.reports[20] != 2 || ch.reports[10] != 1 || len(finals) != 2 || finals[0].TONLt != 25 || finals[1].TONLt != 10 {
		t.Fatalf("after credit/expiry: reports %v, finals %v", ch.reports, finals)
	}
	if o := d.journal.Open(); len(o) != 1 || o[0].TONLt != 20 || o[0].Recipient != (auth.Address{}) || o[0].Amount.Uint64() != 7 {
		t.Fatalf("open %+v", o)
	}

	// Restart: a new deposit arrives meanwhile.
	j.Close()
	ton.mu.Lock()
	ton.deps = append(ton.deps, tonDeposit(30, 0xbb, 9))
	ton.mu.Unlock()
	j2, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	d2 := open(j2)
	if d2.journal.Cursor() != 25 {
		t.Fatalf("cursor after restart %d", d2.journal.Cursor())
	}
	ch.set(20, bridge.DepositRefundable)
	d2.round(ctx)
	if ch.reports[30] != 1 || ch.reports[10] != 1 || ton.calls[len(ton.calls)-1] != 25 {
		t.Fatalf("after restart: reports %v, scans %v", ch.reports, ton.calls)
	}
	if o := d2.journal.Open(); len(o) != 1 || o[0].TONLt != 30 {
		t.Fatalf("open after restart %+v", o)
	}
	cur, open2, err := ReadDepositJournal(dir)
	if err != nil || cur != 30 || len(open2) != 1 {
		t.Fatalf("snapshot: %d %v %v", cur, open2, err)
	}
}

// slowChain is depChain whose record reads each take delay, counting the
// most reads in flight at once.
type slowChain struct {
	depChain
	delay             time.Duration
	mu2               sync.Mutex
	inFlight, maxSeen int
}

func (c *slowChain) Deposit(ctx context.Context, h bridge.Hash32, lt uint64) (bridge.DepositRecord, bool, error) {
	c.mu2.Lock()
	c.inFlight++
	c.maxSeen = max(c.maxSeen, c.inFlight)
	c.mu2.Unlock()
	time.Sleep(c.delay)
	c.mu2.Lock()
	c.inFlight--
	c.mu2.Unlock()
	return c.depChain.Deposit(ctx, h, lt)
}

// TestRelayerReadsDepositRecordsInParallel: a backlog of 100 open deposits
// whose record reads take 100 ms each (a proof-checked read waits about a
// block) is read recordReaders at a time — one round takes ~2 reads' time,
// not 100 — and acted on as before: the maxReportsPerRound oldest reported,
// in order; the next round reports the next ones.
func TestRelayerReadsDepositRecordsInParallel(t *testing.T) {
	const n = 100
	ton := &depTON{}
	for i := uint64(1); i <= n; i++ {
		ton.deps = append(ton.deps, tonDeposit(i, 0xaa, 5))
	}
	ch := &slowChain{depChain: depChain{recs: map[uint64]bridge.DepositRecord{}, reports: map[uint64]int{}}, delay: 100 * time.Millisecond}
	j, err := OpenJournal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	dj, err := OpenDepositJournal(j)
	if err != nil {
		t.Fatal(err)
	}
	d := New(Config{}, nil, nil, j, nil, nil).EnableDeposits(ton, ch, dj)
	start := time.Now()
	if err := d.round(context.Background()); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if ch.maxSeen != recordReaders {
		t.Errorf("%d reads in flight at most, want %d", ch.maxSeen, recordReaders)
	}
	if took > n*ch.delay/2 {
		t.Errorf("round took %s for %d reads of %s", took, n, ch.delay)
	}
	for lt := uint64(1); lt <= n; lt++ {
		if want := map[bool]int{true: 1, false: 0}[lt <= maxReportsPerRound]; ch.reports[lt] != want {
			t.Fatalf("deposit %d reported %d times, want %d (reports %v)", lt, ch.reports[lt], want, ch.reports)
		}
	}
	if err := d.round(context.Background()); err != nil {
		t.Fatal(err)
	}
	for lt := uint64(1); lt <= n; lt++ {
		if want := map[bool]int{true: 1, false: 0}[lt <= 2*maxReportsPerRound]; ch.reports[lt] != want {
			t.Fatalf("round 2: deposit %d reported %d times, want %d", lt, ch.reports[lt], want)
		}
	}
}
