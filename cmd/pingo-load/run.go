package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

type runOpts struct {
	rpc        string
	rate       float64
	duration   time.Duration
	senders    int
	accounts   int
	conns      int
	batch      int
	method     string
	warmup     time.Duration
	drain      time.Duration
	maxPending int
	maxTxs     int
	fee        uint64
	poll       time.Duration
	seed       int64
	label      string
}

// tx states
const (
	stUnsent uint32 = iota
	stInFlight
	stAccepted
	stRefused // CheckTx said no
	stError   // the RPC call failed (mempool full, transport error, ...)
)

type loadTx struct {
	raw    []byte
	hash   [32]byte
	sender int
}

type run struct {
	o      runOpts
	rpc    *rpcClient
	txs    []loadTx
	byHash map[[32]byte]int32

	state    []atomic.Uint32
	sentAt   []atomic.Int64 // unix ns the request carrying the tx went out
	commitAt []int64        // unix ns the follower saw its height committed (follower only)

	accepted  atomic.Int64
	committed atomic.Int64
	refusals  sync.Map // reason -> *atomic.Int64

	blocksMu sync.Mutex
	blocks   []blockSeen

	rttMu sync.Mutex
	rtts  []float64 // ms per broadcast request (one batch)

	// cpu0, cpu1: this process's CPU time when sending started and when the
	// follower finished. On one machine the load generator's CPU is taken
	// from the node's, so the run reports it (signing happens before).
	cpu0, cpu1 time.Duration
}

// processCPU is this process's user+system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type blockSeen struct {
	Height   int64     `json:"height"`
	Txs      int       `json:"txs"`
	Ours     int       `json:"ours"`
	Observed time.Time `json:"-"`
	Header   time.Time `json:"-"`
}

func runCmd(args []string) error {
	var o runOpts
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	fs.StringVar(&o.rpc, "rpc", "http://127.0.0.1:26657", "node RPC (loopback only)")
	fs.Float64Var(&o.rate, "rate", 0, "tx/s to offer; 0 saturates (keeps --max-pending txs in the mempool)")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to send")
	fs.IntVar(&o.senders, "senders", 20_000, "signing accounts (testutil.Key(0..N-1), funded by pingo-load genesis)")
	fs.IntVar(&o.accounts, "accounts", 1_000_000, "funded accounts recipients are drawn from")
	fs.IntVar(&o.conns, "conns", 4, "concurrent HTTP connections sending txs")
	fs.IntVar(&o.batch, "batch", 0, "txs per JSON-RPC batch request (0: min(10, rate/200), i.e. one request every >=5ms; 10 when saturating). CometBFT refuses batches above rpc.max_request_batch_size (default 10)")
	fs.StringVar(&o.method, "method", "sync", "broadcast_tx_sync (CheckTx codes counted) or async")
	fs.DurationVar(&o.warmup, "warmup", -1, "start of the run left out of the steady-state figures (default min(5s, duration/5))")
	fs.DurationVar(&o.drain, "drain", 30*time.Second, "after sending, wait at most this long for accepted txs to commit")
	fs.IntVar(&o.maxPending, "max-pending", 30_000, "pause sending while more accepted txs than this await commit (keep below the mempool size)")
	fs.IntVar(&o.maxTxs, "txs", 0, "txs to pre-sign (0: rate×duration, or 10,000/s×duration when saturating)")
	fs.Uint64Var(&o.fee, "fee", 10_000, "fee per tx, upingo")
	fs.DurationVar(&o.poll, "poll", 20*time.Millisecond, "commit follower poll interval (abci_info)")
	fs.Int64Var(&o.seed, "seed", 1, "recipient choice seed")
	fs.StringVar(&o.label, "label", "", "free text copied into the JSON line")
	_ = fs.Parse(args)
	if o.method != "sync" && o.method != "async" {
		return fmt.Errorf("--method: sync or async")
	}
	if o.senders < 1 || o.accounts < o.senders+1 || o.conns < 1 || o.duration <= 0 || o.rate < 0 {
		return fmt.Errorf("want --senders >= 1, --accounts > --senders, --conns >= 1, --duration > 0, --rate >= 0")
	}
	if o.warmup < 0 {
		o.warmup = min(5*time.Second, o.duration/5)
	}
	if o.batch <= 0 {
		o.batch = 10
		if o.rate > 0 {
			o.batch = max(1, min(10, int(o.rate/200)))
		}
	}
	if o.maxTxs <= 0 {
		perSec := o.rate
		if perSec == 0 {
			perSec = 10_000
		}
		o.maxTxs = int(math.Ceil(perSec * o.duration.Seconds()))
	}
	if o.maxTxs > 5_000_000 {
		return fmt.Errorf("%d txs to pre-sign: more than 5M, lower --rate/--duration/--txs", o.maxTxs)
	}
	rc, err := newRPC(o.rpc, o.conns)
	if err != nil {
		return err
	}
	r := &run{o: o, rpc: rc}
	setupCtx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := r.prepare(setupCtx); err != nil {
		return err
	}
	return r.execute()
}

