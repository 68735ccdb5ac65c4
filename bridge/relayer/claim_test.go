package relayer

import (
	"context"
	"encoding/binary"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// fakeClaimChain holds withdrawals by epoch; ids are contiguous from 1,
// as x/bridge hands them out.
type fakeClaimChain struct {
	fakeChain
	epochs   map[uint64][]bridge.WithdrawalRecord
	byID     map[uint64]bridge.WithdrawalRecord
	re       map[uint64][]uint64 // re-included ids by epoch
	unsealed map[uint64]bool     // checkpoints still accumulating
}

// newFakeClaimChain: counts[e-1] withdrawals in epoch e.
func newFakeClaimChain(t *testing.T, counts ...int) *fakeClaimChain {
	c := &fakeClaimChain{epochs: map[uint64][]bridge.WithdrawalRecord{}, byID: map[uint64]bridge.WithdrawalRecord{},
		re: map[uint64][]uint64{}, unsealed: map[uint64]bool{}}
	to, err := bridge.TONAddrFrom(address.MustParseRawAddr("0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8"))
	if err != nil {
		t.Fatal(err)
	}
	id := uint64(1)
	for i, n := range counts {
		e := uint64(i + 1)
		for k := 0; k < n; k++ {
			r := bridge.WithdrawalRecord{ID: id, Epoch: e, Index: uint32(k), From: [20]byte{byte(k)}, To: to,
				Amount: uint256.NewInt(1000 + id), Height: int64(e*10 + uint64(k))}
			h, err := r.Withdrawal().LeafHash()
			if err != nil {
				t.Fatal(err)
			}
			r.Leaf = h
			c.epochs[e] = append(c.epochs[e], r)
			c.byID[id] = r
			id++
		}
	}
	return c
}

func (c *fakeClaimChain) leaves(e uint64) [][32]byte {
	var out [][32]byte
	for _, r := range c.epochs[e] {
		out = append(out, r.Leaf)
	}
	return out
}

func (c *fakeClaimChain) root(e uint64) [32]byte {
	r, _ := checkpoint.WithdrawalRoot(c.leaves(e))
	return r
}

func (c *fakeClaimChain) Checkpoint(_ context.Context, e uint64) (bridge.CheckpointRecord, bool, error) {
	st := bridge.StatusSealed
	if c.unsealed[e] {
		st = bridge.StatusAccumulating
	}
	return bridge.CheckpointRecord{Epoch: e, Status: st, WithdrawalRoot: c.root(e)}, true, nil
}

func (c *fakeClaimChain) EpochWithdrawals(_ context.Context, e uint64) (bridge.EpochWithdrawals, error) {
	rs := c.epochs[e]
	if len(rs) == 0 {
		return bridge.EpochWithdrawals{}, nil
	}
	k := len(c.re[e])
	ew := bridge.EpochWithdrawals{Count: uint32(len(rs)), Reincluded: uint32(k)}
	if k < len(rs) {
		ew.FirstID = rs[k].ID
	}
	return ew, nil
}

func (c *fakeClaimChain) ReincludedIDs(_ context.Context, e uint64) ([]uint64, error) {
	return c.re[e], nil
}

// reinclude does what x/bridge does when from's checkpoint closes
// unsealed: from's withdrawals go, same ids, ahead of into's own ones
// with into as their leaf epoch; from keeps its (now historic) leaves.
func (c *fakeClaimChain) reinclude(t *testing.T, from, into uint64) {
	var moved []bridge.WithdrawalRecord
	for i, old := range c.epochs[from] {
		r := old
		r.Epoch, r.Index, r.ReincludedFrom = into, uint32(i), append(append([]uint64(nil), old.ReincludedFrom...), from)
		h, err := r.Withdrawal().LeafHash()
		if err != nil {
			t.Fatal(err)
		}
		r.Leaf = h
		moved = append(moved, r)
		c.re[into] = append(c.re[into], r.ID)
		c.byID[r.ID] = r
	}
	for _, own := range c.epochs[into] {
		own.Index = uint32(len(moved))
		moved = append(moved, own)
		c.byID[own.ID] = own
	}
	c.epochs[into] = moved
}

func (c *fakeClaimChain) WithdrawalLeaves(_ context.Context, e uint64) ([][32]byte, error) {
	return c.leaves(e), nil
}

func (c *fakeClaimChain) Withdrawal(_ context.Context, id uint64) (bridge.WithdrawalRecord, bool, error) {
	r, ok := c.byID[id]
	return r, ok, nil
}

// fakeAnchor is the anchor's claim side: roots of anchored epochs, ids
// paid, and what each claim message did. A Pending's Message is the id.
type fakeAnchor struct {
	*fakeTON
	mu       sync.Mutex
	roots    map[uint64][32]byte
	paid     map[uint64]int // payouts per id: must never exceed 1
	prepared map[uint64]int
	submits  map[uint64]int
	down     bool
	outcome  func(id uint64) (int, error) // overrides before the contract's own check
}

func newFakeAnchor() *fakeAnchor {
	return &fakeAnchor{fakeTON: newFakeTON(), roots: map[uint64][32]byte{}, paid: map[uint64]int{},
		prepared: map[uint64]int{}, submits: map[uint64]int{}}
}

func (f *fakeAnchor) anchor(c *fakeClaimChain, epochs ...uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range epochs {
		f.roots[e] = c.root(e)
		f.fakeTON.mu.Lock()
		if e > f.fakeTON.anchored {
			f.fakeTON.anchored = e
		}
		f.fakeTON.mu.Unlock()
	}
}

func (f *fakeAnchor) WithdrawalRoot(_ context.Context, e uint64) ([32]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return [32]byte{}, errDown
	}
	return f.roots[e], nil
}

