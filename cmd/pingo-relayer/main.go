// Command pingo-relayer anchors PinGo's sealed checkpoints on TON (issue
// #6 item 4; bridge/relayer does the work). Anyone may run one; the anchor
// and the chain make duplicates harmless. See README.md.
//
//	pingo-relayer --chain-rpc http://127.0.0.1:26657 --ton-config global.config.json \
//	    --anchor EQ… --wallet-key-file relayer.key --journal-dir ./journal
//	pingo-relayer stuck …same settings…               (open deposits, claim journal)
//	pingo-relayer retry --deposit 0x<hash>:<lt> …     (re-report a deposit)
//	pingo-relayer retry --withdrawal <id> …           (re-claim a withdrawal)
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/pflag"
	"github.com/xssnick/tonutils-go/ton/wallet"

	"github.com/pingo-chain/pingo/bridge/relayer"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/chain/client"
)

func main() {
	args, sub := os.Args[1:], ""
	if len(args) > 0 && (args[0] == "stuck" || args[0] == "retry") {
		sub, args = args[0], args[1:]
	}
	s, err := loadSettings(args)
	if errors.Is(err, pflag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pingo-relayer:", err)
		os.Exit(2)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.LogLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "pingo-relayer: --log-level:", err)
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch sub {
	case "stuck":
		err = runStuck(ctx, s, os.Stdout)
	case "retry":
		err = runRetry(ctx, s, s.RetryDeposit, s.RetryWithdraw, os.Stdout)
	}
	if sub != "" {
		if err != nil {
			fmt.Fprintln(os.Stderr, "pingo-relayer "+sub+":", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, s, log); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("pingo-relayer stopped", "err", err)
		os.Exit(1)
	}
}

// run wires the parts and runs until ctx ends.
func run(ctx context.Context, s *settings, log *slog.Logger) error {
	j, err := relayer.OpenJournal(s.JournalDir)
	if err != nil {
		return err
	}
	defer j.Close()
	chain, err := dialChain(s)
	if err != nil {
		return err
	}
	ton, err := dialTON(ctx, s, log)
	if err != nil {
		return err
	}
	defer ton.Close()
	log.Info("relayer wallet", "address", ton.WalletAddress().String(), "anchor", s.Anchor.String())
	r := relayer.New(relayer.Config{Amount: s.Amount, Poll: s.Poll, SubmitTimeout: s.SubmitTimeout}, chain, ton, j, nil, log)
	if s.L2Key != nil {
		r.Reporter = &relayer.ChainReporter{Client: chain.Client, Key: s.L2Key, Fee: s.ReportFee}
	} else {
		log.Warn("no --l2-key-file: anchorings are not reported back to the chain (another relayer must, for them to be confirmed)")
	}
	if s.Deposits && s.L2Key != nil {
		dj, err := relayer.OpenDepositJournal(j)
		if err != nil {
			return err
		}
		var src relayer.DepositTON = ton
		if s.FaultShuffleDeposits != 0 {
			log.Warn("FAULT INJECTION: deposit events are duplicated and re-ordered (--fault-shuffle-deposits)", "seed", s.FaultShuffleDeposits)
			src = relayer.NewShuffledDeposits(ton, s.FaultShuffleDeposits, relayer.ShuffleConfig{}, log)
		}
		r.EnableDeposits(src, r.Reporter.(*relayer.ChainReporter), dj)
	} else if s.Deposits {
		log.Warn("no --l2-key-file: deposits to the anchor are not reported to the chain")
	}
	if s.Claim {
		cj, err := relayer.OpenClaimJournal(j)
		if err != nil {
			return err
		}
		r.EnableClaims(relayer.ClaimConfig{Amount: s.ClaimAmount, FromEpoch: s.ClaimFrom}, chain, ton, cj)
	}
	if s.MetricsAddr != "" {
		srv := &http.Server{Addr: s.MetricsAddr, Handler: promhttp.HandlerFor(r.Metrics().Registry, promhttp.HandlerOpts{}), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server", "err", err)
			}
		}()
		defer srv.Close()
	}
	return r.Run(ctx)
}

func dialChain(s *settings) (relayer.ChainClient, error) {
	c, err := client.New(s.ChainRPC)
	if err != nil {
		return relayer.ChainClient{}, err
	}
	c.Verify = s.ChainVerify
	return relayer.ChainClient{Client: c}, nil
}

// dialTON connects to the liteservers, retrying until ctx ends: a relayer
// started while TON is unreachable waits for it instead of exiting.
func dialTON(ctx context.Context, s *settings, log *slog.Logger) (*bton.Client, error) {
	cfg := bton.Config{
		GlobalConfig: s.TONConfig,
		WalletKey:    s.WalletKey,
		Wallet:       wallet.ConfigV5R1Final{NetworkGlobalID: s.WalletNetwork},
		Anchor:       s.Anchor,
		Unsafe:       s.TONUnsafe,
	}
	if s.TONUnsafe {
		log.Warn("liteserver proofs are NOT checked (--ton-unsafe): use only with the local TON endpoint")
	}
	pause := time.Second
	for {
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		c, err := bton.Dial(dctx, cfg)
		cancel()
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		log.Warn("TON unreachable; retrying", "err", err, "retry_in", pause)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}
