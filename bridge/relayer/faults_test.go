package relayer

import (
	"context"
	"fmt"
	"testing"
	"time"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// growingTON reveals its deposits a few per scan, as TON blocks would.
type growingTON struct {
	depTON
	all  []bton.Deposit
	step int
}

func (g *growingTON) Deposits(ctx context.Context, after uint64) ([]bton.Deposit, uint64, error) {
	g.mu.Lock()
	if n := len(g.deps) + g.step; n <= len(g.all) {
		g.deps = g.all[:n]
	} else {
		g.deps = g.all
	}
	g.mu.Unlock()
	return g.depTON.Deposits(ctx, after)
}

// instantChain credits a deposit in the block its report lands in.
type instantChain struct{ depChain }

func (c *instantChain) ReportDeposit(ctx context.Context, m DepositReport) error {
	if err := c.depChain.ReportDeposit(ctx, m); err != nil {
		return err
	}
	c.set(m.Fact().TONLt, bridge.DepositCredited)
	return nil
}

// TestDepositsShuffledSource: deposit reporting behind ShuffledDeposits
// (windows of 4, 40 % duplicated, 50 % replays, transactions held back
// for up to 6 scans)
// over 60 deposits revealed 3 per scan, with a restart from the journal in
// the middle (the wrapper's held-back state is lost with the process).
// For several seeds, and for a chain that credits at once (so any second
// report would be visible): every deposit is reported exactly once, final
// exactly once (one Final callback), none stays open, and the cursor ends
// at the newest lt. The faults really happened (the stats are non-zero).
func TestDepositsShuffledSource(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 7, 42} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			const n = 60
			src := &growingTON{step: 3}
			for i := 1; i <= n; i++ {
				src.all = append(src.all, tonDeposit(uint64(100*i), byte(i), int64(i)))
			}
			ch := &instantChain{depChain{recs: map[uint64]bridge.DepositRecord{}, reports: map[uint64]int{}, refunds: map[uint64]int{}}}
			dir := t.TempDir()
			finals := map[uint64]int{}
			var total ShuffleStats
			start := func(s uint64) (*Depositor, *ShuffledDeposits, *Journal) {
				j, err := OpenJournal(dir)
				if err != nil {
					t.Fatal(err)
				}
				dj, err := OpenDepositJournal(j)
				if err != nil {
					t.Fatal(err)
				}
				sh := NewShuffledDeposits(src, s, ShuffleConfig{Window: 4, DupPercent: 40, ReplayPercent: 50, MaxHoldScans: 6}, nil)
				d := New(Config{}, nil, nil, j, nil, nil).EnableDeposits(sh, ch, dj)
				d.Final = func(r bridge.DepositRecord, _ time.Duration) { finals[r.TONLt]++ }
				return d, sh, j
			}
			d, sh, j := start(seed)
			ctx := context.Background()
			for round := 0; round < 400; round++ {
				if round == 15 { // restart: held-back transactions must come again
					add(&total, sh.Stats())
					j.Close()
					d, sh, j = start(seed + 100)
				}
				if err := d.round(ctx); err != nil {
					t.Fatal(err)
				}
				if len(finals) == n && len(d.journal.Open()) == 0 && d.journal.Cursor() == 100*n {
					break
				}
			}
			add(&total, sh.Stats())
			j.Close()
			for i := 1; i <= n; i++ {
				lt := uint64(100 * i)
				if ch.reports[lt] != 1 || finals[lt] != 1 {
					t.Fatalf("deposit %d: %d reports, %d finals", lt, ch.reports[lt], finals[lt])
				}
			}
			if len(ch.reports) != n {
				t.Fatalf("reports for %d transactions", len(ch.reports))
			}
			if c := d.journal.Cursor(); c != 100*n {
				t.Fatalf("cursor %d", c)
			}
			if total.Duplicated == 0 || total.Replayed == 0 || total.HeldBack == 0 || total.Reordered == 0 || total.Late == 0 {
				t.Fatalf("no faults injected: %+v", total)
			}
			t.Logf("seed %d: %+v", seed, total)
		})
	}
}

func add(t *ShuffleStats, s ShuffleStats) {
	t.Scans += s.Scans
	t.Delivered += s.Delivered
	t.Duplicated += s.Duplicated
	t.Replayed += s.Replayed
	t.HeldBack += s.HeldBack
	t.Reordered += s.Reordered
	t.Late += s.Late
}

// TestShuffledDepositsCursor: the cursor ShuffledDeposits returns never
// passes a transaction it held back, and everything at or below it was
// delivered at some point; nothing is invented.
func TestShuffledDepositsCursor(t *testing.T) {
	src := &depTON{}
	for i := 1; i <= 40; i++ {
		src.deps = append(src.deps, tonDeposit(uint64(i), byte(i), 1))
	}
	sh := NewShuffledDeposits(src, 9, ShuffleConfig{Window: 5}, nil)
	delivered := map[uint64]bool{}
	cursor := uint64(0)
	for scan := 0; scan < 200 && cursor < 40; scan++ {
		out, cur, err := sh.Deposits(context.Background(), cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out {
			if d.LT < 1 || d.LT > 40 {
				t.Fatalf("invented lt %d", d.LT)
			}
			delivered[d.LT] = true
		}
		for _, h := range sh.held {
			if h.d.LT <= cur {
				t.Fatalf("cursor %d passes held-back lt %d", cur, h.d.LT)
			}
		}
		for lt := uint64(1); lt <= cur; lt++ {
			if !delivered[lt] {
				t.Fatalf("cursor %d passes undelivered lt %d", cur, lt)
			}
		}
		if cur < cursor {
			t.Fatalf("cursor went back %d -> %d", cursor, cur)
		}
		cursor = cur
	}
	if cursor != 40 {
		t.Fatalf("cursor stuck at %d", cursor)
	}
}