// prepare reads the chain id and the senders' nonces and signs every tx.
func (r *run) prepare(ctx context.Context) error {
	t0 := time.Now()
	cl, err := client.New(r.o.rpc)
	if err != nil {
		return err
	}
	chainID, err := cl.ChainID(ctx) // /auth/params, proof-verified
	if err != nil {
		return fmt.Errorf("chain id from /auth/params: %w", err)
	}
	keys, addrs := population(r.o.accounts, r.o.senders)
	nonces, err := r.nonces(ctx, addrs[:r.o.senders])
	if err != nil {
		return err
	}
	n := r.o.maxTxs
	type plan struct {
		sender int
		nonce  uint64
		to     auth.Address
	}
	plans := make([]plan, n)
	rng := rand.New(rand.NewSource(r.o.seed))
	// Round-robin over senders: the same account signs again only every
	// --senders txs, so its previous tx has long been admitted (nonces are
	// strictly sequential) even with several connections in flight.
	for i := range plans {
		s := i % r.o.senders
		to := rng.Intn(r.o.accounts)
		for to == s {
			to = rng.Intn(r.o.accounts)
		}
		plans[i] = plan{sender: s, nonce: nonces[s] + uint64(i/r.o.senders), to: addrs[to]}
	}
	r.txs = make([]loadTx, n)
	testutil.Parallel(n, func(i int) {
		p := plans[i]
		raw := testutil.Transfer(keys[p.sender], chainID, p.nonce, r.o.fee, p.to, 1)
		r.txs[i] = loadTx{raw: raw, hash: sha256.Sum256(raw), sender: p.sender}
	})
	r.byHash = make(map[[32]byte]int32, n)
	for i := range r.txs {
		r.byHash[r.txs[i].hash] = int32(i)
	}
	r.state = make([]atomic.Uint32, n)
	r.sentAt = make([]atomic.Int64, n)
	r.commitAt = make([]int64, n)
	fmt.Fprintf(os.Stderr, "pingo-load: chain %d, %d senders, %d accounts: signed %d transfers in %s\n",
		chainID, r.o.senders, r.o.accounts, n, time.Since(t0).Round(time.Millisecond))
	return nil
}

