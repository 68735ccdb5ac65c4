package relayer

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/tlb"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// confirmChain is fakeChain whose records can be marked confirmed.
type confirmChain struct {
	fakeChain
	confirmed map[uint64]bool
}

func (c *confirmChain) Checkpoint(ctx context.Context, e uint64) (bridge.CheckpointRecord, bool, error) {
	r, found, err := c.fakeChain.Checkpoint(ctx, e)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.confirmed[e] {
		r.Status, r.ConfirmedHeight = bridge.StatusConfirmed, r.SealedHeight+3
	}
	return r, found, err
}

// txTON lands like fakeTON and returns the anchor's transaction.
type txTON struct{ *fakeTON }

func (t txTON) Submit(ctx context.Context, p *bton.Pending) (*bton.Result, error) {
	res, err := t.fakeTON.Submit(ctx, p)
	if err == nil {
		e := p.Message[7]
		h := make([]byte, 32)
		h[0] = e
		res.AnchorTx = &tlb.Transaction{Hash: h, LT: uint64(e) * 1000}
	}
	return res, err
}

type fakeReporter struct {
	mu      sync.Mutex
	reports map[uint64]int
	pending map[bridge.Hash32]bool
}

func (f *fakeReporter) ReportAnchor(_ context.Context, epoch uint64, hash [32]byte, lt uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if hash[0] != byte(epoch) || lt != epoch*1000 {
		panic("reported the wrong transaction")
	}
	f.reports[epoch]++
	return nil
}

func (f *fakeReporter) FactPending(_ context.Context, id bridge.Hash32) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pending[id], nil
}

func anchorFactID(e uint64) bridge.Hash32 {
	var h [32]byte
	h[0] = byte(e)
	return bridge.Fact{Kind: bridge.FactAnchor, Epoch: e, TONTxHash: h, TONLt: e * 1000}.ID()
}

// TestReportsUntilConfirmed: each landing is reported at once and kept
// journaled as landed; a pending report is not repeated; after a restart
// the journal still reports what was not confirmed; a report that expired
// unconfirmed is sent again; a confirmed epoch leaves the journal.
func TestReportsUntilConfirmed(t *testing.T) {
	old := reportEvery
	reportEvery = 50 * time.Millisecond
	defer func() { reportEvery = old }()
	dir := t.TempDir()
	ch := &confirmChain{fakeChain: fakeChain{sealed: 2}, confirmed: map[uint64]bool{}}
	ton := txTON{newFakeTON()}
	rep := &fakeReporter{reports: map[uint64]int{}, pending: map[bridge.Hash32]bool{}}
	ctx := context.Background()

	r, j := newTestRelayer(t, dir, ch, ton)
	r.Reporter = rep
	if err := r.Round(ctx); err != nil {
		t.Fatal(err)
	}
	for e := uint64(1); e <= 2; e++ {
		if got, ok := j.Get(e); !ok || got.State != StateLanded || got.TONLt != e*1000 {
			t.Fatalf("epoch %d: journal %+v", e, got)
		}
		if rep.reports[e] != 1 {
			t.Fatalf("epoch %d reported %d times", e, rep.reports[e])
		}
	}
	rep.pending[anchorFactID(1)] = true // epoch 1's report was included; epoch 2's is not yet
	if err := r.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if rep.reports[1] != 1 || rep.reports[2] != 1 {
		t.Fatalf("re-reported within reportEvery or while pending: %v", rep.reports)
	}
	j.Close()

	// Restart: epoch 2 is neither pending nor confirmed: reported again.
	r, j = newTestRelayer(t, dir, ch, ton)
	r.Reporter = rep
	var confirmed []uint64
	r.Confirmed = func(e uint64, _ time.Duration) { confirmed = append(confirmed, e) }
	if err := r.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if rep.reports[1] != 1 || rep.reports[2] != 2 {
		t.Fatalf("after restart: %v", rep.reports)
	}
	// Epoch 1 confirmed: forgotten; epoch 2's report expired: sent again
	// once reportEvery passed.
	ch.mu.Lock()
	ch.confirmed[1] = true
	ch.mu.Unlock()
	time.Sleep(60 * time.Millisecond)
	if err := r.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := j.Get(1); ok || len(confirmed) != 1 || confirmed[0] != 1 {
		t.Fatalf("confirmed epoch 1 still journaled (%+v) or not announced (%v)", j.Entries(), confirmed)
	}
	if rep.reports[2] != 3 {
		t.Fatalf("expired report of epoch 2 not re-sent: %v", rep.reports)
	}
	if got := Value(r.Metrics().ConfirmedTotal); got != 1 {
		t.Fatalf("confirmed_total = %v", got)
	}
	// A 200 "already anchored" (another relayer's transaction) is not
	// reported by this one.
	ch.mu.Lock()
	ch.sealed = 3
	ch.mu.Unlock()
	ton.outcome = func(uint64) (int, error) { return 200, nil }
	if err := r.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := j.Get(3); ok || rep.reports[3] != 0 {
		t.Fatalf("already-anchored epoch 3 journaled or reported: %+v %v", j.Entries(), rep.reports)
	}
}
