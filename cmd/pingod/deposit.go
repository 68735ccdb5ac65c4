package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/pingo-chain/pingo/chain/client"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// depositQueryCmds are `pingod query deposit <0x ton tx hash> <lt>` and
// `pingod query transfers --stuck` (issue #7: status and recovery).
func depositQueryCmds() []*cobra.Command {
	one := &cobra.Command{
		Use:   "deposit <0x TON tx hash> <lt>",
		Short: "A deposit from TON by the anchor's transaction: reported, credited or refundable",
		Long: `Status: reported (a ReportDeposit is pending: the validators are checking it
against their TON views; "facts" are the pending fact ids, each queryable
with its expiry), credited (minted to "recipient"; final), refundable (the
payload named no L2 address; owed back on TON; final), or not_found (never
reported, or every report expired: the relayer, or anyone, reports it again).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var h bridge.Hash32
			if err := h.UnmarshalText([]byte(args[0])); err != nil {
				return fmt.Errorf("TON tx hash %q: want 0x and 64 hex digits", args[0])
			}
			lt, err := strconv.ParseUint(args[1], 10, 64)
			if err != nil {
				return fmt.Errorf("lt %q: want a decimal number", args[1])
			}
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			rec, found, err := c.Deposit(ctx, h, lt)
			if err != nil {
				return err
			}
			if !found {
				return printJSON(map[string]any{"ton_tx_hash": h, "ton_lt": lt, "status": "not_found", "proof_verified": c.Verify})
			}
			facts := make([]any, 0, len(rec.Facts))
			for _, id := range rec.Facts {
				f, ok, err := c.Fact(ctx, id)
				if err != nil {
					return err
				}
				if ok {
					facts = append(facts, map[string]any{"id": id, "recipient": f.Recipient, "amount": f.Amount,
						"reported_height": f.ReportedHeight, "expires_height": f.ExpiresHeight})
				}
			}
			return printJSON(map[string]any{"deposit": rec, "pending_facts": facts, "proof_verified": c.Verify})
		},
	}
	stuck := &cobra.Command{
		Use:   "transfers --stuck",
		Short: "Transfers that need attention: deposits reported long ago and still unconfirmed, withdrawals not yet claimable or stuck",
		Long: `Deposits: every pending deposit fact reported more than --older-than blocks
ago (the validators' TON views do not confirm it — TON down, or a bogus
report; it expires at expires_height and can be reported again). Reports
that already expired leave no state: the relayer's journal
(pingo-relayer stuck) lists those.
Withdrawals (the newest --limit): status stuck (their checkpoint never
sealed: not claimable, see x/bridge README Limits) or checkpointed /
anchored / confirmed (claimable: claimed on TON unless the anchor's
isClaimed says so — pingo-relayer stuck checks TON).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			older, _ := cmd.Flags().GetInt64("older-than")
			limit, _ := cmd.Flags().GetUint64("limit")
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			st, err := c.RPC().Status(ctx)
			if err != nil {
				return err
			}
			height := st.SyncInfo.LatestBlockHeight
			pending, err := c.PendingFacts(ctx)
			if err != nil {
				return err
			}
			deps := []any{}
			for _, p := range pending {
				f, ok, err := c.Fact(ctx, p.ID)
				if err != nil {
					return err
				}
				if !ok || f.Kind != bridge.FactDeposit || height-f.ReportedHeight < older {
					continue
				}
				deps = append(deps, map[string]any{"fact": p.ID, "ton_tx_hash": f.TONTxHash, "ton_lt": f.TONLt,
					"recipient": f.Recipient, "amount": f.Amount, "reported_height": f.ReportedHeight, "expires_height": f.ExpiresHeight})
			}
			next, err := c.NextWithdrawalID(ctx)
			if err != nil {
				return err
			}
			wds := []any{}
			for id := next - 1; id >= 1 && (limit == 0 || next-id <= limit); id-- {
				w, err := c.WithdrawalStatus(ctx, id)
				if err != nil {
					return err
				}
				if w.Status == client.WithdrawBurned {
					continue // its epoch is still open: not late
				}
				wds = append(wds, map[string]any{"id": id, "epoch": w.Record.Epoch, "to": w.Record.To,
					"amount": w.Record.Amount.Dec(), "status": w.Status})
			}
			return printJSON(map[string]any{"height": height, "deposits_unconfirmed": deps,
				"withdrawals_unclaimed_or_stuck": wds, "proof_verified": c.Verify})
		},
	}
	stuck.Flags().Bool("stuck", true, "list what needs attention (the only mode)")
	stuck.Flags().Int64("older-than", 20, "a deposit report counts as stuck after this many blocks")
	stuck.Flags().Uint64("limit", 200, "look at the newest this many withdrawals (0: all)")
	return []*cobra.Command{one, stuck}
}
