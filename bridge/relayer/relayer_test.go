package relayer

import (
	"context"
	"encoding/binary"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// fakeChain serves sealed records for epochs 1..sealed.
type fakeChain struct {
	mu     sync.Mutex
	sealed uint64
	err    error
}

func (c *fakeChain) LatestSealed(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sealed, c.err
}

func (c *fakeChain) Checkpoint(_ context.Context, e uint64) (bridge.CheckpointRecord, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e > c.sealed {
		return bridge.CheckpointRecord{}, false, c.err
	}
	r := bridge.CheckpointRecord{ChainID: 7, Epoch: e, Height: e * 4, Status: bridge.StatusSealed, SealedHeight: int64(e*4 + 2),
		Valset: []bridge.SetEntry{{Power: 1}}, Signatures: []bridge.RecordedSig{{Index: 0}}}
	return r, true, c.err
}

func (c *fakeChain) BlockTime(context.Context, int64) (time.Time, error) { return time.Now(), nil }

// fakeTON lands every message unless outcome says otherwise; a Pending's
// Message is its epoch (8 bytes) so Submit knows what it carries.
type fakeTON struct {
	mu       sync.Mutex
	anchored uint64
	down     bool
	prepared map[uint64]int
	submits  map[uint64]int
	outcome  func(epoch uint64) (int, error) // exit code, or an error before landing
}

func newFakeTON() *fakeTON {
	return &fakeTON{prepared: map[uint64]int{}, submits: map[uint64]int{}}
}

var errDown = errors.New("liteserver unreachable")

func (f *fakeTON) LastEpoch(context.Context) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return 0, errDown
	}
	return f.anchored, nil
}

func (f *fakeTON) WalletBalance(context.Context) (*big.Int, error) { return big.NewInt(1e9), nil }

func (f *fakeTON) Prepare(_ context.Context, body *cell.Cell, _ tlb.Coins) (*bton.Pending, error) {
	sub, err := checkpoint.ParseSubmitBody(body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, errDown
	}
	f.prepared[sub.Checkpoint.Epoch]++
	return &bton.Pending{Message: binary.BigEndian.AppendUint64(nil, sub.Checkpoint.Epoch), BodyHash: body.Hash()}, nil
}