// nonces reads the next nonce of each sender (batched abci_query, no proofs:
// a wrong answer only makes our own txs fail).
func (r *run) nonces(ctx context.Context, addrs []auth.Address) ([]uint64, error) {
	out := make([]uint64, len(addrs))
	const per = 10 // CometBFT's default rpc.max_request_batch_size
	for lo := 0; lo < len(addrs); lo += per {
		hi := min(lo+per, len(addrs))
		reqs := make([]rpcRequest, 0, hi-lo)
		for i := lo; i < hi; i++ {
			reqs = append(reqs, rpcRequest{JSONRPC: "2.0", ID: i, Method: "abci_query",
				Params: map[string]any{"path": "/auth/account/" + addrs[i].Hex(), "data": "", "height": "0", "prove": false}})
		}
		body, _ := json.Marshal(reqs)
		rs, err := r.rpc.post(ctx, body)
		if err != nil {
			return nil, fmt.Errorf("read nonces: %w", err)
		}
		if len(rs) == 1 && rs[0].Error != nil {
			return nil, fmt.Errorf("read nonces: %w", rs[0].Error)
		}
		if len(rs) != hi-lo {
			return nil, fmt.Errorf("read nonces: %d answers for %d queries", len(rs), hi-lo)
		}
		for _, x := range rs {
			if x.Error != nil {
				return nil, fmt.Errorf("read nonces: %w", x.Error)
			}
			var q struct {
				Response struct {
					Code  uint32 `json:"code"`
					Log   string `json:"log"`
					Value []byte `json:"value"`
				} `json:"response"`
			}
			if err := json.Unmarshal(x.Result, &q); err != nil {
				return nil, err
			}
			if q.Response.Code != 0 {
				return nil, fmt.Errorf("read nonce: %s", q.Response.Log)
			}
			if q.Response.Value == nil {
				return nil, fmt.Errorf("sender %s is not funded: run pingo-load genesis with --senders >= %d", addrs[x.ID].Hex(), len(addrs))
			}
			acc, err := auth.UnmarshalAccount(q.Response.Value)
			if err != nil {
				return nil, err
			}
			if x.ID < lo || x.ID >= hi {
				return nil, fmt.Errorf("read nonces: unexpected id %d", x.ID)
			}
			out[x.ID] = acc.Nonce
		}
	}
	return out, nil
}

