//go:build unix

package app_test

// Throughput benchmarks of the state path. Target: blocks of 10,000
// transfers over 1,000,000 funded accounts, FinalizeBlock + Commit, at
// >= 5,000 transfers/s on a 2-core machine.
//
//	go test -run '^$' -bench BenchmarkFinalizeCommit -benchtime 5x ./app/
//	go test -run '^$' -bench BenchmarkCheckTx ./app/
//
// Environment (all optional):
//
//	PINGO_BENCH_ACCOUNTS  funded accounts in genesis        (default 1000000)
//	PINGO_BENCH_SENDERS   accounts with keys that send txs  (default 20000)
//	PINGO_BENCH_BLOCK     transfers per block               (default 10000)
//	PINGO_BENCH_CACHE     IAVL node cache (nodes)           (default: store.DefaultOptions, as a validator runs)
//	PINGO_BENCH_WARMUP    untimed blocks after genesis       (default 2)
//	PINGO_BENCH_FASTINDEX 1 keeps IAVL's fast-node index   (default off, as a validator runs)
//	PINGO_BENCH_STATE     directory caching the committed genesis state
//	                      between runs (built on first use, then copied)
//
// Setup (genesis through InitChain, the first commit of every account,
// warm-up blocks, signing) is outside the timer; at 1M accounts it takes a
// minute or so, once per top-level benchmark.

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
)

const (
	benchFee    = 10_000 // bank.DefaultParams().MinFee
	benchAmount = 1
)

func benchEnvInt(b testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		b.Fatalf("%s=%q: want a non-negative integer", name, s)
	}
	return v
}

// benchChain is an app at some height over a big funded state, with the keys
// and nonces needed to keep producing valid blocks.
type benchChain struct {
	tb        testing.TB
	app       *app.App
	height    int64
	accounts  int
	blockSize int
	keys      []*ecdsa.PrivateKey // senders: the first len(keys) accounts
	addrs     []auth.Address      // every funded account, senders first
	nonces    []uint64            // next nonce per sender (committed + staged)
	rng       *rand.Rand
	half      int // which half of the senders the next block draws from

	initDur, firstCommit time.Duration
}

func benchMeta(accounts, senders int) string {
	return fmt.Sprintf(`{"accounts":%d,"senders":%d,"version":1}`, accounts, senders)
}

// genesisInto runs InitChain with every account funded and commits height 1
// (which writes every account to disk) in dir. Without PINGO_BENCH_STATE the
// app stays open; with it, the state is closed to serve as a template.
func (c *benchChain) genesisInto(dir string, opts store.Options) {
	b := c.tb
	t0 := time.Now()
	g := app.DefaultGenesis()
	g.Auth.Params.ChainID = testutil.ChainID
	g.Bank.Balances = make([]bank.Balance, c.accounts)
	funds := uint256.MustFromDecimal("1000000000000000000000") // 10^21: ~10^17 transfers each
	for i := range g.Bank.Balances {
		g.Bank.Balances[i] = bank.Balance{Address: c.addrs[i], Amount: funds}
	}
	raw, err := json.Marshal(g)
	if err != nil {
		b.Fatal(err)
	}
	g.Bank.Balances = nil
	a, err := app.New(dir, app.Config{Tree: opts}, log.NewNopLogger())
	if err != nil {
		b.Fatal(err)
	}
	c.app = a
	if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-bench", AppStateBytes: raw, InitialHeight: 1}); err != nil {
		b.Fatal(err)
	}
	raw = nil
	c.initDur = time.Since(t0)
	t1 := time.Now()
	c.block(nil) // height 1: persists every account
	c.firstCommit = time.Since(t1)
	if os.Getenv("PINGO_BENCH_STATE") != "" {
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		c.app = nil
	}
}

// loadNonces reads every sender's next nonce from the committed state.
func (c *benchChain) loadNonces() {
	for i, k := range c.keys {
		q, err := c.app.Query(context.Background(), &abci.RequestQuery{Path: "/auth/account/" + testutil.Addr(k).Hex()})
		if err != nil || q.Code != 0 {
			c.tb.Fatalf("read nonce of sender %d: %v %s", i, err, q.GetLog())
		}
		acc, err := auth.UnmarshalAccount(q.Value)
		if err != nil {
			c.tb.Fatal(err)
		}
		c.nonces[i] = acc.Nonce
	}
}

