package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pingo-chain/pingo/chain"
	"github.com/spf13/cobra"
)

func newLocalnetCmd() *cobra.Command {
	var o chain.LocalnetOptions
	var s servicesOptions
	var dir string
	var generateOnly bool
	cmd := &cobra.Command{
		Use:   "localnet",
		Short: "Run the whole system on 127.0.0.x from a fresh genesis until Ctrl-C",
		Long: `Generates <dir>/node0..N-1 (removing what was there) and starts, as child
processes, one pingod per validator on 127.0.0.1.. with the standard ports;
then (unless --no-agents) a CDN node (pingo-cdn) with two contributors
(pingo-contributor), and (unless --no-ton) the local TON endpoint
(pingo-tonlocal) deployed with the localnet's validator set and the PINGO
jetton (the anchor's jetton wallet holding the L2 supply, the dev TON
wallet the rest), restarts each validator once with its TON watcher
pointed at it, and a relayer (pingo-relayer) anchoring the checkpoints,
reporting them back (L2 dev account 9) and claiming withdrawals. The services bind the next
loopback addresses after the validators (127.0.0.5.. for 4 validators);
their binaries are taken from --bin-dir (default: next to this pingod, as
make build puts them). It prints where everything is, the funded dev
mnemonic and one example command per user role, and on Ctrl-C
(SIGINT/SIGTERM) stops every process it started. A process that exits by
itself stops everything, unless --keep-going D restarts it after D (fault
injection: make chaos). Logs: <dir>/nodeI/node.log and <dir>/<service>.log.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Validators == 1 && o.BlockTime == 0 {
				o.BlockTime = 200 * time.Millisecond
			}
			if !generateOnly {
				if err := s.resolve(o); err != nil { // before wiping dir
					return err
				}
			}
			nodes, err := chain.GenerateLocalnet(dir, o)
			if err != nil {
				return err
			}
			if generateOnly {
				return printJSON(nodes)
			}
			for _, n := range nodes {
				if err := portFree(n.IP + ":26657"); err != nil {
					return err
				}
			}
			for _, addr := range s.listenAddrs() {
				if err := portFree(addr); err != nil {
					return err
				}
			}
			return runLocalnet(dir, nodes, s)
		},
	}
	cmd.Flags().IntVar(&o.Validators, "validators", 4, "number of validator processes")
	cmd.Flags().IntVar(&o.FirstIP, "first-ip", 1, "last octet of node0's 127.0.0.x address")
	cmd.Flags().DurationVar(&o.BlockTime, "block-time", 0, "consensus timeout_commit (default 1s, 200ms for one validator)")
	cmd.Flags().Uint64Var(&o.CheckpointEpochBlocks, "checkpoint-blocks", 10, "x/bridge epoch_blocks: a checkpoint every this many blocks")
	cmd.Flags().StringVar(&dir, "dir", ".localnet", "directory for the validators' homes and the services' state (wiped on start)")
	cmd.Flags().BoolVar(&generateOnly, "generate-only", false, "write the homes and exit without starting")
	s.flags(cmd)
	return cmd
}

func portFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s is in use (another localnet or node running?): %w", addr, err)
	}
	return l.Close()
}

// child is one process the localnet started.
type child struct {
	name      string
	validator bool // stopped after every service
	log       string
	env       []string
	bin       string
	args      []string
	cmd       *exec.Cmd
	done      chan struct{} // closed when it has exited
	planned   atomic.Bool   // the supervisor stopped it itself (restart): not reported
}

// supervisor owns the localnet's child processes: it starts them, reports
// the first one that exits on its own, and stops them all (services first,
// validators last, so no agent logs a storm of "node unreachable").
type supervisor struct {
	mu     sync.Mutex // guards procs (keep-going restarts replace entries)
	procs  []*child
	exited chan *child
}

func newSupervisor() *supervisor { return &supervisor{exited: make(chan *child, 64)} }

// start runs bin with args, output appended to logPath. Each child gets
// Pdeathsig so that it dies with the localnet even if the localnet is
// killed without a chance to stop it.
func (s *supervisor) start(name, logPath string, env []string, bin string, args ...string) (*child, error) {
	p := &child{name: name, log: logPath, env: env, bin: bin, args: args}
	if err := s.spawn(p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.mu.Unlock()
	return p, nil
}

// spawn (re)starts p's process with its recorded command line.
func (s *supervisor) spawn(p *child) error {
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	env, bin, args, name := p.env, p.bin, p.args, p.name
	c := exec.Command(bin, args...)
	c.Stdout, c.Stderr = logf, logf
	c.Env = append(childEnv(), env...)
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := c.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", name, err)
	}
	done := make(chan struct{})
	s.mu.Lock()
	p.cmd, p.done = c, done
	s.mu.Unlock()
	p.planned.Store(false)
	go func() {
		_ = c.Wait()
		logf.Close()
		report := !p.planned.Load() // before done: restart may respawn right after
		close(done)
		if report {
			s.exited <- p
		}
	}()
	return nil
}

// restart stops p (SIGTERM, SIGKILL after 30 s), runs before (e.g. to
// rewrite its config) and starts it again with the same command line.
func (s *supervisor) restart(p *child, before func() error) error {
	s.mu.Lock()
	c, done := p.cmd, p.done
	s.mu.Unlock()
	p.planned.Store(true)
	_ = c.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = c.Process.Kill()
		<-done
	}
	if before != nil {
		if err := before(); err != nil {
			return err
		}
	}
	return s.spawn(p)
}

// childEnv is this process's environment without the agents' settings
// (PINGO_CDN_*, PINGO_CONTRIBUTOR_*, PINGO_RELAYER_*): the localnet sets
// every service's key and addresses itself, and a developer's exported
// PINGO_CDN_KEY_HEX, say, must not swap in an unfunded key.
func childEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PINGO_CDN_") && !strings.HasPrefix(kv, "PINGO_CONTRIBUTOR_") && !strings.HasPrefix(kv, "PINGO_RELAYER_") {
			out = append(out, kv)
		}
	}
	return out
}

// stopAll sends SIGTERM to every child, newest first, and waits up to 30 s
// for each group (services, then validators) before killing.
func (s *supervisor) stopAll() {
	var services, validators []*child
	s.mu.Lock()
	procs := append([]*child(nil), s.procs...)
	s.mu.Unlock()
	for _, p := range procs {
		if p.validator {
			validators = append(validators, p)
		} else {
			services = append(services, p)
		}
	}
	for _, group := range [][]*child{services, validators} {
		for i := len(group) - 1; i >= 0; i-- {
			group[i].planned.Store(true)
			s.mu.Lock()
			c := group[i].cmd
			s.mu.Unlock()
			_ = c.Process.Signal(syscall.SIGTERM)
		}
		deadline := time.After(30 * time.Second)
		for _, p := range group {
			s.mu.Lock()
			c, done := p.cmd, p.done
			s.mu.Unlock()
			select {
			case <-done:
			case <-deadline:
				fmt.Fprintf(os.Stderr, "%s did not stop in time; killing\n", p.name)
				_ = c.Process.Kill()
				<-done
			}
		}
	}
}

// errStopped: Ctrl-C arrived while the localnet was still coming up.
var errStopped = errors.New("stopped")

// watch fails with the first child that exited by itself, or errStopped
// when ctx ends. With keepGoing > 0 (--keep-going, for fault injection:
// make chaos kills children on purpose) a child that exits is logged and
// started again after that delay instead, until ctx ends.
func (s *supervisor) watch(ctx context.Context, keepGoing time.Duration) error {
	for {
		select {
		case <-ctx.Done():
			return errStopped
		case p := <-s.exited:
			if keepGoing <= 0 {
				return fmt.Errorf("%s exited unexpectedly; see %s", p.name, p.log)
			}
			fmt.Printf("%s exited (%s); restarting in %s (--keep-going)\n", p.name, p.cmd.ProcessState, keepGoing)
			select {
			case <-ctx.Done():
				return errStopped
			case <-time.After(keepGoing):
			}
			if err := s.spawn(p); err != nil {
				fmt.Printf("restart %s: %v\n", p.name, err)
				go func() { time.Sleep(keepGoing); s.exited <- p }() // try again
			}
		}
	}
}

func runLocalnet(dir string, nodes []chain.LocalnetNode, so servicesOptions) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	sup := newSupervisor()
	for i, n := range nodes {
		p, err := sup.start(fmt.Sprintf("node%d", i), filepath.Join(n.Home, "node.log"), nil, self, "start", "--home", n.Home)
		if err != nil {
			sup.stopAll()
			return err
		}
		p.validator = true
	}
	fmt.Printf("PinGo localnet: %d validators, chain %s, EIP-712 chainId %d\n", len(nodes), chain.DevChainID, chain.DevL2ChainID)
	for i, n := range nodes {
		fmt.Printf("  node%d  rpc %s  p2p %s  metrics %s  log %s\n", i, n.RPC, n.P2P, n.Metrics, filepath.Join(n.Home, "node.log"))
	}
	printDevAccounts(os.Stdout)
	svc, err := startServices(ctx, sup, dir, nodes, so)
	if err != nil {
		sup.stopAll()
		if errors.Is(err, errStopped) {
			fmt.Println("stopping localnet...")
			return nil
		}
		return err
	}
	printGuide(os.Stdout, dir, nodes, svc)
	fmt.Println("Press Ctrl-C to stop every process.")
	err = sup.watch(ctx, so.KeepGoing)
	if errors.Is(err, errStopped) {
		fmt.Println("stopping localnet...")
		sup.stopAll()
		return nil
	}
	sup.stopAll()
	return err
}

func devAddr(i uint32) string {
	k := chain.DevKey(i)
	return addrOf(k)
}
