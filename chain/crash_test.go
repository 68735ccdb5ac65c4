package chain_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/stretchr/testify/require"
)

const (
	crashSenders    = 4
	crashFunds      = 1_000_000_000_000_000
	crashFee        = 10_000
	crashRecipient0 = 100 // recipients are testutil keys 100..
)

// nodeProc is one `pingod start` subprocess.
type nodeProc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
	log  string
}

// seenHeader is what the test remembers of a block.
type seenHeader struct{ blockHash, appHash string }

type crashRig struct {
	t         *testing.T
	bin, home string
	rpcURL    string
	args      []string
	runs      int
	cur       *nodeProc
	c         *client.Client // unverified, for polling
	vc        *client.Client // verifying
	seen      map[int64]seenHeader
}

func (r *crashRig) start() *nodeProc {
	t := r.t
	t.Helper()
	r.runs++
	logPath := filepath.Join(filepath.Dir(r.home), fmt.Sprintf("run%d.log", r.runs))
	f, err := os.Create(logPath)
	require.NoError(t, err)
	cmd := exec.Command(r.bin, append([]string{"start", "--home", r.home}, r.args...)...)
	cmd.Env = nodeEnv(t)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(t, cmd.Start())
	p := &nodeProc{cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() { p.err = cmd.Wait(); f.Close(); close(p.done) }()
	r.cur = p
	return p
}

// waitHeight waits (≤ timeout) until the node reports a block ≥ h.
func (r *crashRig) waitHeight(ctx context.Context, h int64, timeout time.Duration) int64 {
	t := r.t
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if got, err := latestHeight(ctx, r.c); err == nil && got >= h {
			return got
		}
		select {
		case <-r.cur.done:
			t.Fatalf("run %d: node exited while waiting for height %d: %v", r.runs, h, r.cur.err)
		case <-time.After(50 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "run %d: height %d not reached in %s", r.runs, h, timeout)
	}
}

// record reads every header up to the newest block and remembers it,
// checking that headers already remembered did not change. It returns the
// newest height.
func (r *crashRig) record(ctx context.Context) int64 {
	t := r.t
	t.Helper()
	top, err := latestHeight(ctx, r.c)
	require.NoError(t, err)
	for lo := int64(1); lo <= top; lo += 20 {
		hi := min(lo+19, top)
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		res, err := r.c.RPC().BlockchainInfo(cctx, lo, hi)
		cancel()
		require.NoError(t, err)
		require.Len(t, res.BlockMetas, int(hi-lo+1))
		for _, m := range res.BlockMetas {
			h := seenHeader{blockHash: m.BlockID.Hash.String(), appHash: m.Header.AppHash.String()}
			if old, ok := r.seen[m.Header.Height]; ok {
				require.Equal(t, old, h, "run %d: block %d changed after a restart (block hash, app hash)", r.runs, m.Header.Height)
			}
			r.seen[m.Header.Height] = h
		}
	}
	return top
}

// checkState proves, through the restarted node, that the app's stored
// versions at heights around the crash match the app hashes in headers
// recorded before it.
func (r *crashRig) checkState(ctx context.Context, before map[int64]seenHeader, last int64, rng *rand.Rand) {
	t := r.t
	t.Helper()
	heights := []int64{last, last - 1, last - 2}
	for i := 0; i < 3 && last > 3; i++ {
		heights = append(heights, 1+rng.Int63n(last-1))
	}
	for _, h := range heights {
		if h < 1 {
			continue
		}
		res, err := r.vc.Query(ctx, "/bank/supply", h)
		require.NoError(t, err, "run %d: verified query at height %d", r.runs, h)
		require.True(t, res.Verified)
		// The proof checked out against the node's header h+1; tie that
		// header to the one seen before the crash when we saw it.
		if old, ok := before[h+1]; ok {
			require.Equal(t, old, r.seen[h+1])
		}
	}
}

// fireTransfers fires pre-signed transfers from crashSenders accounts with
// consecutive nonces, broadcast_tx_async, until stop is closed. After
// errors (the node is down) it re-reads the committed nonces.
func fireTransfers(t *testing.T, rpcURL string, stop <-chan struct{}, sent *atomic.Int64) {
	c, err := client.New(rpcURL)
	if err != nil {
		t.Error(err)
		return
	}
	c.Verify = false
	keys := make([]*loadSender, crashSenders)
	for i := range keys {
		k := testutil.Key(uint64(i))
		keys[i] = &loadSender{k: k, addr: testutil.Addr(k), to: testutil.Addr(testutil.Key(uint64(crashRecipient0 + i)))}
	}
	needSync := true
	lastSync := time.Time{}
	for {
		select {
		case <-stop:
			return
		default:
		}
		if needSync || time.Since(lastSync) > time.Second {
			ok := true
			for _, k := range keys {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				acc, _, err := c.Account(ctx, k.addr)
				cancel()
				if err != nil {
					ok = false
					break
				}
				// After a restart the mempool is empty: start over from the
				// committed nonce. Otherwise only if we ran far ahead
				// (txs were dropped).
				if needSync || acc.Nonce > k.next || k.next-acc.Nonce > 400 {
					k.next = acc.Nonce
				}
			}
			if !ok {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			needSync, lastSync = false, time.Now()
		}
		for _, k := range keys {
			// Deterministic bytes per (sender, nonce): a re-sent nonce is
			// the same tx, which the mempool cache deduplicates.
			tx := testutil.Transfer(k.k, testutil.ChainID, k.next, crashFee, k.to, 1000+k.next)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err := c.RPC().BroadcastTxAsync(ctx, tx)
			cancel()
			if err != nil {
				needSync = true
				break
			}
			k.next++
			sent.Add(1)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

type loadSender struct {
	k    *ecdsa.PrivateKey
	addr auth.Address
	to   auth.Address
	next uint64
}

// A validator killed with SIGKILL at random moments under load comes back
// on the same home every time, keeps committing, never rewrites a block it
// had shown, and serves app versions matching the recorded app hashes. A
// SIGTERM under load exits 0 and restarts cleanly. At the end the state
// on disk satisfies the supply invariant and every sender's nonce equals
// its committed txs.
func TestCrashRecoveryUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a node several times")
	}
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	bin := buildPingod(t)
	base := t.TempDir()
	home := filepath.Join(base, "node")

	out, err := exec.Command(bin, "init", "--home", home, "--chain-id", "pingo-crash", "--moniker", "crash",
		"--l2-chain-id", fmt.Sprint(testutil.ChainID)).CombinedOutput()
	require.NoError(t, err, "init: %s", out)
	g, err := chain.ReadGenesis(chain.GenesisFile(home))
	require.NoError(t, err)
	for i := 0; i < crashSenders; i++ {
		require.NoError(t, g.AddAccount(testutil.Addr(testutil.Key(uint64(i))), uint256.NewInt(crashFunds)))
	}
	require.NoError(t, g.Write(chain.GenesisFile(home)))

	rpcPort, p2pPort := testutil.FreePort(t), testutil.FreePort(t)
	for p2pPort == rpcPort {
		p2pPort = testutil.FreePort(t)
	}
	r := &crashRig{t: t, bin: bin, home: home, seen: map[int64]seenHeader{},
		rpcURL: fmt.Sprintf("http://127.0.0.1:%d", rpcPort),
		args: []string{
			"--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort),
			"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", p2pPort),
			"--consensus.timeout_commit", "100ms",
		}}
	r.c, err = client.New(r.rpcURL)
	require.NoError(t, err)
	r.c.Verify = false
	r.vc, err = client.New(r.rpcURL)
	require.NoError(t, err)
	r.vc.PollInterval = 20 * time.Millisecond

	t.Cleanup(func() {
		if r.cur != nil {
			select {
			case <-r.cur.done:
			default:
				_ = r.cur.cmd.Process.Kill()
				<-r.cur.done
			}
		}
	})
	defer func() {
		if t.Failed() && r.cur != nil {
			b, _ := os.ReadFile(r.cur.log)
			if len(b) > 5000 {
				b = b[len(b)-5000:]
			}
			t.Logf("run %d log tail:\n%s", r.runs, b)
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	began := time.Now()

	r.start()
	r.waitHeight(ctx, 2, 30*time.Second)
	stop := make(chan struct{})
	var sent atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); fireTransfers(t, r.rpcURL, stop, &sent) }()
	stopLoad := func() {
		if stop != nil {
			close(stop)
			wg.Wait()
			stop = nil
		}
	}
	defer stopLoad()

	restart := func(why string, last int64, before map[int64]seenHeader) {
		t.Helper()
		r.start()
		r.waitHeight(ctx, last+2, 30*time.Second)
		r.record(ctx) // fails if any header seen before changed
		r.checkState(ctx, before, last, rng)
		t.Logf("%s: back at height %d (crashed at %d) after %s", why, r.record(ctx), last, time.Since(began).Round(time.Millisecond))
	}
	copySeen := func() map[int64]seenHeader {
		m := make(map[int64]seenHeader, len(r.seen))
		for k, v := range r.seen {
			m[k] = v
		}
		return m
	}

	for kill := 1; kill <= 3; kill++ {
		time.Sleep(time.Second + time.Duration(rng.Int63n(int64(2*time.Second))))
		last := r.record(ctx)
		before := copySeen()
		require.NoError(t, r.cur.cmd.Process.Signal(syscall.SIGKILL))
		select {
		case <-r.cur.done:
			require.Error(t, r.cur.err)
			require.Contains(t, r.cur.err.Error(), "killed")
		case <-time.After(10 * time.Second):
			t.Fatal("SIGKILLed node did not exit")
		}
		restart(fmt.Sprintf("SIGKILL %d (%d txs sent so far)", kill, sent.Load()), last, before)
	}

	// SIGTERM under load: exit status 0 within 30 s, then a clean restart.
	time.Sleep(time.Second + time.Duration(rng.Int63n(int64(time.Second))))
	last := r.record(ctx)
	before := copySeen()
	require.NoError(t, r.cur.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-r.cur.done:
		require.NoError(t, r.cur.err, "exit status after SIGTERM under load")
	case <-time.After(30 * time.Second):
		t.Fatal("node did not exit within 30s of SIGTERM")
	}
	stopLoad()
	logTerm, err := os.ReadFile(r.cur.log)
	require.NoError(t, err)
	require.Contains(t, string(logTerm), "shutting down")
	restart("SIGTERM", last, before)

	// Count committed txs per sender from the blocks' results. The load
	// has stopped and a restarted node's mempool is empty, so nothing is
	// committed after the count.
	nu, err := r.c.RPC().NumUnconfirmedTxs(ctx)
	require.NoError(t, err)
	require.Zero(t, nu.Total, "mempool not empty after restart")
	top := r.record(ctx)
	counts := map[string]uint64{}
	total := 0
	for h := int64(1); h <= top; h++ {
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		br, err := r.c.RPC().BlockResults(cctx, &h)
		ccancel()
		require.NoError(t, err, "block_results %d", h)
		for i, res := range br.TxsResults {
			require.Equal(t, abci.CodeTypeOK, res.Code, "height %d tx %d: %s", h, i, res.Log)
			sender := ""
			for _, ev := range res.Events {
				if ev.Type != "auth" {
					continue
				}
				for _, a := range ev.Attributes {
					if a.Key == "sender" {
						sender = a.Value
					}
				}
			}
			require.NotEmpty(t, sender, "height %d tx %d has no auth.sender event", h, i)
			counts[strings.ToLower(sender)]++
			total++
		}
	}
	t.Logf("%d txs sent, %d committed in %d blocks", sent.Load(), total, top)
	require.GreaterOrEqual(t, total, 50, "too few txs committed for the test to mean anything")

	require.NoError(t, r.cur.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-r.cur.done:
		require.NoError(t, r.cur.err, "final SIGTERM")
	case <-time.After(30 * time.Second):
		t.Fatal("node did not exit within 30s of the final SIGTERM")
	}

	// The state on disk, opened in-process.
	a := testutil.OpenApp(t, chain.DataDir(home))
	require.GreaterOrEqual(t, a.Height, top, "app behind the blocks the node served")
	require.NoError(t, a.CheckInvariants())
	for i := 0; i < crashSenders; i++ {
		addr := testutil.Addr(testutil.Key(uint64(i)))
		res, err := a.Query(context.Background(), &abci.RequestQuery{Path: "/auth/account/" + addr.Hex()})
		require.NoError(t, err)
		require.Zero(t, res.Code, res.Log)
		acc, err := auth.UnmarshalAccount(res.Value)
		require.NoError(t, err)
		require.Equal(t, counts[strings.ToLower(addr.Hex())], acc.Nonce, "sender %d: nonce vs committed txs", i)
		// Every committed tx of sender i paid fee + (1000+nonce) to its
		// recipient, so the balance is fully determined by the nonce.
		n := acc.Nonce
		spent := n*crashFee + 1000*n + n*(n-1)/2
		require.Equal(t, uint64(crashFunds)-spent, acc.Balance.Uint64(), "sender %d balance", i)
		to := testutil.Addr(testutil.Key(uint64(crashRecipient0 + i)))
		res, err = a.Query(context.Background(), &abci.RequestQuery{Path: "/auth/account/" + to.Hex()})
		require.NoError(t, err)
		var got uint64
		if res.Value != nil {
			racc, err := auth.UnmarshalAccount(res.Value)
			require.NoError(t, err)
			got = racc.Balance.Uint64()
		}
		require.Equal(t, 1000*n+n*(n-1)/2, got, "recipient %d balance", i)
	}
	t.Logf("done in %s", time.Since(began).Round(time.Millisecond))
}
