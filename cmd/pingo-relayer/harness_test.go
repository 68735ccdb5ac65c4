package main

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/relayer"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// testChain wraps the real chain client: it can hide sealed epochs above
// a cap (so a restarted relayer has nothing to do but resume) and forge
// the signatures of one epoch's record.
type testChain struct {
	relayer.Chain
	mu    sync.Mutex
	cap   uint64 // 0: none
	forge uint64 // 0: none
}

func (c *testChain) set(cap, forge uint64) {
	c.mu.Lock()
	c.cap, c.forge = cap, forge
	c.mu.Unlock()
}

func (c *testChain) LatestSealed(ctx context.Context) (uint64, error) {
	s, err := c.Chain.LatestSealed(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cap != 0 && s > c.cap {
		s = c.cap
	}
	return s, err
}

func (c *testChain) Checkpoint(ctx context.Context, e uint64) (bridge.CheckpointRecord, bool, error) {
	r, found, err := c.Chain.Checkpoint(ctx, e)
	c.mu.Lock()
	defer c.mu.Unlock()
	if found && e == c.forge {
		for i := range r.Signatures {
			r.Signatures[i].Sig[7] ^= 0x5a // no longer the validator's signature
		}
	}
	return r, found, err
}

// crash modes of probeTON.
const (
	crashNone = iota
	crashBeforeSend
	crashAfterLanding
)

// errKilled stands for the process dying: the relayer's Run is cancelled.
var errKilled = errors.New("relayer killed")

// probeTON wraps the real TON client: it counts Prepare and Submit per
// epoch and can kill the relayer on its first submission of an epoch ≥
// crashFrom, either right after the message was journaled (before it was
// ever sent) or right after it landed (before the relayer learnt so).
type probeTON struct {
	relayer.TON
	mu        sync.Mutex
	epochOf   map[string]uint64
	prepared  map[uint64]int
	submitted map[uint64]int

	mode      int
	crashFrom uint64
	kill      context.CancelFunc
	crashed   chan uint64 // the epoch, once
	// balances around the crashed epoch: at Prepare, and right after landing
	balPrepared, balLanded *big.Int
}

func newProbe(inner relayer.TON) *probeTON {
	return &probeTON{TON: inner, epochOf: map[string]uint64{}, prepared: map[uint64]int{}, submitted: map[uint64]int{}}
}

func (p *probeTON) arm(mode int, from uint64, kill context.CancelFunc) chan uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode, p.crashFrom, p.kill = mode, from, kill
	p.crashed = make(chan uint64, 1)
	p.balPrepared, p.balLanded = nil, nil
	return p.crashed
}

func (p *probeTON) Prepare(ctx context.Context, body *cell.Cell, amount tlb.Coins) (*bton.Pending, error) {
	sub, err := checkpoint.ParseSubmitBody(body)
	if err != nil {
		return nil, err
	}
	bal, _ := p.TON.WalletBalance(ctx)
	pd, err := p.TON.Prepare(ctx, body, amount)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.epochOf[string(pd.Message)] = sub.Checkpoint.Epoch
	p.prepared[sub.Checkpoint.Epoch]++
	if p.mode != crashNone && sub.Checkpoint.Epoch >= p.crashFrom && p.balPrepared == nil {
		p.balPrepared = bal
	}
	return pd, nil
}

func (p *probeTON) Submit(ctx context.Context, pd *bton.Pending) (*bton.Result, error) {
	p.mu.Lock()
	e := p.epochOf[string(pd.Message)]
	p.submitted[e]++
	mode := p.mode
	crash := mode != crashNone && e >= p.crashFrom
	if crash {
		p.mode = crashNone // once
	}
	p.mu.Unlock()
	if !crash {
		return p.TON.Submit(ctx, pd)
	}
	if mode == crashAfterLanding {
		if _, err := p.TON.Submit(ctx, pd); err != nil {
			return nil, err
		}
		bal, err := p.TON.WalletBalance(ctx)
		if err != nil {
			return nil, err
		}
		p.mu.Lock()
		p.balLanded = bal
		p.mu.Unlock()
	}
	p.kill()
	p.crashed <- e
	return nil, errKilled
}

func (p *probeTON) counts(e uint64) (prepared, submitted int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.prepared[e], p.submitted[e]
}

// waitFor polls cond every 100ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