func (f *fakeTON) Submit(ctx context.Context, p *bton.Pending) (*bton.Result, error) {
	e := binary.BigEndian.Uint64(p.Message)
	f.mu.Lock()
	f.submits[e]++
	down, outcome := f.down, f.outcome
	f.mu.Unlock()
	if down {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	exit := checkpoint.ExitOK
	if outcome != nil {
		var err error
		if exit, err = outcome(e); err != nil {
			return nil, err
		}
	}
	if !checkpoint.Landed(exit) {
		return &bton.Result{Exit: exit}, &bton.RefusedError{Exit: exit}
	}
	f.mu.Lock()
	if e > f.anchored {
		f.anchored = e
	}
	f.mu.Unlock()
	return &bton.Result{Exit: exit}, nil
}

func (f *fakeTON) count(m map[uint64]int, e uint64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return m[e]
}

func newTestRelayer(t *testing.T, dir string, ch Chain, ton TON) (*Relayer, *Journal) {
	t.Helper()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return New(Config{Poll: 10 * time.Millisecond, SubmitTimeout: 200 * time.Millisecond}, ch, ton, j, nil, nil), j
}

// TestAnchorsInOrder: every sealed epoch is prepared once and landed in
// ascending order; lag ends at 0.
func TestAnchorsInOrder(t *testing.T) {
	ch, ton := &fakeChain{sealed: 3}, newFakeTON()
	r, j := newTestRelayer(t, t.TempDir(), ch, ton)
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	for e := uint64(1); e <= 3; e++ {
		if n := ton.count(ton.prepared, e); n != 1 {
			t.Fatalf("epoch %d prepared %d times", e, n)
		}
	}
	if ton.anchored != 3 || len(j.Entries()) != 0 {
		t.Fatalf("anchored %d, journal %+v", ton.anchored, j.Entries())
	}
	if got := Value(r.Metrics().Submissions.WithLabelValues("landed")); got != 3 {
		t.Fatalf("landed submissions = %v", got)
	}
}

// TestResumeBeforePrepare: a journaled message whose fate is unknown (TON
// does not answer) blocks every new Prepare, across a restart; once TON
// answers it is resolved first and only then are later epochs prepared.
func TestResumeBeforePrepare(t *testing.T) {
	dir := t.TempDir()
	ch, ton := &fakeChain{sealed: 2}, newFakeTON()
	ton.outcome = func(uint64) (int, error) { return 0, context.DeadlineExceeded }
	r, j := newTestRelayer(t, dir, ch, ton)
	if err := r.Round(context.Background()); err == nil {
		t.Fatal("round with an unanswered submit succeeded")
	}
	if e, ok := j.Get(1); !ok || e.State != StatePending {
		t.Fatalf("epoch 1 not journaled as pending: %+v", j.Entries())
	}
	j.Close()

	// Restart: the same journal, TON still silent.
	r, j = newTestRelayer(t, dir, ch, ton)
	_ = r.Round(context.Background())
	if n := ton.count(ton.prepared, 1); n != 1 {
		t.Fatalf("epoch 1 prepared %d times while its message could still land", n)
	}
	if n := ton.count(ton.prepared, 2); n != 0 {
		t.Fatalf("epoch 2 prepared while epoch 1's message was unresolved")
	}
	ton.mu.Lock()
	ton.outcome = nil
	ton.mu.Unlock()
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ton.count(ton.prepared, 1) != 1 || ton.count(ton.submits, 1) != 3 || ton.anchored != 2 || len(j.Entries()) != 0 {
		t.Fatalf("prepared %v submits %v anchored %d journal %+v", ton.prepared, ton.submits, ton.anchored, j.Entries())
	}
}

// TestAlertNotRetried: a 205 refusal raises one alert, is journaled as
// refused and never submitted again (not after a restart either); later
// epochs still anchor.
func TestAlertNotRetried(t *testing.T) {
	dir := t.TempDir()
	ch, ton := &fakeChain{sealed: 2}, newFakeTON()
	ton.outcome = func(e uint64) (int, error) {
		if e == 2 {
			return checkpoint.ExitBadSignature, nil
		}
		return checkpoint.ExitOK, nil
	}
	r, j := newTestRelayer(t, dir, ch, ton)
	for i := 0; i < 3; i++ {
		if err := r.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := ton.count(ton.submits, 2); n != 1 {
		t.Fatalf("refused epoch 2 submitted %d times", n)
	}
	if got := Value(r.Metrics().Alerts.WithLabelValues("bad signature")); got != 1 {
		t.Fatalf("alerts = %v", got)
	}
	j.Close()
	r, j = newTestRelayer(t, dir, ch, ton)
	ch.mu.Lock()
	ch.sealed = 3
	ch.mu.Unlock()
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ton.count(ton.submits, 2) != 1 || ton.anchored != 3 {
		t.Fatalf("after restart: submits %v anchored %d", ton.submits, ton.anchored)
	}
	if len(j.Entries()) != 0 {
		t.Fatalf("superseded refusal still journaled: %+v", j.Entries())
	}
}

// TestRunSurvivesTONDown: with TON unreachable Run keeps going (failures
// counted, no Prepare) and anchors once it returns.
func TestRunSurvivesTONDown(t *testing.T) {
	ch, ton := &fakeChain{sealed: 1}, newFakeTON()
	ton.down = true
	r, _ := newTestRelayer(t, t.TempDir(), ch, ton)
	r.cfg.MaxBackoff = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	deadline := time.Now().Add(3 * time.Second)
	for Value(r.Metrics().Failures.WithLabelValues(FailTONUnreachable)) < 3 {
		if time.Now().After(deadline) {
			t.Fatal("no failed rounds counted")
		}
		time.Sleep(5 * time.Millisecond)
	}
	ton.mu.Lock()
	ton.down = false
	ton.mu.Unlock()
	for {
		ton.mu.Lock()
		a := ton.anchored
		ton.mu.Unlock()
		if a == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("anchoring did not resume")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
}

// TestJournalDurableAndLocked: entries survive a reopen; a second open of
// a locked journal fails.
func TestJournalDurableAndLocked(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := &bton.Pending{Message: []byte{1, 2}, BodyHash: []byte{3}, ValidUntil: 42}
	if err := j.Put(Entry{Epoch: 5, State: StatePending, Pending: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenJournal(dir); err == nil {
		t.Fatal("second relayer opened a locked journal")
	}
	j.Close()
	j, err = OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e, ok := j.Get(5)
	if !ok || e.State != StatePending || e.Pending.ValidUntil != 42 || string(e.Pending.Message) != "\x01\x02" {
		t.Fatalf("reopened entry: %+v", e)
	}
}