func (r *run) refuse(reason string) {
	v, _ := r.refusals.LoadOrStore(reason, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// encodeBatch is the JSON-RPC batch body for txs [lo, hi); ids are tx indexes.
func (r *run) encodeBatch(lo, hi int) []byte {
	var sb strings.Builder
	sb.Grow((hi - lo) * 260)
	sb.WriteByte('[')
	for i := lo; i < hi; i++ {
		if i > lo {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"jsonrpc":"2.0","id":%d,"method":"broadcast_tx_%s","params":{"tx":"%s"}}`,
			i, r.o.method, base64.StdEncoding.EncodeToString(r.txs[i].raw))
	}
	sb.WriteByte(']')
	return []byte(sb.String())
}

func (r *run) execute() error {
	o := r.o
	nb := (len(r.txs) + o.batch - 1) / o.batch
	bodies := make([][]byte, nb)
	testutil.Parallel(nb, func(k int) { bodies[k] = r.encodeBatch(k*o.batch, min((k+1)*o.batch, len(r.txs))) })

	ctx, cancel := context.WithTimeout(context.Background(), o.duration+o.drain+2*time.Minute)
	defer cancel()
	h0, err := r.rpc.appHeight(ctx)
	if err != nil {
		return fmt.Errorf("abci_info: %w", err)
	}

	// Follower: abci_info says which height the app has committed; each new
	// block is then read once to match its txs.
	sendDone := make(chan struct{})
	followDone := make(chan error, 1)
	var sentTotal atomic.Int64
	go func() { followDone <- r.follow(ctx, h0, sendDone, &sentTotal) }()

	// Senders.
	work := make(chan int, o.conns)
	var wg sync.WaitGroup
	for w := 0; w < o.conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				r.send(ctx, k, bodies[k])
			}
		}()
	}
	start := time.Now()
	r.cpu0 = processCPU()
	sendEnd := start.Add(o.duration)
	var throttled time.Duration
	k := 0
dispatch:
	for ; k < nb; k++ {
		if o.rate > 0 {
			due := start.Add(time.Duration(float64(k*o.batch) / o.rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
		}
		// Closed loop: keep at most max-pending accepted txs uncommitted, so
		// the mempool never overflows (a refused tx would strand every later
		// nonce of its sender).
		for r.accepted.Load()-r.committed.Load() > int64(o.maxPending) {
			if time.Now().After(sendEnd) {
				break dispatch
			}
			t := time.Now()
			time.Sleep(2 * time.Millisecond)
			throttled += time.Since(t)
		}
		if time.Now().After(sendEnd) {
			break
		}
		lo, hi := k*o.batch, min((k+1)*o.batch, len(r.txs))
		sentTotal.Add(int64(hi - lo))
		select {
		case work <- k:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(work)
	wg.Wait()
	stopped := time.Now()
	if k == nb && stopped.Before(sendEnd.Add(-time.Second)) {
		fmt.Fprintf(os.Stderr, "pingo-load: ran out of pre-signed txs after %s; raise --txs\n", stopped.Sub(start).Round(time.Millisecond))
	}
	close(sendDone)
	if err := <-followDone; err != nil {
		fmt.Fprintln(os.Stderr, "pingo-load: follower:", err)
	}
	r.cpu1 = processCPU()
	return r.report(start, stopped, throttled, int(sentTotal.Load()))
}

// send posts one batch and records what CheckTx said.
func (r *run) send(ctx context.Context, k int, body []byte) {
	lo, hi := k*r.o.batch, min((k+1)*r.o.batch, len(r.txs))
	now := time.Now().UnixNano()
	for i := lo; i < hi; i++ {
		r.sentAt[i].Store(now)
		r.state[i].Store(stInFlight)
	}
	t0 := time.Now()
	rs, err := r.rpc.post(ctx, body)
	rtt := float64(time.Since(t0).Microseconds()) / 1000
	r.rttMu.Lock()
	r.rtts = append(r.rtts, rtt)
	r.rttMu.Unlock()
	if err == nil && len(rs) == 1 && rs[0].Error != nil && hi-lo > 1 {
		err = rs[0].Error // the whole batch was refused (e.g. too large)
	}
	if err != nil {
		for i := lo; i < hi; i++ {
			r.state[i].Store(stError)
		}
		r.refuse("rpc: " + clipReason(err.Error()))
		return
	}
	for _, x := range rs {
		i := x.ID
		if i < lo || i >= hi {
			continue
		}
		if x.Error != nil {
			r.state[i].Store(stError)
			r.refuse("rpc: " + clipReason(x.Error.Data))
			continue
		}
		var res struct {
			Code      uint32 `json:"code"`
			Codespace string `json:"codespace"`
			Log       string `json:"log"`
		}
		if err := json.Unmarshal(x.Result, &res); err != nil || res.Code != 0 {
			r.state[i].Store(stRefused)
			r.refuse(fmt.Sprintf("checktx %s/%d", res.Codespace, res.Code))
			continue
		}
		if r.state[i].CompareAndSwap(stInFlight, stAccepted) {
			r.accepted.Add(1)
		}
	}
}

func clipReason(s string) string {
	if i := strings.IndexAny(s, ":\n"); i > 0 && i < 60 {
		return s[:i]
	}
	if len(s) > 60 {
		return s[:60]
	}
	return s
}

// follow polls the app's committed height and matches each new block's txs.
// It returns once sending is done and every accepted tx committed, or the
// drain time ran out.
func (r *run) follow(ctx context.Context, h0 int64, sendDone <-chan struct{}, sent *atomic.Int64) error {
	next := h0 + 1
	var drainUntil time.Time
	tick := time.NewTicker(r.o.poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		select {
		case <-sendDone:
			if drainUntil.IsZero() {
				drainUntil = time.Now().Add(r.o.drain)
			}
		default:
		}
		if !drainUntil.IsZero() {
			if r.committed.Load() >= r.accepted.Load() || time.Now().After(drainUntil) {
				return nil
			}
		}
		last, err := r.rpc.appHeight(ctx)
		if err != nil {
			continue // transient; bounded by ctx
		}
		seen := time.Now()
		for ; next <= last; next++ {
			txs, hdr, err := r.rpc.blockTxs(ctx, next)
			if err != nil {
				return fmt.Errorf("block %d: %w", next, err)
			}
			ours := 0
			for _, raw := range txs {
				i, ok := r.byHash[sha256.Sum256(raw)]
				if !ok || r.commitAt[i] != 0 {
					continue
				}
				r.commitAt[i] = seen.UnixNano()
				ours++
				// A tx can commit before its broadcast_tx_sync answer is
				// read; count it accepted then.
				if r.state[i].CompareAndSwap(stInFlight, stAccepted) {
					r.accepted.Add(1)
				}
			}
			r.committed.Add(int64(ours))
			r.blocksMu.Lock()
			r.blocks = append(r.blocks, blockSeen{Height: next, Txs: len(txs), Ours: ours, Observed: seen, Header: hdr})
			r.blocksMu.Unlock()
		}
	}
}

type summary struct {
	Label          string           `json:"label,omitempty"`
	RPC            string           `json:"rpc"`
	Method         string           `json:"method"`
	RateTarget     float64          `json:"rate_target"`
	DurationS      float64          `json:"duration_s"`
	WarmupS        float64          `json:"warmup_s"`
	Senders        int              `json:"senders"`
	Accounts       int              `json:"accounts"`
	Conns          int              `json:"conns"`
	Batch          int              `json:"batch"`
	Sent           int              `json:"sent"`
	SendRate       float64          `json:"send_rate"`
	Accepted       int              `json:"accepted"`
	Rejected       int              `json:"rejected"`
	RPCErrors      int              `json:"rpc_errors"`
	Committed      int              `json:"committed"`
	Unconfirmed    int              `json:"unconfirmed"`
	CommittedTPS   float64          `json:"committed_tps"`
	OverallTPS     float64          `json:"committed_tps_overall"`
	Window         string           `json:"window"`
	WindowS        float64          `json:"window_s"`
	Blocks         int              `json:"blocks"`
	TxsPerBlock    float64          `json:"txs_per_block"`
	BlockIntervalS float64          `json:"block_interval_s"`
	LatencyN       int              `json:"latency_n"`
	LatencyP50ms   float64          `json:"latency_p50_ms"`
	LatencyP90ms   float64          `json:"latency_p90_ms"`
	LatencyP99ms   float64          `json:"latency_p99_ms"`
	LatencyMaxms   float64          `json:"latency_max_ms"`
	ThrottledS     float64          `json:"throttled_s"`
	RPCRTTp50ms    float64          `json:"rpc_rtt_p50_ms"`
	RPCRTTp99ms    float64          `json:"rpc_rtt_p99_ms"`
	LoadCPUs       float64          `json:"load_cpu_s"`
	LoadCPUPerTxUs float64          `json:"load_cpu_us_per_tx"`
	RefusalReasons map[string]int64 `json:"refusal_reasons,omitempty"`
}

func (r *run) report(start, stopped time.Time, throttled time.Duration, sent int) error {
	o := r.o
	s := summary{Window: "steady", Label: o.label, RPC: o.rpc, Method: o.method, RateTarget: o.rate, DurationS: o.duration.Seconds(),
		WarmupS: o.warmup.Seconds(), Senders: o.senders, Accounts: o.accounts, Conns: o.conns, Batch: o.batch,
		Sent: sent, ThrottledS: throttled.Seconds()}
	if d := stopped.Sub(start).Seconds(); d > 0 {
		s.SendRate = float64(sent) / d
	}
	for i := 0; i < sent && i < len(r.txs); i++ {
		switch r.state[i].Load() {
		case stAccepted:
			s.Accepted++
			if r.commitAt[i] != 0 {
				s.Committed++
			} else {
				s.Unconfirmed++
			}
		case stInFlight:
			if r.commitAt[i] != 0 {
				s.Accepted++
				s.Committed++
			} else {
				s.Unconfirmed++
			}
		case stRefused:
			s.Rejected++
		case stError:
			s.RPCErrors++
		}
	}
	r.refusals.Range(func(k, v any) bool {
		if s.RefusalReasons == nil {
			s.RefusalReasons = map[string]int64{}
		}
		s.RefusalReasons[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})

	// Steady state: blocks observed between start+warmup and the end of
	// sending. Rate = txs of those blocks after the first / time from the
	// first to the last.
	winStart := start.Add(o.warmup)
	var win []blockSeen
	for _, b := range r.blocks {
		if !b.Observed.Before(winStart) && !b.Observed.After(stopped) {
			win = append(win, b)
		}
	}
	// Overall: every committed tx of ours over the time from the first
	// send to the last block that carried one (drain included). It is the
	// honest figure when blocks are few and long (a slow node or network).
	var lastOurs time.Time
	for _, b := range r.blocks {
		if b.Ours > 0 {
			lastOurs = b.Observed
		}
	}
	if !lastOurs.IsZero() {
		s.OverallTPS = float64(s.Committed) / lastOurs.Sub(start).Seconds()
	}
	if len(win) >= 5 {
		txs := 0
		for _, b := range win[1:] {
			txs += b.Ours
		}
		span := win[len(win)-1].Observed.Sub(win[0].Observed).Seconds()
		s.CommittedTPS = float64(txs) / span
		s.WindowS = span
		s.Blocks = len(win) - 1
		s.TxsPerBlock = float64(txs) / float64(len(win)-1)
		s.BlockIntervalS = span / float64(len(win)-1)
	} else if !lastOurs.IsZero() {
		s.Window = "overall"
		n := 0
		for _, b := range r.blocks {
			if b.Ours > 0 {
				n++
			}
		}
		s.WindowS = lastOurs.Sub(start).Seconds()
		s.CommittedTPS = s.OverallTPS
		s.Blocks = n
		s.TxsPerBlock = float64(s.Committed) / float64(max(n, 1))
		s.BlockIntervalS = s.WindowS / float64(max(n, 1))
	}

	// Latency of txs sent inside the window.
	var lat []float64
	for i := 0; i < sent && i < len(r.txs); i++ {
		sa := r.sentAt[i].Load()
		if r.commitAt[i] == 0 || sa < winStart.UnixNano() || sa > stopped.UnixNano() {
			continue
		}
		lat = append(lat, float64(r.commitAt[i]-sa)/1e6)
	}
	sort.Float64s(lat)
	s.LatencyN = len(lat)
	if len(lat) > 0 {
		s.LatencyP50ms = pct(lat, 0.50)
		s.LatencyP90ms = pct(lat, 0.90)
		s.LatencyP99ms = pct(lat, 0.99)
		s.LatencyMaxms = lat[len(lat)-1]
	}
	s.LoadCPUs = (r.cpu1 - r.cpu0).Seconds()
	if s.Committed > 0 {
		s.LoadCPUPerTxUs = 1e6 * s.LoadCPUs / float64(s.Committed)
	}
	r.rttMu.Lock()
	sort.Float64s(r.rtts)
	if len(r.rtts) > 0 {
		s.RPCRTTp50ms, s.RPCRTTp99ms = pct(r.rtts, 0.5), pct(r.rtts, 0.99)
	}
	r.rttMu.Unlock()
	rate := "saturate"
	if o.rate > 0 {
		rate = fmt.Sprintf("%.0f tx/s", o.rate)
	}
	fmt.Printf("pingo-load %s: sent %d (%.0f tx/s), accepted %d, rejected %d, rpc errors %d, committed %d, unconfirmed %d | committed %.0f tx/s (%s window %.1fs, overall %.0f tx/s; %d blocks, %.0f tx/block, %.2fs/block) | latency p50 %.0f ms p90 %.0f ms p99 %.0f ms max %.0f ms (n=%d) | rpc rtt p50 %.1f ms p99 %.1f ms (batch %d, %d conns) | load generator CPU %.0f us/tx\n",
		rate, s.Sent, s.SendRate, s.Accepted, s.Rejected, s.RPCErrors, s.Committed, s.Unconfirmed,
		s.CommittedTPS, s.Window, s.WindowS, s.OverallTPS, s.Blocks, s.TxsPerBlock, s.BlockIntervalS,
		s.LatencyP50ms, s.LatencyP90ms, s.LatencyP99ms, s.LatencyMaxms, s.LatencyN, s.RPCRTTp50ms, s.RPCRTTp99ms, o.batch, o.conns, s.LoadCPUPerTxUs)
	j, err := json.Marshal(s)
	if err != nil {
		return err
	}
	fmt.Println(string(j))
	return nil
}

// pct is the nearest-rank percentile of sorted xs.
func pct(xs []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(xs)))) - 1
	return xs[max(0, min(i, len(xs)-1))]
}
