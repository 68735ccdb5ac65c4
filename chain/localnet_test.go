package chain_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/stretchr/testify/require"
)

// buildPingod compiles cmd/pingod into a temp dir for this test.
func buildPingod(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pingod")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/pingo-chain/pingo/cmd/pingod").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// nodeEnv is the environment for a pingod subprocess: no PINGOD_ setting
// from the developer's shell, HOME in a scratch dir.
func nodeEnv(t *testing.T) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PINGOD_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+t.TempDir())
}

// syncBuffer collects a subprocess's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// childrenOf lists the PIDs whose parent is pid, from /proc.
func childrenOf(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, _, ok := procParent(p); ok && pp == pid {
			out = append(out, p)
		}
	}
	return out
}

// procParent reads the parent PID and state letter of pid.
func procParent(pid int) (ppid int, state string, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, "", false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, "", false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0], err == nil
}

func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.ReplaceAll(string(b), "\x00", " ")
}

// alive: the process exists and is not a zombie.
func alive(pid int) bool {
	_, st, ok := procParent(pid)
	return ok && st != "Z"
}

func portOpen(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func latestHeight(ctx context.Context, c *client.Client) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	st, err := c.RPC().Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

// `pingod localnet --no-agents --no-ton` brings up 4 validators on
// 127.0.0.201-204 that agree on state, serve verified queries from any
// node, and all stop on Ctrl-C. (The whole system: localnet_system_test.go.)
func TestLocalnet4Validators(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 4 validator processes")
	}
	const n, firstIP = 4, 201
	ips := make([]string, n)
	for i := range ips {
		ips[i] = fmt.Sprintf("127.0.0.%d", firstIP+i)
		for _, port := range []int{26656, 26657, 26660} {
			require.False(t, portOpen(fmt.Sprintf("%s:%d", ips[i], port)),
				"%s:%d is in use: another localnet running?", ips[i], port)
		}
	}
	bin := buildPingod(t)
	dir := filepath.Join(t.TempDir(), "localnet")

	var out syncBuffer
	cmd := exec.Command(bin, "localnet", "--validators", strconv.Itoa(n), "--first-ip", strconv.Itoa(firstIP),
		"--dir", dir, "--block-time", "300ms", "--no-agents", "--no-ton")
	cmd.Env = nodeEnv(t)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	done := false
	var children []int
	t.Cleanup(func() {
		if done {
			return
		}
		// Failure path: kill what this test started, by PID.
		kids := append(children, childrenOf(cmd.Process.Pid)...)
		_ = cmd.Process.Kill()
		<-exited
		for _, p := range kids {
			if alive(p) && strings.Contains(cmdline(p), " start ") {
				_ = syscall.Kill(p, syscall.SIGKILL)
			}
		}
	})
	defer func() {
		if t.Failed() {
			t.Logf("localnet output:\n%s", out.String())
			for i := 0; i < n; i++ {
				b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("node%d", i), "node.log"))
				if len(b) > 3000 {
					b = b[len(b)-3000:]
				}
				t.Logf("node%d log tail:\n%s", i, b)
			}
		}
	}()

	clients := make([]*client.Client, n)
	for i := range clients {
		c, err := client.New("http://" + ips[i] + ":26657")
		require.NoError(t, err)
		c.PollInterval = 50 * time.Millisecond
		clients[i] = c
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// All four RPCs up and at height >= 3, within 60 s.
	deadline := time.Now().Add(60 * time.Second)
	for {
		ready := 0
		for _, c := range clients {
			if h, err := latestHeight(ctx, c); err == nil && h >= 3 {
				ready++
			}
		}
		if ready == n {
			break
		}
		select {
		case err := <-exited:
			done = true
			t.Fatalf("localnet exited early: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "only %d/%d nodes reached height 3 in 60s", ready, n)
	}
	t.Logf("4 nodes at height >= 3 after %s", time.Since(start).Round(time.Millisecond))
	require.Contains(t, out.String(), chain.DevMnemonic())
	children = childrenOf(cmd.Process.Pid)
	require.Len(t, children, n, "localnet should run one child per validator")
	for _, p := range children {
		require.Contains(t, cmdline(p), " start --home "+dir, "child %d", p)
	}

	// A transfer through node 0, read back with a verified proof from node 3.
	to := auth.PubkeyToAddress(&chain.DevKey(9).PublicKey)
	to[0] ^= 0xff // an address nobody funded
	amount := uint256.NewInt(123_456_789)
	_, height, err := clients[0].Transfer(ctx, chain.DevKey(0), to, amount, uint256.NewInt(10_000))
	require.NoError(t, err)
	require.Positive(t, height)
	var res *client.Result
	for {
		res, err = clients[3].Query(ctx, "/bank/balance/"+to.Hex(), height)
		if err == nil {
			break
		}
		require.NoError(t, ctx.Err(), "node 3 never answered for height %d: %v", height, err)
		time.Sleep(100 * time.Millisecond)
	}
	require.True(t, res.Verified)
	require.Equal(t, height, res.Height)
	acc, err := auth.UnmarshalAccount(res.Value)
	require.NoError(t, err)
	require.Equal(t, amount.Dec(), acc.Balance.Dec())

	// Same block and app hash on every node at two common heights: an early
	// one and the one whose header commits to the transfer's state.
	for _, h := range []int64{3, height + 1} {
		var hashes, apps []string
		for i, c := range clients {
			for {
				b, err := c.RPC().Block(ctx, &h)
				if err == nil {
					hashes = append(hashes, b.BlockID.Hash.String())
					apps = append(apps, b.Block.Header.AppHash.String())
					break
				}
				require.NoError(t, ctx.Err(), "node %d: block %d: %v", i, h, err)
				time.Sleep(100 * time.Millisecond)
			}
		}
		for i := 1; i < n; i++ {
			require.Equal(t, apps[0], apps[i], "app hash at height %d: node0 vs node%d", h, i)
			require.Equal(t, hashes[0], hashes[i], "block hash at height %d: node0 vs node%d", h, i)
		}
		require.NotEmpty(t, apps[0])
	}

	// Ctrl-C: the localnet exits and takes every validator with it.
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case err := <-exited:
		done = true
		require.NoError(t, err, "localnet exit status after SIGINT")
	case <-time.After(40 * time.Second):
		t.Fatal("localnet did not exit within 40s of SIGINT")
	}
	require.Contains(t, out.String(), "stopping localnet")
	for _, p := range children {
		require.False(t, alive(p), "validator process %d (%s) survived the localnet", p, cmdline(p))
	}
	for _, ip := range ips {
		require.False(t, portOpen(ip+":26657"), "RPC %s:26657 still open", ip)
	}
	// Each validator shut down cleanly (not killed after the 30 s grace).
	require.NotContains(t, out.String(), "did not stop in time")
	for i := 0; i < n; i++ {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("node%d", i), "node.log"))
		require.NoError(t, err)
		require.Contains(t, string(b), "shutting down", "node%d", i)
	}
}

// Client.Query with height 0 must not fail while the node's block store is
// one block ahead of the app's last commit (CometBFT stores a block before
// the app executes and commits it). The client used to ask for the height
// /status reported and got query/3 "height not available" a good share of
// the time at fast block rates; wallets hit it through Sign, Account and
// `pingod query`. Regression test for that.
func TestClientQueryNewestHeightRace(t *testing.T) {
	n := testutil.StartNode(t, testutil.Genesis(1, 1_000_000_000), func(c *cmtcfg.Config) {
		c.Consensus.TimeoutCommit = 10 * time.Millisecond
	})
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	c.PollInterval = 10 * time.Millisecond
	addr := testutil.Addr(testutil.Key(0))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var fails []string
	ok := 0
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end) && len(fails) < 5; {
		acc, _, err := c.Account(ctx, addr)
		if err != nil {
			fails = append(fails, err.Error())
			continue
		}
		require.Equal(t, uint64(1_000_000_000), acc.Balance.Uint64())
		ok++
	}
	require.Positive(t, ok)
	require.Empty(t, fails, "%d verified queries for the newest height succeeded, %d failed", ok, len(fails))
}