// newBenchChain builds genesis through InitChain, commits it (height 1) and
// runs the warm-up blocks. The state lives until the benchmark ends.
func newBenchChain(b *testing.B) *benchChain {
	b.Helper()
	n := benchEnvInt(b, "PINGO_BENCH_ACCOUNTS", 1_000_000)
	s := benchEnvInt(b, "PINGO_BENCH_SENDERS", 20_000)
	bs := benchEnvInt(b, "PINGO_BENCH_BLOCK", 10_000)
	cacheNodes := benchEnvInt(b, "PINGO_BENCH_CACHE", store.DefaultOptions().CacheNodes)
	warm := benchEnvInt(b, "PINGO_BENCH_WARMUP", 2)
	if s < 2 {
		s = 2
	}
	if n < s+1 {
		n = s + 1
	}
	start := time.Now()
	c := &benchChain{tb: b, accounts: n, blockSize: bs, rng: rand.New(rand.NewSource(7447))}
	c.keys, c.addrs = testutil.Population(n, s)
	c.nonces = make([]uint64, s)
	opts := store.Options{CacheNodes: cacheNodes, KeepRecent: 100_000, PruneEvery: 100,
		FastIndex: os.Getenv("PINGO_BENCH_FASTINDEX") == "1"}
	tmpl := os.Getenv("PINGO_BENCH_STATE")
	dir, err := os.MkdirTemp("", "pingo-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	var initDur, firstCommit time.Duration
	reused := false
	if tmpl != "" {
		if meta, err := os.ReadFile(filepath.Join(tmpl, "bench.json")); err == nil {
			want := benchMeta(n, s)
			if string(meta) != want {
				b.Fatalf("PINGO_BENCH_STATE %s holds %s, want %s: remove it or point elsewhere", tmpl, meta, want)
			}
			if err := os.CopyFS(dir, os.DirFS(tmpl)); err != nil {
				b.Fatal(err)
			}
			reused = true
		}
	}
	if !reused {
		stateDir := dir
		if tmpl != "" {
			stateDir = tmpl
			if err := os.MkdirAll(tmpl, 0o700); err != nil {
				b.Fatal(err)
			}
		}
		c.genesisInto(stateDir, opts)
		initDur, firstCommit = c.initDur, c.firstCommit
		if tmpl != "" {
			if err := os.WriteFile(filepath.Join(tmpl, "bench.json"), []byte(benchMeta(n, s)), 0o600); err != nil {
				b.Fatal(err)
			}
			if err := os.CopyFS(dir, os.DirFS(tmpl)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if c.app == nil {
		a, err := app.New(dir, app.Config{Tree: opts}, log.NewNopLogger())
		if err != nil {
			b.Fatal(err)
		}
		c.app = a
		info, _ := a.Info(context.Background(), &abci.RequestInfo{})
		c.height = info.LastBlockHeight
		c.loadNonces()
	}
	a := c.app
	b.Cleanup(func() { a.Close() })
	for i := 0; i < warm; i++ {
		blk := c.signBlock()
		c.checkAll(blk)
		c.block(blk)
	}
	runtime.GC()
	b.Logf("setup: %d accounts, %d senders, %d tx/block, iavl cache %d nodes: %s (InitChain %s, first commit %s, reused %q: %v, %d warm-up blocks)",
		n, s, bs, cacheNodes, time.Since(start).Round(time.Millisecond), initDur.Round(time.Millisecond),
		firstCommit.Round(time.Millisecond), tmpl, reused, warm)
	return c
}

// signBlock returns blockSize signed transfers with valid consecutive nonces:
// senders drawn at random from one half of the sender pool (alternating per
// block, see pipelined), recipients at random among all accounts.
func (c *benchChain) signBlock() [][]byte {
	type plan struct {
		sender int
		nonce  uint64
		to     auth.Address
	}
	half := len(c.keys) / 2
	base := c.half * half
	c.half ^= 1
	plans := make([]plan, c.blockSize)
	for i := range plans {
		s := base + c.rng.Intn(half)
		to := c.rng.Intn(c.accounts)
		for to == s {
			to = c.rng.Intn(c.accounts)
		}
		plans[i] = plan{sender: s, nonce: c.nonces[s], to: c.addrs[to]}
		c.nonces[s]++
	}
	txs := make([][]byte, len(plans))
	testutil.Parallel(len(plans), func(i int) {
		p := plans[i]
		txs[i] = testutil.Transfer(c.keys[p.sender], testutil.ChainID, p.nonce, benchFee, p.to, benchAmount)
	})
	return txs
}

// checkAll runs CheckTx (type New) on txs, as the mempool does before the
// block. It returns how many were refused.
func (c *benchChain) checkAll(txs [][]byte) int {
	failed := 0
	for _, tx := range txs {
		if !c.check(tx, abci.CheckTxType_New) {
			failed++
		}
	}
	return failed
}

func (c *benchChain) check(tx []byte, typ abci.CheckTxType) bool {
	res, err := c.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tx, Type: typ})
	if err != nil {
		c.tb.Error(err) // may run off the benchmark goroutine: no Fatal
		return false
	}
	return res.Code == abci.CodeTypeOK
}

// benchMempool stands for CometBFT's mempool around CheckTx: its lock is held
// by every CheckTx and by Commit, and after each commit the txs still in the
// mempool are rechecked (type Recheck) before new ones are admitted.
type benchMempool struct {
	mu      sync.Mutex
	commits int
}

// checkBeside admits txs one by one through the simulated mempool while a
// block may be executing on another goroutine. It returns how many were
// refused (at their last check).
func (c *benchChain) checkBeside(txs [][]byte, mp *benchMempool) int {
	ok := make([]bool, len(txs))
	mp.mu.Lock()
	seen := mp.commits
	mp.mu.Unlock()
	for i, tx := range txs {
		mp.mu.Lock()
		if mp.commits != seen {
			seen = mp.commits
			for j := 0; j < i; j++ {
				if ok[j] {
					ok[j] = c.check(txs[j], abci.CheckTxType_Recheck)
				}
			}
		}
		ok[i] = c.check(tx, abci.CheckTxType_New)
		mp.mu.Unlock()
	}
	refused := 0
	for _, o := range ok {
		if !o {
			refused++
		}
	}
	return refused
}

// benchBlockTimes is where one block's time went.
type benchBlockTimes struct{ exec, finalize, commit time.Duration }

// block runs txs as the next height the way a validator does:
// ProcessProposal executes, FinalizeBlock reuses that execution and flushes
// it into the working tree (AppHash), Commit saves the version. mp, if set,
// is locked during Commit, as CometBFT locks the mempool.
func (c *benchChain) block(txs [][]byte, mp ...*benchMempool) benchBlockTimes {
	ctx := context.Background()
	c.height++
	ts := time.Unix(1_700_000_000+c.height, 0)
	var bt benchBlockTimes
	t0 := time.Now()
	pp, err := c.app.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: c.height, Time: ts})
	if err != nil {
		c.tb.Fatal(err)
	}
	t1 := time.Now()
	res, err := c.app.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: txs, Height: c.height, Time: ts})
	if err != nil {
		c.tb.Fatal(err)
	}
	t2 := time.Now()
	for _, m := range mp {
		m.mu.Lock()
	}
	if _, err := c.app.Commit(ctx, &abci.RequestCommit{}); err != nil {
		c.tb.Fatal(err)
	}
	for _, m := range mp {
		m.commits++
		m.mu.Unlock()
	}
	t3 := time.Now()
	bt = benchBlockTimes{exec: t1.Sub(t0), finalize: t2.Sub(t1), commit: t3.Sub(t2)}
	if pp.Status != abci.ResponseProcessProposal_ACCEPT {
		c.tb.Fatalf("height %d: proposal rejected", c.height)
	}
	for i, r := range res.TxResults {
		if r.Code != abci.CodeTypeOK {
			c.tb.Fatalf("height %d tx %d: %s/%d %s", c.height, i, r.Codespace, r.Code, r.Log)
		}
	}
	return bt
}