func (f *fakeAnchor) IsClaimed(_ context.Context, id uint64) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return false, errDown
	}
	return f.paid[id] > 0, nil
}

func (f *fakeAnchor) Prepare(_ context.Context, body *cell.Cell, _ tlb.Coins) (*bton.Pending, error) {
	cl, err := checkpoint.ParseClaimBody(body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prepared[cl.Withdrawal.ID]++
	// The body travels in the message so Submit can run the contract's check.
	return &bton.Pending{Message: body.ToBOC(), BodyHash: body.Hash(), ValidUntil: time.Now().Add(time.Minute).Unix()}, nil
}

func (f *fakeAnchor) Submit(ctx context.Context, p *bton.Pending) (*bton.Result, error) {
	cl, err := checkpoint.ParseClaimBOC(p.Message)
	if err != nil {
		return nil, err
	}
	id := cl.Withdrawal.ID
	f.mu.Lock()
	f.submits[id]++
	down, outcome := f.down, f.outcome
	f.mu.Unlock()
	if down {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if outcome != nil {
		exit, err := outcome(id)
		if err != nil || exit >= 0 {
			if err == nil && exit != 0 {
				err = &bton.RefusedError{Exit: exit}
			}
			return &bton.Result{Exit: exit}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	root, ok := f.roots[cl.Epoch]
	leaf, _ := cl.Withdrawal.LeafHash()
	switch {
	case !ok:
		return &bton.Result{Exit: checkpoint.ExitUnknownEpoch}, &bton.RefusedError{Exit: checkpoint.ExitUnknownEpoch}
	case !checkpoint.VerifyWithdrawalPath(root, leaf, uint64(cl.Index), cl.Path):
		return &bton.Result{Exit: checkpoint.ExitWrongPath}, &bton.RefusedError{Exit: checkpoint.ExitWrongPath}
	case f.paid[id] > 0:
		return &bton.Result{Exit: checkpoint.ExitAlreadyClaimed}, &bton.RefusedError{Exit: checkpoint.ExitAlreadyClaimed}
	}
	f.paid[id]++
	return &bton.Result{Exit: checkpoint.ExitOK}, nil
}

func (f *fakeAnchor) get(m map[uint64]int, id uint64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return m[id]
}

func (f *fakeAnchor) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

func newClaimRelayer(t *testing.T, dir string, ch *fakeClaimChain, ton *fakeAnchor, cfg ClaimConfig) (*Relayer, *ClaimJournal, *Journal) {
	t.Helper()
	r, j := newTestRelayer(t, dir, &ch.fakeChain, ton)
	cj, err := OpenClaimJournal(j)
	if err != nil {
		t.Fatal(err)
	}
	r.EnableClaims(cfg, ch, ton, cj)
	return r, cj, j
}

func paidOnce(t *testing.T, ton *fakeAnchor, ids ...uint64) {
	t.Helper()
	for _, id := range ids {
		if n := ton.get(ton.paid, id); n != 1 {
			t.Fatalf("withdrawal %d paid %d times", id, n)
		}
	}
}

// TestAutoClaim: every withdrawal of an anchored epoch is claimed once,
// in id order; an epoch not yet anchored waits; empty epochs are passed.
func TestAutoClaim(t *testing.T) {
	ch := newFakeClaimChain(t, 3, 0, 5, 2) // ids 1-3 | - | 4-8 | 9-10
	ton := newFakeAnchor()
	ton.anchor(ch, 1, 2, 3)
	r, cj, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{})
	var order []uint64
	r.OnClaimed(func(id uint64, exit int) { order = append(order, id) })
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	paidOnce(t, ton, 1, 2, 3, 4, 5, 6, 7, 8)
	if ton.get(ton.prepared, 9) != 0 {
		t.Fatal("claimed in an epoch the anchor does not hold yet")
	}
	if c := cj.Cursor(1); c != (ClaimCursor{Epoch: 4}) {
		t.Fatalf("cursor %+v", c)
	}
	for i, id := range order {
		if id != uint64(i+1) {
			t.Fatalf("claim order %v", order)
		}
	}
	ton.anchor(ch, 4)
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	paidOnce(t, ton, 9, 10)
	if got := r.ClaimMetric("claimed"); got != 10 {
		t.Fatalf("claims_total{claimed} = %v", got)
	}
	// Nothing is claimed twice on later rounds.
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	for id := uint64(1); id <= 10; id++ {
		if ton.get(ton.prepared, id) != 1 {
			t.Fatalf("withdrawal %d prepared %d times", id, ton.get(ton.prepared, id))
		}
	}
}

// TestAutoClaimBudget: MaxPerRound bounds one round; the cursor carries
// on mid-epoch in the next.
func TestAutoClaimBudget(t *testing.T) {
	ch := newFakeClaimChain(t, 5)
	ton := newFakeAnchor()
	ton.anchor(ch, 1)
	r, cj, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{MaxPerRound: 2})
	for round, want := range []ClaimCursor{{1, 2}, {1, 4}, {2, 0}} {
		if err := r.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c := cj.Cursor(1); c != want {
			t.Fatalf("round %d: cursor %+v, want %+v", round, c, want)
		}
	}
	paidOnce(t, ton, 1, 2, 3, 4, 5)
}

// TestAutoClaimRestart: a claim journaled and sent while TON does not
// answer is resumed as is after a restart (prepared once: no second fee),
// and paid once.
func TestAutoClaimRestart(t *testing.T) {
	dir := t.TempDir()
	ch := newFakeClaimChain(t, 2)
	ton := newFakeAnchor()
	ton.anchor(ch, 1)
	ton.outcome = func(id uint64) (int, error) {
		if id == 2 {
			return 0, context.DeadlineExceeded // sent, no answer
		}
		return -1, nil
	}
	r, cj, j := newClaimRelayer(t, dir, ch, ton, ClaimConfig{})
	if err := r.Round(context.Background()); err == nil {
		t.Fatal("round with an unanswered claim succeeded")
	}
	if p, ok := cj.Pending(); !ok || p.ID != 2 {
		t.Fatalf("claim 2 not journaled as pending: %+v %v", p, ok)
	}
	j.Close()

	// Restart on the same directory; TON answers now.
	ton.set(func() { ton.outcome = nil })
	r, cj, _ = newClaimRelayer(t, dir, ch, ton, ClaimConfig{})
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := ton.get(ton.prepared, 2); n != 1 {
		t.Fatalf("claim 2 prepared %d times across the restart", n)
	}
	if n := ton.get(ton.submits, 2); n != 2 {
		t.Fatalf("claim 2 submitted %d times (want the same message twice)", n)
	}
	paidOnce(t, ton, 1, 2)
	if _, ok := cj.Pending(); ok || cj.Cursor(1) != (ClaimCursor{Epoch: 2}) {
		t.Fatalf("journal after: %+v", cj.Cursor(1))
	}
}

// TestAutoClaimAlreadyClaimed: a user (or another relayer) claimed first.
// Seen by isClaimed: nothing is sent. Seen only as exit 303 (the claim
// raced): success, not retried.
func TestAutoClaimAlreadyClaimed(t *testing.T) {
	ch := newFakeClaimChain(t, 3)
	ton := newFakeAnchor()
	ton.anchor(ch, 1)
	ton.paid[1] = 1 // claimed by hand before the relayer looked
	ton.outcome = func(id uint64) (int, error) {
		if id == 2 { // another claimer's message landed first
			ton.mu.Lock()
			ton.paid[2]++
			ton.mu.Unlock()
			return checkpoint.ExitAlreadyClaimed, nil
		}
		return -1, nil
	}
	r, _, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{})
	for i := 0; i < 2; i++ {
		if err := r.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if ton.get(ton.prepared, 1) != 0 {
		t.Fatal("sent a claim for an id isClaimed reported paid")
	}
	if ton.get(ton.submits, 2) != 1 {
		t.Fatalf("exit 303 retried: %d submits", ton.get(ton.submits, 2))
	}
	paidOnce(t, ton, 1, 2, 3)
	if r.ClaimMetric("already_claimed") != 2 || r.ClaimMetric("claimed") != 1 {
		t.Fatalf("already_claimed %v claimed %v", r.ClaimMetric("already_claimed"), r.ClaimMetric("claimed"))
	}
}

// TestAutoClaimUnclaimable: an epoch at or below the anchor's lastEpoch
// whose root the anchor does not hold (its checkpoint was superseded) is
// raised as an alert and passed, without sending anything.
func TestAutoClaimUnclaimable(t *testing.T) {
	ch := newFakeClaimChain(t, 1, 2, 1)
	ton := newFakeAnchor()
	ton.anchor(ch, 1, 3) // epoch 2 never anchored
	r, _, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{})
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	paidOnce(t, ton, 1, 4)
	if ton.get(ton.prepared, 2)+ton.get(ton.prepared, 3) != 0 {
		t.Fatal("claimed in an epoch the anchor never held")
	}
	if got := Value(r.Metrics().Alerts.WithLabelValues("withdrawals_unclaimable")); got != 1 {
		t.Fatalf("alerts %v", got)
	}
	if got := r.ClaimMetric("unclaimable"); got != 2 {
		t.Fatalf("unclaimable %v", got)
	}
}

// TestAutoClaimReincluded: epoch 1's checkpoint never sealed, so the
// anchor never held its root; its withdrawals (ids 1, 2) were re-included
// in epoch 3 ahead of epoch 3's own (id 4). The relayer passes epoch 1
// without an alert, while it waits for the window to close (still
// unsealed, not moved) and after the move, and claims ids 1, 2 and 4 from
// epoch 3's root: each paid once, with the index that root proves.
func TestAutoClaimReincluded(t *testing.T) {
	ch := newFakeClaimChain(t, 2, 1, 1) // ids 1-2 | 3 | 4
	ch.unsealed[1] = true
	ton := newFakeAnchor()
	ton.anchor(ch, 2) // epoch 1 never anchored: the anchor passed it
	r, cj, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{})
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	paidOnce(t, ton, 3)
	if got := r.ClaimMetric("awaiting_reinclusion"); got != 2 {
		t.Fatalf("awaiting_reinclusion %v", got)
	}
	// The window closes: ids 1 and 2 move to epoch 3, which is anchored.
	ch.reinclude(t, 1, 3)
	ton.anchor(ch, 3)
	var order []uint64
	r.OnClaimed(func(id uint64, _ int) { order = append(order, id) })
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	paidOnce(t, ton, 1, 2, 3, 4)
	if len(order) != 3 || order[0] != 1 || order[1] != 2 || order[2] != 4 {
		t.Fatalf("claim order %v", order)
	}
	if got := Value(r.Metrics().Alerts.WithLabelValues("withdrawals_unclaimable")); got != 0 {
		t.Fatalf("alerts %v", got)
	}
	if c := cj.Cursor(1); c != (ClaimCursor{Epoch: 4}) {
		t.Fatalf("cursor %+v", c)
	}
	// A relayer starting fresh after the move sees epoch 1's records moved
	// on: reincluded, claimed from epoch 3 (already paid: not again).
	r2, _, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{})
	if err := r2.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r2.ClaimMetric("reincluded"); got != 2 {
		t.Fatalf("reincluded %v", got)
	}
	paidOnce(t, ton, 1, 2, 3, 4)
}

