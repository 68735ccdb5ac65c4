package watcher

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

type fakeChain struct {
	mu      sync.Mutex
	pending []bridge.PendingFact
	facts   map[bridge.Hash32]bridge.Fact
}

func (c *fakeChain) PendingFacts(context.Context) ([]bridge.PendingFact, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bridge.PendingFact(nil), c.pending...), nil
}

func (c *fakeChain) Fact(_ context.Context, id bridge.Hash32) (bridge.Fact, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.facts[id]
	return f, ok, nil
}

func (c *fakeChain) Checkpoint(_ context.Context, e uint64) (bridge.CheckpointRecord, bool, error) {
	return bridge.CheckpointRecord{Epoch: e, Digest: bridge.Hash32{byte(e)}}, true, nil
}

func (c *fakeChain) add(f bridge.Fact) bridge.Hash32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := f.ID()
	c.facts[id] = f
	c.pending = append(c.pending, bridge.PendingFact{ID: id, ExpiresHeight: 100})
	return id
}

// fakeTON answers per TON lt: ok, a contradiction, an outage, or a hang.
type fakeTON struct {
	mu    sync.Mutex
	mode  map[uint64]string
	calls map[uint64]int
}

func (t *fakeTON) VerifyAnchor(ctx context.Context, epoch uint64, digest [32]byte, hash []byte, lt uint64) error {
	t.mu.Lock()
	t.calls[lt]++
	m := t.mode[lt]
	t.mu.Unlock()
	if digest != ([32]byte{byte(epoch)}) {
		return errors.New("wrong digest passed")
	}
	switch m {
	case "ok":
		return nil
	case "missing":
		return bton.ErrNoSuchTransaction
	case "other":
		return bton.ErrNotAnchoring
	case "hang":
		<-ctx.Done()
		return ctx.Err()
	}
	return errors.New("no active connections")
}

// Deposit answers per lt: "credit" 5 units to 0xaa…, "refund" 5 units
// without a recipient, "forged"/"zero" (not from the bridge wallet, or 0
// jettons: ErrNotDeposit), "missing", else an outage.
func (t *fakeTON) Deposit(ctx context.Context, hash []byte, lt uint64) (bton.Deposit, error) {
	t.mu.Lock()
	t.calls[lt]++
	m := t.mode[lt]
	t.mu.Unlock()
	switch m {
	case "credit":
		return bton.Deposit{LT: lt, Amount: big.NewInt(5), Recipient: [20]byte{0xaa}}, nil
	case "refund": // unparseable, the anchor's transaction succeeded: TON returned it
		return bton.Deposit{LT: lt, Amount: big.NewInt(5), Refundable: true, AnchorOK: true, Sender: refundSender.Address()}, nil
	case "refund-failed": // unparseable, the anchor's transaction failed (-14): the L2 owes it
		return bton.Deposit{LT: lt, Amount: big.NewInt(5), Refundable: true, Exit: -14, Sender: refundSender.Address()}, nil
	case "forged", "zero":
		return bton.Deposit{}, bton.ErrNotDeposit
	case "missing":
		return bton.Deposit{}, bton.ErrNoSuchTransaction
	}
	return bton.Deposit{}, errors.New("no active connections")
}

func (t *fakeTON) set(lt uint64, m string) {
	t.mu.Lock()
	t.mode[lt] = m
	t.mu.Unlock()
}

func anchorFact(epoch, lt uint64) bridge.Fact {
	return bridge.Fact{Kind: bridge.FactAnchor, Epoch: epoch, TONTxHash: bridge.Hash32{1}, TONLt: lt}
}

// TestWatcherVerdicts: confirmed facts are cached for good; contradicted
// and inconclusive ones are not confirmed and are checked again (after
// Recheck, resp. next round); a hanging TON costs at most QueryTimeout per
// check; facts no longer pending are forgotten; unknown kinds are never
// confirmed.
func TestWatcherVerdicts(t *testing.T) {
	c := &fakeChain{facts: map[bridge.Hash32]bridge.Fact{}}
	ton := &fakeTON{mode: map[uint64]string{}, calls: map[uint64]int{}}
	w := New(Config{QueryTimeout: 100 * time.Millisecond, Recheck: 300 * time.Millisecond}, c,
		func(context.Context) (TON, error) { return ton, nil }, nil)
	ctx := context.Background()

	ok := c.add(anchorFact(1, 10))
	ton.set(10, "ok")
	missing := c.add(anchorFact(2, 20))
	ton.set(20, "missing")
	other := c.add(anchorFact(3, 30))
	ton.set(30, "other")
	down := c.add(anchorFact(4, 40)) // no mode: unreachable
	hang := c.add(anchorFact(5, 50))
	ton.set(50, "hang")
	deposit := c.add(bridge.Fact{Kind: bridge.FactDeposit, TONTxHash: bridge.Hash32{2}, TONLt: 60})

	start := time.Now()
	w.Round(ctx)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a round with one hanging check took %s", d)
	}
	for id, want := range map[bridge.Hash32]bool{ok: true, missing: false, other: false, down: false, hang: false, deposit: false} {
		if w.Confirmed(id) != want {
			t.Errorf("fact %x: confirmed=%v, want %v", id[:4], !want, want)
		}
	}
	w.Round(ctx) // immediately: only the inconclusive ones are checked again
	for lt, want := range map[uint64]int{10: 1, 20: 1, 30: 1, 40: 2, 50: 2} {
		if got := ton.calls[lt]; got != want {
			t.Errorf("lt %d: %d checks, want %d", lt, got, want)
		}
	}
	ton.set(20, "ok") // the liteserver caught up
	time.Sleep(350 * time.Millisecond)
	w.Round(ctx)
	if !w.Confirmed(missing) || ton.calls[10] != 1 {
		t.Error("a negative verdict was not rechecked after Recheck, or a positive one was")
	}
	c.mu.Lock()
	c.pending = c.pending[1:] // ok was applied on chain
	c.mu.Unlock()
	w.Round(ctx)
	if w.Confirmed(ok) {
		t.Error("verdict of a fact no longer pending kept")
	}
}