// BenchmarkFinalizeCommit measures blocks of PINGO_BENCH_BLOCK transfers over
// PINGO_BENCH_ACCOUNTS funded accounts; one op is one block.
//
//   - warm: every tx went through CheckTx first (untimed), so the block finds
//     its sender in the signature cache — the production path.
//   - cold: no CheckTx; the block decodes and ecrecovers every tx itself
//     (a node that never saw the txs, e.g. replay or a non-proposer that
//     missed the gossip).
//   - pipelined: like warm, but the next block's txs go through CheckTx on
//     another goroutine while this block executes, as at saturation in a
//     node (mempool lock held during Commit, recheck of the admitted txs
//     after it); the time counted is the wall time until both finished —
//     the node's sustainable rate with CheckTx and blocks sharing the CPUs.
func BenchmarkFinalizeCommit(b *testing.B) {
	if testing.Short() {
		b.Skip("big-state benchmark; skipped in -short")
	}
	c := newBenchChain(b)
	b.Run("warm", func(b *testing.B) { c.run(b, "warm") })
	b.Run("cold", func(b *testing.B) { c.run(b, "cold") })
	b.Run("pipelined", func(b *testing.B) { c.run(b, "pipelined") })
}

func (c *benchChain) run(b *testing.B, mode string) {
	c.tb = b
	blocks := make([][][]byte, b.N+1)
	for i := range blocks {
		blocks[i] = c.signBlock()
	}
	var (
		total     benchBlockTimes
		checkFail int
		mp        benchMempool
		cpu       time.Duration // process CPU (user+sys) in the timed part
	)
	if mode == "pipelined" {
		checkFail += c.checkAll(blocks[0])
	}
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		switch mode {
		case "warm":
			b.StopTimer()
			checkFail += c.checkAll(blocks[i])
			b.StartTimer()
			c0 := benchCPUTime()
			total.add(c.block(blocks[i]))
			cpu += benchCPUTime() - c0
		case "cold":
			c0 := benchCPUTime()
			total.add(c.block(blocks[i]))
			cpu += benchCPUTime() - c0
		case "pipelined":
			c0 := benchCPUTime()
			done := make(chan int)
			go func(next [][]byte) { done <- c.checkBeside(next, &mp) }(blocks[i+1])
			total.add(c.block(blocks[i], &mp))
			checkFail += <-done
			cpu += benchCPUTime() - c0
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	elapsed := b.Elapsed()
	txs := float64(b.N * c.blockSize)
	b.ReportMetric(txs/elapsed.Seconds(), "transfers/s")
	// CPU time is what the block costs regardless of other load on the
	// machine; wall time above is what a node would see on it.
	b.ReportMetric(txs/cpu.Seconds(), "transfers/cpu-s")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/block")
	b.ReportMetric(float64(total.exec.Milliseconds())/float64(b.N), "exec-ms/block")
	b.ReportMetric(float64(total.finalize.Milliseconds())/float64(b.N), "finalize-ms/block")
	b.ReportMetric(float64(total.commit.Milliseconds())/float64(b.N), "commit-ms/block")
	if mode != "cold" {
		b.ReportMetric(float64(checkFail)/float64(b.N), "checktx-refused/block")
	}
	// The live heap (IAVL node cache above all) sets what each GC cycle
	// costs; GC cycles per block and the GC CPU share show what it adds up to.
	b.ReportMetric(float64(ms0.HeapAlloc>>20), "live-heap-MiB")
	b.ReportMetric(float64(ms1.NumGC-ms0.NumGC)/float64(b.N), "gc/block")
	// The txs of the extra block were signed (nonces consumed) but only
	// CheckTx'd; commit them untimed so the next run starts consistent.
	c.block(blocks[b.N])
}

// benchCPUTime is this process's user+system CPU time so far.
func benchCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (t *benchBlockTimes) add(o benchBlockTimes) {
	t.exec += o.exec
	t.finalize += o.finalize
	t.commit += o.commit
}

// BenchmarkCheckTx measures one CheckTx (one op = one tx) over the same
// state: "new" is a tx seen for the first time (decode + ecrecover + ante
// over the committed state and the mempool overlay); "recheck" is CometBFT's
// re-validation after a commit of a tx still in the mempool (signature
// cached).
func BenchmarkCheckTx(b *testing.B) {
	if testing.Short() {
		b.Skip("big-state benchmark; skipped in -short")
	}
	c := newBenchChain(b)
	b.Run("new", func(b *testing.B) { c.runCheck(b, false) })
	b.Run("recheck", func(b *testing.B) { c.runCheck(b, true) })
}

func (c *benchChain) runCheck(b *testing.B, recheck bool) {
	c.tb = b
	saved := append([]uint64(nil), c.nonces...)
	savedSize := c.blockSize
	c.blockSize = b.N
	txs := c.signBlock()
	c.blockSize = savedSize
	typ := abci.CheckTxType_New
	if recheck {
		c.checkAll(txs)
		c.block(nil) // commit resets the CheckTx overlay; the txs stay "in the mempool"
		typ = abci.CheckTxType_Recheck
	}
	ctx := context.Background()
	refused := 0
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for _, tx := range txs {
		res, err := c.app.CheckTx(ctx, &abci.RequestCheckTx{Tx: tx, Type: typ})
		if err != nil {
			b.Fatal(err)
		}
		if res.Code != abci.CodeTypeOK {
			refused++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	if refused > 0 {
		b.Errorf("%d of %d CheckTx refused", refused, b.N)
	}
	// Forget the txs: they were never included. Restore the nonces and
	// reset the CheckTx overlay with an empty block.
	c.nonces = saved
	c.block(nil)
}
