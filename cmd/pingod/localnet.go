package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/pingo-chain/pingo/chain"
	"github.com/spf13/cobra"
)

func newLocalnetCmd() *cobra.Command {
	var o chain.LocalnetOptions
	var dir string
	var generateOnly bool
	cmd := &cobra.Command{
		Use:   "localnet",
		Short: "Run N validators on 127.0.0.x from a fresh genesis until Ctrl-C",
		Long: `Generates <dir>/node0..N-1 (removing what was there), starts one pingod
process per validator on loopback addresses 127.0.0.1.. with the standard
ports, prints the RPC addresses and the funded dev mnemonic, and on Ctrl-C
(SIGINT/SIGTERM) stops every process it started. Logs: <dir>/nodeI/node.log.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Validators == 1 && o.BlockTime == 0 {
				o.BlockTime = 200 * time.Millisecond
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
			return runLocalnet(nodes)
		},
	}
	cmd.Flags().IntVar(&o.Validators, "validators", 4, "number of validator processes")
	cmd.Flags().IntVar(&o.FirstIP, "first-ip", 1, "last octet of node0's 127.0.0.x address")
	cmd.Flags().DurationVar(&o.BlockTime, "block-time", 0, "consensus timeout_commit (default 1s, 200ms for one validator)")
	cmd.Flags().StringVar(&dir, "dir", ".localnet", "directory for the validators' homes (wiped on start)")
	cmd.Flags().BoolVar(&generateOnly, "generate-only", false, "write the homes and exit without starting")
	return cmd
}

func portFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s is in use (another localnet or node running?): %w", addr, err)
	}
	return l.Close()
}

func runLocalnet(nodes []chain.LocalnetNode) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	type proc struct {
		cmd  *exec.Cmd
		done chan error
	}
	procs := make([]proc, 0, len(nodes))
	stopAll := func() {
		for _, p := range procs {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
		}
		deadline := time.After(30 * time.Second)
		for i, p := range procs {
			select {
			case <-p.done:
			case <-deadline:
				fmt.Fprintf(os.Stderr, "node%d did not stop in time; killing\n", i)
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
	}
	exited := make(chan int, len(nodes))
	for i, n := range nodes {
		logf, err := os.Create(filepath.Join(n.Home, "node.log"))
		if err != nil {
			stopAll()
			return err
		}
		c := exec.Command(self, "start", "--home", n.Home)
		c.Stdout, c.Stderr = logf, logf
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // children die with us
		if err := c.Start(); err != nil {
			stopAll()
			return err
		}
		p := proc{cmd: c, done: make(chan error, 1)}
		go func(i int) { p.done <- c.Wait(); logf.Close(); exited <- i }(i)
		procs = append(procs, p)
	}
	fmt.Printf("PinGo localnet: %d validators, chain %s, EIP-712 chainId %d\n", len(nodes), chain.DevChainID, chain.DevL2ChainID)
	for i, n := range nodes {
		fmt.Printf("  node%d  rpc %s  p2p %s  metrics %s  log %s\n", i, n.RPC, n.P2P, n.Metrics, filepath.Join(n.Home, "node.log"))
	}
	printDevAccounts(os.Stdout)
	fmt.Printf("Try: pingod query balance %s --node %s\n", devAddr(0), nodes[0].RPC)
	fmt.Println("Press Ctrl-C to stop every node.")
	select {
	case <-ctx.Done():
		fmt.Println("stopping localnet...")
		stopAll()
		return nil
	case i := <-exited:
		stopAll()
		return fmt.Errorf("node%d exited unexpectedly; see %s", i, filepath.Join(nodes[i].Home, "node.log"))
	}
}

func devAddr(i uint32) string {
	k := chain.DevKey(i)
	return addrOf(k)
}