// TestAutoClaimRefusedNotRetried: a claim refused for good (302 wrong
// path, here forced) is recorded and never sent again; the next ones go
// on. A retryable refusal (306 value too low) is retried next round.
func TestAutoClaimRefusedNotRetried(t *testing.T) {
	dir := t.TempDir()
	ch := newFakeClaimChain(t, 3)
	ton := newFakeAnchor()
	ton.anchor(ch, 1)
	low := true
	ton.outcome = func(id uint64) (int, error) {
		switch {
		case id == 1:
			return checkpoint.ExitWrongPath, nil
		case id == 2 && low:
			low = false
			return checkpoint.ExitValueTooLow, nil
		}
		return -1, nil
	}
	r, cj, _ := newClaimRelayer(t, dir, ch, ton, ClaimConfig{})
	if err := r.Round(context.Background()); err == nil {
		t.Fatal("306 should stop the round")
	}
	for i := 0; i < 2; i++ {
		if err := r.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if ton.get(ton.submits, 1) != 1 {
		t.Fatalf("refused claim 1 sent %d times", ton.get(ton.submits, 1))
	}
	if ref := cj.Refused(); len(ref) != 1 || ref[0].ID != 1 || ref[0].Exit != checkpoint.ExitWrongPath {
		t.Fatalf("refusals %+v", ref)
	}
	if ton.get(ton.prepared, 2) != 2 {
		t.Fatalf("claim 2 prepared %d times (want a new message after 306)", ton.get(ton.prepared, 2))
	}
	paidOnce(t, ton, 2, 3)
}

// TestAutoClaimExpired: a claim that expired unsent is prepared anew
// (after isClaimed says unpaid) and paid once.
func TestAutoClaimExpired(t *testing.T) {
	ch := newFakeClaimChain(t, 1)
	ton := newFakeAnchor()
	ton.anchor(ch, 1)
	first := true
	ton.outcome = func(uint64) (int, error) {
		if first {
			first = false
			return -1, bton.ErrExpired
		}
		return -1, nil
	}
	r, _, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{})
	_ = r.Round(context.Background())
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ton.get(ton.prepared, 1) != 2 {
		t.Fatalf("prepared %d", ton.get(ton.prepared, 1))
	}
	paidOnce(t, ton, 1)
}

