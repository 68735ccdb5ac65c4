package chain_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridgetypes "github.com/pingo-chain/pingo/x/bridge/types"
)

// chaosTx is one tx the chaos load broadcast.
type chaosTx struct {
	sender   int
	hash     string
	accepted bool          // broadcast_tx_sync answered code 0
	seen     bool          // the load saw it committed (WaitTx, code 0)
	latency  time.Duration // broadcast → seen committed
	withdraw uint64        // amount, for withdrawals
}

// chaosLoad sends transfers and withdrawals from its own dev keys, one tx
// in flight per key (the nonce read from the chain each time), to a random
// validator each time: the one it picks may be killed or paused, which is
// the point. Every tx is recorded for the end-of-run checks.
type chaosLoad struct {
	clients []*client.Client
	keys    []*ecdsa.PrivateKey // transfer senders
	wkey    *ecdsa.PrivateKey   // withdrawer
	to      bridgetypes.TONAddr // withdrawals' TON recipient
	mu      sync.Mutex
	txs     []*chaosTx
}

func (l *chaosLoad) record(x *chaosTx) {
	l.mu.Lock()
	l.txs = append(l.txs, x)
	l.mu.Unlock()
}

func (l *chaosLoad) all() []*chaosTx {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*chaosTx(nil), l.txs...)
}

// send signs msg from key against a random validator, broadcasts it and
// waits up to 20 s for it in a block.
func (l *chaosLoad) send(ctx context.Context, sender int, key *ecdsa.PrivateKey, msg auth.Msg, withdraw uint64) {
	c := l.clients[rand.IntN(len(l.clients))]
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	raw, err := c.Sign(sctx, key, msg, uint256.NewInt(10_000), nil)
	cancel()
	if err != nil {
		return // node down: nothing was sent
	}
	x := &chaosTx{sender: sender, withdraw: withdraw}
	sum := sha256Sum(raw)
	x.hash = hex.EncodeToString(sum[:])
	start := time.Now()
	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, err = c.Broadcast(bctx, raw)
	cancel()
	var txErr *client.TxError
	if errors.As(err, &txErr) {
		return // refused (e.g. a nonce another node has not seen yet): not accepted
	}
	// A transport error may still have delivered it: recorded, resolved at
	// the end by looking the hash up.
	x.accepted = err == nil
	l.record(x)
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	_, err = c.WaitTx(wctx, x.hash)
	cancel()
	if err == nil {
		l.mu.Lock()
		x.seen, x.latency = true, time.Since(start)
		l.mu.Unlock()
	}
}

// run drives the load until ctx ends: each transfer key as fast as one tx
// in flight allows, a withdrawal every withdrawEvery.
func (l *chaosLoad) run(ctx context.Context, withdrawEvery time.Duration) {
	var wg sync.WaitGroup
	for i, k := range l.keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			to := auth.PubkeyToAddress(&l.keys[(i+1)%len(l.keys)].PublicKey)
			for ctx.Err() == nil {
				l.send(ctx, i, k, &bank.Transfer{To: to, Amount: *uint256.NewInt(1000 + uint64(i))}, 0)
				sleepCtx(ctx, 100*time.Millisecond)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := uint64(0); ctx.Err() == nil; n++ {
			amt := 1_000_000_000 + n
			l.send(ctx, len(l.keys), l.wkey, &bridgetypes.Withdraw{To: l.to, Amount: *uint256.NewInt(amt)}, amt)
			sleepCtx(ctx, withdrawEvery)
		}
	}()
	wg.Wait()
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// percentile of ds (sorted in place); 0 when empty.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := int(p * float64(len(ds)-1))
	return ds[i]
}

// sha256Sum is CometBFT's tx hash.
func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
