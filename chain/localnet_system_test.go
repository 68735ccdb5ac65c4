package chain_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridgetypes "github.com/pingo-chain/pingo/x/bridge/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// buildAll compiles pingod and the four service binaries into one temp
// dir, where `pingod localnet` looks for them (next to itself).
func buildAll(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"build", "-o", dir + "/"}
	for _, c := range []string{"pingod", "pingo-cdn", "pingo-contributor", "pingo-tonlocal", "pingo-relayer"} {
		args = append(args, "github.com/pingo-chain/pingo/cmd/"+c)
	}
	out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return dir
}

// descendants lists every process below pid (children, grandchildren…).
func descendants(pid int) []int {
	var out []int
	for _, c := range childrenOf(pid) {
		out = append(out, c)
		out = append(out, descendants(c)...)
	}
	return out
}

// `make localnet` as one command: 4 validators on 127.0.0.161-164, the
// local TON endpoint (165), the relayer (166), the CDN node (167) and its
// two contributors (168, 169), all children of `pingod localnet`. Within
// 150 s of the start: every validator advances; the CDN node has a PASS
// receipt and both contributors have emission weight and an NFT (proof-verified
// reads); a checkpoint the chain sealed is anchored on the TON endpoint,
// read back through tonutils-go over ADNL with the chain's app hash, and
// confirmed on the chain (the relayer reports it, the validators' TON
// watchers vote); the anchor's PINGO jetton wallet holds exactly the L2
// supply; a withdrawal to the dev TON wallet is claimed by the relayer
// (isClaimed) and its jettons arrive, the anchor's wallet still equal to
// the L2 supply; then SIGINT leaves no process behind (the TON sidecar
// included).
func TestLocalnetWholeSystem(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole localnet")
	}
	const n, firstIP = 4, 161
	contracts := tonlocaltest.ContractsDir(t) // skips without node; npm ci when needed
	var addrs []string
	for i := 0; i < n+5; i++ {
		ip := fmt.Sprintf("127.0.0.%d", firstIP+i)
		for _, port := range []int{26656, 26657, 26660, 4924, 9464, 8646, 8647} {
			a := fmt.Sprintf("%s:%d", ip, port)
			require.False(t, portOpen(a), "%s is in use: another localnet running?", a)
			addrs = append(addrs, a)
		}
	}
	built := time.Now()
	bin := filepath.Join(buildAll(t), "pingod")
	t.Logf("binaries built in %s", time.Since(built).Round(100*time.Millisecond))
	dir := filepath.Join(t.TempDir(), "localnet")

	var out syncBuffer
	cmd := exec.Command(bin, "localnet", "--validators", strconv.Itoa(n), "--first-ip", strconv.Itoa(firstIP),
		"--dir", dir, "--block-time", "300ms", "--contracts", contracts)
	cmd.Env = nodeEnv(t)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	done := false
	var procs []int
	t.Cleanup(func() {
		if done {
			return
		}
		// Failure path: kill what this test started, by PID.
		kids := append(procs, descendants(cmd.Process.Pid)...)
		_ = cmd.Process.Kill()
		<-exited
		for _, p := range kids {
			if alive(p) && strings.Contains(cmdline(p), dir) {
				_ = syscall.Kill(p, syscall.SIGKILL)
			}
		}
	})
	defer func() {
		if t.Failed() {
			t.Logf("localnet output:\n%s", out.String())
			for _, f := range []string{"node0/node.log", "cdn.log", "contributor1.log", "tonlocal.log", "relayer.log"} {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				if len(b) > 3000 {
					b = b[len(b)-3000:]
				}
				t.Logf("%s tail:\n%s", f, b)
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	// wait polls cond every 250 ms until it holds, failing if the localnet
	// exits or the 90 s budget ends.
	wait := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			select {
			case err := <-exited:
				done = true
				t.Fatalf("localnet exited while waiting for %s: %v", what, err)
			case <-ctx.Done():
				t.Fatalf("no %s within 150 s of the start", what)
			case <-time.After(250 * time.Millisecond):
			}
		}
		t.Logf("%s after %s", what, time.Since(start).Round(100*time.Millisecond))
	}

	clients := make([]*client.Client, n)
	for i := range clients {
		c, err := client.New(fmt.Sprintf("http://127.0.0.%d:26657", firstIP+i))
		require.NoError(t, err)
		c.PollInterval = 50 * time.Millisecond
		clients[i] = c
	}
	heights := func() []int64 {
		hs := make([]int64, n)
		for i, c := range clients {
			hs[i], _ = latestHeight(ctx, c)
		}
		return hs
	}
	var first []int64
	wait("all 4 validators at height >= 3", func() bool {
		first = heights()
		for _, h := range first {
			if h < 3 {
				return false
			}
		}
		return true
	})

	// The CDN node's PASS receipt, read with proofs: both contributors are
	// named in it, paid, and hold a contributor NFT.
	c := clients[1]
	cdnAddr := auth.PubkeyToAddress(&chain.DevAgentKey(0).PublicKey)
	contribs := []auth.Address{auth.PubkeyToAddress(&chain.DevAgentKey(1).PublicKey), auth.PubkeyToAddress(&chain.DevAgentKey(2).PublicKey)}
	var pass compute.Receipt
	wait("a PASS receipt of the CDN node", func() bool {
		ids, err := c.ReceiptsByContributor(ctx, contribs[0])
		if err != nil {
			return false
		}
		for _, id := range ids {
			r, found, _, err := c.Receipt(ctx, id)
			if err == nil && found && r.Verdict == compute.VerdictPass {
				pass = r
				return true
			}
		}
		return false
	})
	require.Equal(t, cdnAddr, pass.Node)
	// Network units are paid from the compute epoch's emission when the
	// epoch ends (600 blocks: minutes), so what the test sees is each
	// contributor's emission weight (x/compute README) and its NFT; they
	// may land a block after the receipt, and the validators restart once
	// (TON watchers) meanwhile.
	wait("both contributors with emission weight (paid at the epoch's end) and an NFT", func() bool {
		for _, a := range contribs {
			w, err := c.EmissionWeight(ctx, 0, a)
			if err != nil || w == 0 {
				return false
			}
			nft, err := c.NFTOfContributor(ctx, a)
			if err != nil || nft == 0 {
				return false
			}
		}
		return true
	})

	// A checkpoint anchored on the local TON endpoint, read through
	// tonutils-go over ADNL, equal to the chain's record.
	var ep localnetEndpoint
	wait("the TON endpoint's endpoint.json with the PINGO jetton", func() bool {
		var ok bool
		ep, ok = readLocalnetEndpoint(dir)
		return ok
	})
	tv := dialTONView(t, ctx, ep)
	tc := tv.anchor
	var anchored uint64
	var err error
	wait("a checkpoint anchored on TON", func() bool {
		anchored, err = tc.LastEpoch(ctx)
		return err == nil && anchored >= 1
	})
	onTON, err := tc.CheckpointByEpoch(ctx, anchored)
	require.NoError(t, err)
	rec, found, err := c.Checkpoint(ctx, anchored)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, [32]byte(rec.AppHash), onTON.AppHash, "epoch %d", anchored)
	require.Equal(t, rec.Height, onTON.Height)

	// The jetton at genesis: the anchor's jetton wallet holds exactly the L2
	// supply (nothing withdrawn yet), so L2 supply + PINGO outside the
	// anchor = the jetton supply.
	supply := func() *big.Int {
		r, err := c.Query(ctx, "/bank/supply", 0)
		require.NoError(t, err)
		return new(big.Int).SetBytes(r.Value)
	}
	anchorJettons := func() *big.Int {
		b, err := tv.jettons(ctx, ep.Anchor)
		require.NoError(t, err)
		return b
	}
	require.Equal(t, supply().String(), anchorJettons().String(), "anchor's jetton wallet = L2 supply")

	// The validators' TON watchers confirm what the relayer reports (its L2
	// key is set): some checkpoint reaches "confirmed".
	wait("a checkpoint confirmed on the chain (watchers voted the relayer's ReportAnchor)", func() bool {
		r, found, err := c.Checkpoint(ctx, anchored)
		return err == nil && found && r.Status == bridgetypes.StatusConfirmed
	})

	// A withdrawal to the dev TON wallet: the relayer claims it; the anchor
	// paid it once (isClaimed) and the jettons arrived.
	before, err := tv.jettons(ctx, ep.DevWallet)
	require.NoError(t, err)
	to, err := bridgetypes.ParseTONAddr(ep.DevWallet)
	require.NoError(t, err)
	const amt = 2_000_000_000
	_, wh, err := c.Withdraw(ctx, chain.DevKey(3), to, uint256.NewInt(amt), uint256.NewInt(10_000))
	require.NoError(t, err)
	withdrawn := time.Now()
	ids, err := c.WithdrawalsFrom(ctx, auth.PubkeyToAddress(&chain.DevKey(3).PublicKey), 1)
	require.NoError(t, err)
	require.Len(t, ids, 1)
	wait("the withdrawal claimed on TON by the relayer (isClaimed)", func() bool {
		ok, err := tc.IsClaimed(ctx, ids[0])
		return err == nil && ok
	})
	t.Logf("withdrawal %d (block %d) claimed on TON %s after its tx was committed (checkpoint every 10 blocks of 300 ms)",
		ids[0], wh, time.Since(withdrawn).Round(100*time.Millisecond))
	wait("the jettons in the dev TON wallet", func() bool {
		b, err := tv.jettons(ctx, ep.DevWallet)
		return err == nil && new(big.Int).Sub(b, before).Int64() == amt
	})
	require.Equal(t, supply().String(), anchorJettons().String(), "after the claim: anchor's jetton wallet = L2 supply")

	// Every validator kept advancing.
	last := heights()
	for i := range last {
		require.Greater(t, last[i], first[i], "node%d stalled", i)
	}
	require.Contains(t, out.String(), "Press Ctrl-C")
	require.Contains(t, out.String(), "pingod tx withdraw --to "+ep.DevWallet)
	require.Contains(t, out.String(), "validators' TON watchers: on")
	procs = descendants(cmd.Process.Pid)
	names := map[string]int{}
	for _, p := range procs {
		for _, b := range []string{"pingod start", "pingo-cdn", "pingo-contributor", "pingo-tonlocal", "pingo-relayer", "tonlocal-sidecar.js"} {
			if strings.Contains(cmdline(p), b) {
				names[b]++
			}
		}
	}
	require.Equal(t, map[string]int{"pingod start": n, "pingo-cdn": 1, "pingo-contributor": 2, "pingo-tonlocal": 1,
		"pingo-relayer": 1, "tonlocal-sidecar.js": 1}, names)
	t.Logf("whole system checked after %s", time.Since(start).Round(100*time.Millisecond))

	// Ctrl-C: every process the localnet started, at any depth, is gone.
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	stopping := time.Now()
	select {
	case err := <-exited:
		done = true
		require.NoError(t, err, "localnet exit status after SIGINT")
		t.Logf("stopped %s after SIGINT", time.Since(stopping).Round(100*time.Millisecond))
	case <-time.After(60 * time.Second):
		t.Fatal("localnet did not exit within 60s of SIGINT")
	}
	require.NotContains(t, out.String(), "did not stop in time")
	for _, p := range procs {
		require.False(t, alive(p), "process %d (%s) survived the localnet", p, cmdline(p))
	}
	for _, a := range addrs {
		require.False(t, portOpen(a), "%s still open", a)
	}
}
