package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pingo-chain/pingo/chain"
	"github.com/spf13/cobra"
)

func newStartCmd() *cobra.Command {
	var dev bool
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the node until SIGINT/SIGTERM",
		Long: `Runs CometBFT in-process with the PinGo app. On SIGINT or SIGTERM it stops
consensus, waits for the block in flight, and closes the state database.

--dev initialises a single-validator home on first use (chain pingo-dev, fast
blocks, the dev mnemonic's first accounts funded) for dapp tests.
Any config.toml or app.toml key can be given as a flag (--rpc.laddr=...,
--mempool-min-fee=...) or as PINGOD_<KEY> with dots and dashes as underscores.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := homeFlag(cmd)
			if dev {
				if err := initDevHome(home); err != nil {
					return err
				}
			}
			if _, err := os.Stat(chain.GenesisFile(home)); err != nil {
				return fmt.Errorf("no genesis at %s: run `pingod init` first (or use --dev)", chain.GenesisFile(home))
			}
			cfg, err := chain.LoadConfig(home, cmd.Flags())
			if err != nil {
				return err
			}
			logger, err := chain.NewLogger(cfg.Cmt)
			if err != nil {
				return err
			}
			n, err := chain.NewNode(cfg, logger)
			if err != nil {
				return err
			}
			if err := n.Start(); err != nil {
				_ = n.Stop()
				return err
			}
			logger.Info("pingod started", "rpc", chain.RPCAddr(cfg.Cmt), "home", home)
			sig := make(chan os.Signal, 2)
			signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
			s := <-sig
			logger.Info("shutting down", "signal", s.String())
			done := make(chan error, 1)
			go func() { done <- n.Stop() }()
			select {
			case err := <-done:
				return err
			case <-sig:
				return fmt.Errorf("second signal: exiting without waiting for shutdown")
			case <-time.After(60 * time.Second):
				return fmt.Errorf("shutdown took over 60s; state is safe, the last block replays on start")
			}
		},
	}
	cmd.Flags().BoolVar(&dev, "dev", false, "single-validator dev chain with fast blocks (initialises home if empty)")
	addConfigFlags(cmd)
	return cmd
}

// addConfigFlags exposes the settings operators override most often; any
// other key works through PINGOD_… environment variables.
func addConfigFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("moniker", "", "node name")
	f.String("rpc.laddr", "", "RPC listen address (tcp://127.0.0.1:26657)")
	f.String("p2p.laddr", "", "P2P listen address")
	f.String("p2p.persistent_peers", "", "comma-separated id@host:port")
	f.String("p2p.seeds", "", "comma-separated id@host:port")
	f.String("log_level", "", "log level (info, debug, consensus:debug,*:info)")
	f.String("log_format", "", "plain or json")
	f.String("consensus.timeout_commit", "", "delay after a commit before the next height")
	f.Bool("instrumentation.prometheus", false, "serve Prometheus metrics")
	f.String("instrumentation.prometheus_listen_addr", "", "metrics listen address")
	f.String("mempool-min-fee", "", "this node's mempool fee floor, upingo")
	f.Int("iavl-cache-nodes", 0, "IAVL node cache size")
	f.Int64("pruning-keep-recent", 0, "state versions to keep (0 = all)")
}