// TestClaimJournalDurable: cursor, pending and refusals survive a reopen.
func TestClaimJournalDurable(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	cj, err := OpenClaimJournal(j)
	if err != nil {
		t.Fatal(err)
	}
	p := &bton.Pending{Message: binary.BigEndian.AppendUint64(nil, 7), BodyHash: []byte{1}, ValidUntil: 9}
	if err := cj.SetCursor(ClaimCursor{Epoch: 3, Index: 2}); err != nil {
		t.Fatal(err)
	}
	if err := cj.PutPending(ClaimEntry{ID: 7, Epoch: 3, Index: 2, State: StatePending, Pending: p}); err != nil {
		t.Fatal(err)
	}
	if err := cj.Refuse(ClaimEntry{ID: 5, Epoch: 3, State: StateRefused, Exit: 302}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	j, err = OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	cj, err = OpenClaimJournal(j)
	if err != nil {
		t.Fatal(err)
	}
	if c := cj.Cursor(1); c != (ClaimCursor{Epoch: 3, Index: 2}) {
		t.Fatalf("cursor %+v", c)
	}
	if _, ok := cj.Pending(); ok {
		t.Fatal("Refuse must clear the pending claim")
	}
	if ref := cj.Refused(); len(ref) != 1 || ref[0].ID != 5 {
		t.Fatalf("refused %+v", ref)
	}
	_ = big.NewInt
}

// TestAutoClaimEpochBudget: a relayer starting on a long history walks at
// most MaxEpochsPerRound epochs a round.
func TestAutoClaimEpochBudget(t *testing.T) {
	counts := make([]int, 10)
	counts[9] = 1 // only epoch 10 has a withdrawal
	ch := newFakeClaimChain(t, counts...)
	ton := newFakeAnchor()
	ton.anchor(ch, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	r, cj, _ := newClaimRelayer(t, t.TempDir(), ch, ton, ClaimConfig{MaxEpochsPerRound: 4})
	for round, want := range []uint64{5, 9} {
		if err := r.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c := cj.Cursor(1); c.Epoch != want {
			t.Fatalf("round %d: cursor %+v, want epoch %d", round, c, want)
		}
	}
	if err := r.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	paidOnce(t, ton, 1)
}
