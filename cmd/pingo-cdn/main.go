// Command pingo-cdn is the PinGo CDN node daemon: it registers the node,
// accepts jobs, hands unit ranges to contributor agents, attests their
// work and reveals the sampled units. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentcfg"
	"github.com/pingo-chain/pingo/cmd/pingo-cdn/cdn"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/spf13/cobra"
)

// EnvPrefix prefixes every environment variable (PINGO_CDN_CHAIN_RPC…).
const EnvPrefix = "PINGO_CDN"

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pingo-cdn",
		Short: "Run a PinGo CDN node: take compute jobs, farm units out to contributors, attest and reveal",
		Args:  cobra.NoArgs, SilenceUsage: true,
		RunE: run,
	}
	f := cmd.Flags()
	f.String("home", "~/.pingo-cdn", "journal and config (cdn.toml) directory")
	f.String("chain-rpc", "http://127.0.0.1:26657", "chain node RPC")
	f.String("listen", "127.0.0.1:8646", "contributor protocol, /status and /metrics listen address")
	f.String("endpoint", "", "public URL registered on chain (default http://<listen>)")
	f.String("region", "local", "region registered on chain")
	f.String("unit-kinds", "1", "comma-separated unit kinds served")
	f.String("bond", "1000pingo", "bond of RegisterNode when the node is not registered")
	f.String("fee", "10000", "fee of every tx (upingo, or a decimal followed by pingo)")
	f.Uint64("batch-units", 64, "units per attestation")
	f.Int("max-gathering", 2, "attestation batches handed out at once")
	f.Int("min-contributors", 1, "accept jobs and plan batches only with this many contributors connected")
	f.Duration("assign-ttl", 2*time.Minute, "a contributor's time to deliver its part")
	f.Duration("contributor-timeout", time.Minute, "silence after which a contributor is not counted")
	f.Int("reveal-chunk", 8, "openings per Reveal tx")
	f.Uint64("attest-ttl", 50, "attestation expiry in blocks after the current height")
	f.Uint64("min-job-blocks-left", 20, "accept only jobs at least this many blocks from expiry")
	f.Duration("poll", time.Second, "chain loop period")
	f.String("log-format", "text", "text or json")
	f.String("log-level", "info", "debug, info, warn, error")
	agentcfg.KeyFlags(f)
	return cmd
}

func run(cmd *cobra.Command, _ []string) error {
	v, err := agentcfg.Load(cmd.Flags(), EnvPrefix, "cdn.toml")
	if err != nil {
		return err
	}
	key, err := agentcfg.Key(v, EnvPrefix)
	if err != nil {
		return err
	}
	var kinds []uint32
	for _, s := range strings.Split(v.GetString("unit-kinds"), ",") {
		k, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
		if err != nil {
			return fmt.Errorf("unit-kinds: %w", err)
		}
		kinds = append(kinds, uint32(k))
	}
	bond, err := bank.ParseAmount(v.GetString("bond"))
	if err != nil {
		return fmt.Errorf("bond: %w", err)
	}
	fee, err := bank.ParseAmount(v.GetString("fee"))
	if err != nil {
		return fmt.Errorf("fee: %w", err)
	}
	log := agentcfg.Logger(v.GetString("log-format"), v.GetString("log-level"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	initCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	d, err := cdn.New(initCtx, cdn.Config{Home: v.GetString("home"), Key: key, ChainRPC: v.GetString("chain-rpc"),
		Listen: v.GetString("listen"), Endpoint: v.GetString("endpoint"), Region: v.GetString("region"), UnitKinds: kinds,
		Bond: bond, Fee: fee, BatchUnits: v.GetUint64("batch-units"), MaxGathering: v.GetInt("max-gathering"),
		MinContributors: v.GetInt("min-contributors"), AssignTTL: v.GetDuration("assign-ttl"),
		ContributorTimeout: v.GetDuration("contributor-timeout"), RevealChunk: v.GetInt("reveal-chunk"),
		AttestTTL: v.GetUint64("attest-ttl"), MinJobBlocksLeft: v.GetUint64("min-job-blocks-left"),
		Poll: v.GetDuration("poll"), Logger: log})
	if err != nil {
		return err
	}
	if err := d.Start(); err != nil {
		return err
	}
	log.Info("cdn node started", "operator", d.Address(), "listen", d.ListenAddr())
	<-ctx.Done()
	d.Stop()
	return nil
}
