package main

// Recovery subcommands (issue #7): `pingo-relayer stuck` lists what the
// relayer is still working on, `pingo-relayer retry` re-reports a deposit
// or re-claims a withdrawal by hand. Both take the relayer's usual
// settings (flags, environment, config file) after the subcommand name.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/relayer"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// stuckReport is `pingo-relayer stuck`'s JSON.
type stuckReport struct {
	DepositCursorLT uint64          `json:"deposit_cursor_lt"`
	Deposits        []stuckDeposit  `json:"deposits"`
	Claims          json.RawMessage `json:"claims,omitempty"` // claims.json as is: pending and refused claims
}

type stuckDeposit struct {
	relayer.OpenDeposit
	// ChainStatus: not_found (never reported, or every report expired),
	// reported (no vote counted yet), voted (SignedPower of TotalPower at
	// the last tally, ≤ 2/3), or a final one the relayer has not closed
	// yet: credited, returned, refundable (WithdrawalID pays it back).
	ChainStatus  string `json:"chain_status"`
	SignedPower  uint64 `json:"signed_power,omitempty"`
	TotalPower   uint64 `json:"total_power,omitempty"`
	WithdrawalID uint64 `json:"withdrawal_id,omitempty"`
}

// runStuck prints the deposits the journal still holds open (seen on
// TON, not final on the chain) with their chain status, and the claim
// journal. It reads the journal files without the journal lock, so it
// works next to a running relayer (a snapshot).
func runStuck(ctx context.Context, s *settings, out io.Writer) error {
	cur, open, err := relayer.ReadDepositJournal(s.JournalDir)
	if err != nil {
		return err
	}
	chain, err := dialChain(s)
	if err != nil {
		return err
	}
	rep := stuckReport{DepositCursorLT: cur, Deposits: []stuckDeposit{}}
	for _, o := range open {
		sd := stuckDeposit{OpenDeposit: o, ChainStatus: "not_found"}
		rec, found, err := chain.Deposit(ctx, o.TONTxHash, o.TONLt)
		if err != nil {
			return err
		}
		if found {
			sd.ChainStatus, sd.SignedPower, sd.TotalPower, sd.WithdrawalID = rec.Status, rec.SignedPower, rec.TotalPower, rec.WithdrawalID
		}
		rep.Deposits = append(rep.Deposits, sd)
	}
	if b, err := os.ReadFile(filepath.Join(s.JournalDir, "claims.json")); err == nil {
		rep.Claims = b
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// runRetry handles `retry --deposit 0x<hash>:<lt>` (checks the
// transaction on TON like a validator's watcher, then sends ReportDeposit,
// or ReportRefund for an unparseable deposit whose anchor transaction
// failed)
// and `retry --withdrawal <id>` (builds the claim from the chain's
// verified record and path and sends it to the anchor).
func runRetry(ctx context.Context, s *settings, deposit string, withdrawal uint64, out io.Writer) error {
	switch {
	case deposit != "":
		hs, lts, ok := strings.Cut(deposit, ":")
		var h bridge.Hash32
		lt, err := strconv.ParseUint(lts, 10, 64)
		if !ok || err != nil || h.UnmarshalText([]byte(hs)) != nil {
			return fmt.Errorf("--deposit %q: want 0x<64 hex digits>:<lt>", deposit)
		}
		if s.L2Key == nil {
			return errors.New("retry --deposit needs --l2-key-file (the L2 account that signs ReportDeposit)")
		}
		r, err := bton.DialReader(ctx, s.TONConfig, s.Anchor, s.TONUnsafe)
		if err != nil {
			return err
		}
		defer r.Close()
		d, err := r.Deposit(ctx, h[:], lt)
		if err != nil {
			return fmt.Errorf("TON transaction %s:%d: %w", hs, lt, err)
		}
		o, _ := relayer.OpenDepositFrom(d, time.Now())
		chain, err := dialChain(s)
		if err != nil {
			return err
		}
		rep := &relayer.ChainReporter{Client: chain.Client, Key: s.L2Key, Fee: s.ReportFee}
		if err := rep.ReportDeposit(ctx, o.Report()); err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(map[string]any{"reported": o})
	case withdrawal != 0:
		chain, err := dialChain(s)
		if err != nil {
			return err
		}
		w, err := chain.WithdrawalStatus(ctx, withdrawal)
		if err != nil {
			return err
		}
		body, err := w.ClaimBody()
		if err != nil {
			return err
		}
		tc, err := dialTON(ctx, s, slog.New(slog.DiscardHandler))
		if err != nil {
			return err
		}
		defer tc.Close()
		res, err := tc.SubmitCheckpoint(ctx, body, s.ClaimAmount) // any body: one wallet message to the anchor
		var refused *bton.RefusedError
		if errors.As(err, &refused) && refused.Exit == checkpoint.ExitAlreadyClaimed {
			return json.NewEncoder(out).Encode(map[string]any{"withdrawal": withdrawal, "result": "already_claimed"})
		}
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(map[string]any{"withdrawal": withdrawal, "result": "claimed", "exit": res.Exit})
	}
	return errors.New("retry: give --deposit 0x<hash>:<lt> or --withdrawal <id>")
}
