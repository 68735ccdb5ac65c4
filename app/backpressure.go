package app

import (
	"sync/atomic"

	"github.com/pingo-chain/pingo/x/codes"
)

// MempoolCodespace is the codespace of node-local mempool refusals.
const MempoolCodespace = "mempool"

// ErrMempoolBusy: CheckTx refused a new transaction because the mempool
// already holds more than the node's blocks carry in
// mempool-backpressure-blocks blocks. Nothing is wrong with the tx; resend
// it later. Node-local: blocks from others are never held to it.
var ErrMempoolBusy = codes.Register(MempoolCodespace, 2, "mempool busy: retry later")

// backpressure refuses new txs (not rechecks) while the mempool holds more
// than Blocks blocks' worth, a block's worth being the running average of
// recent blocks' tx counts (at least backpressureFloor). Past that point an
// admitted tx only waits longer — at 2,000 tx/s offered against a node
// committing about as many, the mempool grew without bound and p99
// latency reached 8 s — while a refused one costs the client a retry.
type backpressure struct {
	blocks int64
	size   atomic.Pointer[func() int]
	avg    atomic.Int64 // running average of txs per block, ×16
}

// backpressureFloor is the least block size the limit assumes, so empty
// blocks (an idle chain) do not make the first burst look like overload.
const backpressureFloor = 1000

// SetMempoolSize tells the app how to read the mempool's size (CometBFT
// holds the mempool; the node sets this once it has built it).
func (a *App) SetMempoolSize(f func() int) { a.bp.size.Store(&f) }

// observeBlock folds a finalized block's tx count into the average.
func (b *backpressure) observeBlock(txs int) {
	old := b.avg.Load()
	b.avg.Store(old - old/8 + int64(txs)*16/8)
}

// busy reports whether a new tx should be refused now.
func (b *backpressure) busy() bool {
	f := b.size.Load()
	if b.blocks <= 0 || f == nil {
		return false
	}
	perBlock := max(b.avg.Load()/16, backpressureFloor)
	return int64((*f)()) >= b.blocks*perBlock
}
