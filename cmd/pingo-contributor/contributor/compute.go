package contributor

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// Limits bound the CPU a contributor takes: at most Cores units run at
// once (one goroutine each), and with DutyPercent < 100 each worker sleeps
// after a unit so that it computes that percentage of the wall time. The
// binary also lowers its scheduling priority (nice 19), so an interactive
// user of the machine always goes first.
type Limits struct {
	Cores       int
	DutyPercent int
}

func (l Limits) normal() Limits {
	if l.Cores <= 0 {
		l.Cores = 1
	}
	if l.Cores > runtime.NumCPU() {
		l.Cores = runtime.NumCPU()
	}
	if l.DutyPercent <= 0 || l.DutyPercent > 100 {
		l.DutyPercent = 100
	}
	return l
}

// Compute runs units [start, end) of the kernel with seed and returns their
// output digests in index order. onUnit (may be nil) is called after each
// unit, from the worker goroutines. It stops early with ctx's error.
func Compute(ctx context.Context, seed compute.Hash, start, end uint64, lim Limits, onUnit func()) ([]compute.Hash, error) {
	lim = lim.normal()
	out := make([]compute.Hash, end-start)
	var next atomic.Uint64
	next.Store(start)
	var wg sync.WaitGroup
	workers := lim.Cores
	if n := int(end - start); n < workers {
		workers = n
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= end {
					return
				}
				t0 := time.Now()
				out[i-start] = kernel.Digest(seed, i)
				if onUnit != nil {
					onUnit()
				}
				if lim.DutyPercent < 100 {
					busy := time.Since(t0)
					idle := busy * time.Duration(100-lim.DutyPercent) / time.Duration(lim.DutyPercent)
					select {
					case <-ctx.Done():
					case <-time.After(idle):
					}
				} else {
					runtime.Gosched() // yield between units
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
