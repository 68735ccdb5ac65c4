// Command pingo-contributor lends idle CPU to a PinGo CDN node: it takes
// work assignments over the node's HTTP protocol, computes the units on at
// most --cores cores at the lowest scheduling priority, signs its share
// with its own key and uploads the digests. See README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentcfg"
	"github.com/pingo-chain/pingo/cmd/pingo-contributor/contributor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
)

// EnvPrefix prefixes every environment variable (PINGO_CONTRIBUTOR_CORES…).
const EnvPrefix = "PINGO_CONTRIBUTOR"

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pingo-contributor",
		Short: "Compute PinGo work units for a CDN node on idle CPU and earn PINGO and the contributor NFT",
		Args:  cobra.NoArgs, SilenceUsage: true,
		RunE: run,
	}
	f := cmd.Flags()
	f.String("home", "~/.pingo-contributor", "journal and config (contributor.toml) directory")
	f.String("node", "http://127.0.0.1:8646", "CDN node URL")
	f.String("chain-rpc", "http://127.0.0.1:26657", "chain RPC for earnings and the chain id (empty: off; then --chain-id is required)")
	f.Uint64("chain-id", 0, "numeric L2 chain id to sign for (0: read from --chain-rpc)")
	f.Int("cores", 1, "most units computed at once (one core each)")
	f.Int("duty", 100, "percent of wall time each worker computes (sleeps the rest)")
	f.String("metrics", "127.0.0.1:8647", "Prometheus /metrics and /status listen address (empty: off)")
	f.Duration("report-every", 30*time.Second, "progress and earnings log period")
	f.String("log-format", "text", "text or json")
	f.String("log-level", "info", "debug, info, warn, error")
	agentcfg.KeyFlags(f)
	return cmd
}

func run(cmd *cobra.Command, _ []string) error {
	v, err := agentcfg.Load(cmd.Flags(), EnvPrefix, "contributor.toml")
	if err != nil {
		return err
	}
	key, err := agentcfg.Key(v, EnvPrefix)
	if err != nil {
		return err
	}
	lowPriority()
	log := agentcfg.Logger(v.GetString("log-format"), v.GetString("log-level"))
	a, err := contributor.New(contributor.Config{NodeURL: v.GetString("node"), Home: v.GetString("home"), Key: key,
		ChainID: v.GetUint64("chain-id"), ChainRPC: v.GetString("chain-rpc"),
		Limits:      contributor.Limits{Cores: v.GetInt("cores"), DutyPercent: v.GetInt("duty")},
		ReportEvery: v.GetDuration("report-every"), Logger: log})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if addr := v.GetString("metrics"); addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(a.Metrics().Registry, promhttp.HandlerOpts{}))
		mux.HandleFunc("/status", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(a.Status())
		})
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server", "err", err)
			}
		}()
		defer srv.Close()
	}
	log.Info("contributor starting", "address", a.Address(), "node", v.GetString("node"), "cores", v.GetInt("cores"))
	return a.Run(ctx)
}