// TestWatcherDialRetried: TON unreachable at start: nothing confirmed, no
// panic; dialing is retried each round until it works.
func TestWatcherDialRetried(t *testing.T) {
	c := &fakeChain{facts: map[bridge.Hash32]bridge.Fact{}}
	ton := &fakeTON{mode: map[uint64]string{10: "ok"}, calls: map[uint64]int{}}
	dials := 0
	w := New(Config{}, c, func(context.Context) (TON, error) {
		dials++
		if dials < 3 {
			return nil, errors.New("connection refused")
		}
		return ton, nil
	}, nil)
	w.Round(context.Background()) // nothing pending: no dial
	if dials != 0 {
		t.Fatal("dialed with nothing to check")
	}
	id := c.add(anchorFact(1, 10))
	for i := 0; i < 3; i++ {
		w.Round(context.Background())
	}
	if dials != 3 || !w.Confirmed(id) {
		t.Fatalf("dials %d, confirmed %v", dials, w.Confirmed(id))
	}
}

// refundSender is the TON owner of the fake unparseable deposits.
var refundSender = bridge.TONAddr{3: 0, 4: 0x5e}

func refundFact(lt uint64, sender bridge.TONAddr, amount uint64) bridge.Fact {
	m := &bridge.ReportRefund{TONTxHash: bridge.Hash32{3}, TONLt: lt, Sender: sender}
	m.Amount.SetUint64(amount)
	return m.Fact()
}

func depositFact(lt uint64, to auth.Address, amount uint64) bridge.Fact {
	m := &bridge.ReportDeposit{TONTxHash: bridge.Hash32{3}, TONLt: lt, Recipient: to}
	m.Amount.SetUint64(amount)
	return m.Fact()
}

// TestWatcherDeposits: a deposit fact gets this node's vote only when its
// TON view shows exactly the reported content: the right recipient and
// amount; for a payload without a recipient a zero-recipient ReportDeposit
// if the anchor's transaction succeeded (returned by TON), a ReportRefund
// to exactly the notification's sender if it failed — never the other form.
// A wrong recipient or amount, a refundable report of a crediting deposit
// (and the reverse), a forged notification, 0 jettons or a missing
// transaction get none; an outage concludes nothing.
func TestWatcherDeposits(t *testing.T) {
	c := &fakeChain{facts: map[bridge.Hash32]bridge.Fact{}}
	ton := &fakeTON{mode: map[uint64]string{1: "credit", 2: "refund", 3: "forged", 4: "zero", 5: "missing", 7: "refund-failed"}, calls: map[uint64]int{}}
	w := New(Config{MaxPerRound: 16}, c, func(context.Context) (TON, error) { return ton, nil }, nil)
	aa := auth.Address{0xaa}
	for _, tc := range []struct {
		name string
		f    bridge.Fact
		want bool
	}{
		{"credit", depositFact(1, aa, 5), true},
		{"wrong recipient", depositFact(1, auth.Address{0xbb}, 5), false},
		{"wrong amount", depositFact(1, aa, 6), false},
		{"credit reported refundable", depositFact(1, auth.Address{}, 5), false},
		{"refundable", depositFact(2, auth.Address{}, 5), true},
		{"refundable reported as credit", depositFact(2, aa, 5), false},
		{"returned by TON reported as owed", refundFact(2, refundSender, 5), false},
		{"owed", refundFact(7, refundSender, 5), true},
		{"owed reported as returned", depositFact(7, auth.Address{}, 5), false},
		{"owed to another sender", refundFact(7, bridge.TONAddr{4: 0x77}, 5), false},
		{"owed, wrong amount", refundFact(7, refundSender, 4), false},
		{"credit reported as owed", refundFact(1, refundSender, 5), false},
		{"forged notification", depositFact(3, aa, 5), false},
		{"zero jettons", depositFact(4, aa, 5), false},
		{"no such transaction", depositFact(5, aa, 5), false},
		{"TON down", depositFact(6, aa, 5), false},
	} {
		id := c.add(tc.f)
		w.Round(context.Background())
		if got := w.Confirmed(id); got != tc.want {
			t.Errorf("%s: confirmed=%v, want %v", tc.name, got, tc.want)
		}
	}
	if ton.calls[6] == 0 {
		t.Fatal("outage case never checked")
	}
}
