package tonlocal

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"sync"
	"time"

	"github.com/xssnick/tonutils-go/ton"
)

// The endpoint has no real blocks: the sandbox executes messages the moment
// they arrive. What clients need from blocks is that masterchain seqnos
// advance over time (tonutils-go waits for "the next block" before looking
// for a transaction) and that block ids are stable 32-byte values they can
// echo back. So a ticker advances one counter; ids are hashes of it.

// shardAll is the shard prefix of an unsplit workchain (0x8000000000000000).
const shardAll = int64(-0x8000000000000000)

// globalID is the network id the endpoint reports in states; wallets (V5R1)
// bake a network id into their wallet id, which the relayer must configure
// identically (see README: -3, the testnet id).
const globalID = -3

func blockHash(kind string, wc int32, seqno uint32) []byte {
	var b [8]byte
	binary.BigEndian.PutUint32(b[:4], uint32(wc))
	binary.BigEndian.PutUint32(b[4:], seqno)
	h := sha256.Sum256(append([]byte("pingo/tonlocal/"+kind+"/"), b[:]...))
	return h[:]
}

func blockID(wc int32, seqno uint32) *ton.BlockIDExt {
	return &ton.BlockIDExt{
		Workchain: wc, Shard: shardAll, SeqNo: seqno,
		RootHash: blockHash("root", wc, seqno), FileHash: blockHash("file", wc, seqno),
	}
}

// txRecord is one executed transaction, as the sandbox serialized it.
type txRecord struct {
	Account string `json:"account"` // raw "0:hex"
	LT      uint64 `json:"lt,string"`
	Hash    []byte `json:"hash"`
	BOC     []byte `json:"boc"`
	Seqno   uint32 `json:"seqno"` // the block it is reported in
}

// ledger holds what the Go side owns: the block counter and every account's
// transactions (newest last), which answer getTransactions.
type ledger struct {
	mu     sync.Mutex
	seqno  uint32
	tick   chan struct{} // closed and replaced on every new block
	txs    map[string][]*txRecord
	accts  map[string]bool // every account ever deployed or touched (persisted)
	stopCh chan struct{}
	wg     sync.WaitGroup
}

func newLedger(seqno uint32) *ledger {
	if seqno == 0 {
		seqno = 1
	}
	return &ledger{seqno: seqno, tick: make(chan struct{}), txs: map[string][]*txRecord{}, accts: map[string]bool{}, stopCh: make(chan struct{})}
}

// run advances the masterchain every interval until stop.
func (l *ledger) run(interval time.Duration) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-l.stopCh:
				return
			case <-t.C:
				l.advance()
			}
		}
	}()
}

func (l *ledger) stop() {
	close(l.stopCh)
	l.wg.Wait()
}

func (l *ledger) advance() {
	l.mu.Lock()
	l.seqno++
	close(l.tick)
	l.tick = make(chan struct{})
	l.mu.Unlock()
}

func (l *ledger) last() uint32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seqno
}

// waitSeqno blocks until the masterchain reached seqno; false on timeout.
func (l *ledger) waitSeqno(ctx context.Context, seqno uint32, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		cur, tick := l.seqno, l.tick
		l.mu.Unlock()
		if cur >= seqno {
			return true
		}
		select {
		case <-tick:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// record appends executed transactions; they show in the next block.
func (l *ledger) record(txs []*txRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range txs {
		t.Seqno = l.seqno + 1
		list := append(l.txs[t.Account], t)
		sort.SliceStable(list, func(i, j int) bool { return list[i].LT < list[j].LT })
		l.txs[t.Account] = list
		l.accts[t.Account] = true
	}
}

// history returns up to limit transactions of account, starting with the
// one at (lt, hash) and going back in time; nil if that one is unknown.
func (l *ledger) history(account string, lt uint64, hash []byte, limit int) []*txRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	list := l.txs[account]
	i := sort.Search(len(list), func(i int) bool { return list[i].LT >= lt })
	if i == len(list) || list[i].LT != lt || string(list[i].Hash) != string(hash) {
		return nil
	}
	var out []*txRecord
	for ; i >= 0 && len(out) < limit; i-- {
		out = append(out, list[i])
	}
	return out
}

// byLT returns the transaction of account with exactly lt, or nil.
func (l *ledger) byLT(account string, lt uint64) *txRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range l.txs[account] {
		if t.LT == lt {
			return t
		}
	}
	return nil
}

func (l *ledger) addAccount(a string) {
	l.mu.Lock()
	l.accts[a] = true
	l.mu.Unlock()
}

func (l *ledger) accounts() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.accts))
	for a := range l.accts {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func (l *ledger) allTxs() []*txRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*txRecord
	for _, list := range l.txs {
		out = append(out, list...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LT < out[j].LT })
	return out
}
