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
		Short: "A deposit from TON by the anchor's transaction: reported, voted, credited, returned or refundable",
		Long: `Status: reported (observed on TON and reported: a fact is pending, no
validator vote counted yet; "pending_facts" are its fact ids with their
expiry), voted (validators voted for a pending fact, not yet > 2/3:
"signed_power" of "total_power" as the last block that counted votes saw
it, at "voted_height"), credited (minted to "recipient"; final), returned
(the payload named no L2 address and the anchor's transaction succeeded:
TON sent the jettons back or holds them for claim_refund; final),
refundable (no L2 address and the anchor's transaction failed: the L2 pays
them back to "refund_to" as withdrawal "withdrawal_id", shown as
"refund_withdrawal" with its status — claimed is asked of the anchor when
--ton-config and --anchor are given; final), or not_found (never reported, or every report
expired: the relayer, or anyone, reports it again).`,
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
			ton, done, err := tonChecker(cmd, ctx)
			if err != nil {
				return err
			}
			defer done()
			v, err := c.DepositStatus(ctx, h, lt, ton)
			if err != nil {
				return err
			}
			if !v.Found {
				return printJSON(map[string]any{"ton_tx_hash": h, "ton_lt": lt, "status": "not_found", "proof_verified": c.Verify})
			}
			facts := make([]any, 0, len(v.PendingFacts))
			for _, f := range v.PendingFacts {
				facts = append(facts, map[string]any{"id": f.ID(), "recipient": f.Recipient, "amount": f.Amount,
					"refund_to": f.RefundTo, "reported_height": f.ReportedHeight, "expires_height": f.ExpiresHeight,
					"signed_power": f.SignedPower, "total_power": f.TotalPower, "voted_height": f.VotedHeight})
			}
			out := map[string]any{"deposit": v.Record, "pending_facts": facts, "proof_verified": c.Verify}
			if v.Refund != nil {
				out["refund_withdrawal"] = v.Refund
			}
			return printJSON(out)
		},
	}
	one.Flags().String("ton-config", "", "TON global config file: ask the anchor whether a refund withdrawal was paid (status claimed)")
	one.Flags().String("anchor", "", "the anchor contract's address (with --ton-config)")
	one.Flags().Bool("ton-unsafe", false, "skip liteserver proofs (ONLY for the local TON endpoint)")
	stuck := &cobra.Command{
		Use:   "transfers --stuck",
		Short: "Transfers that need attention: deposits reported long ago and still unconfirmed, withdrawals not yet claimed or stuck",
		Long: `Deposits: every pending deposit fact reported more than --older-than blocks
ago, with its status (reported: no vote counted; voted: the last tally's
signed_power of total_power, ≤ 2/3) — the validators' TON views do not
confirm it (TON down, or a bogus report); it expires at expires_height and
can be reported again. Reports that already expired leave no state: the
relayer's journal (pingo-relayer stuck) lists those.
Withdrawals (the newest --limit, refunds of failed deposits included, with
refund_of): status stuck (their checkpoint never sealed: not claimable,
see x/bridge README Limits) or checkpointed / anchored / confirmed
(claimable). Whether the anchor already paid one is known on TON only:
with --ton-config and --anchor every listed withdrawal is checked with the
anchor's isClaimed getter and the paid ones are left out
(claim_status_source "anchor"); without them the list may include paid
withdrawals (claim_status_source "none").`,
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
				status := bridge.DepositReported
				if f.SignedPower > 0 {
					status = bridge.DepositVoted
				}
				deps = append(deps, map[string]any{"fact": p.ID, "ton_tx_hash": f.TONTxHash, "ton_lt": f.TONLt,
					"status": status, "recipient": f.Recipient, "refund_to": f.RefundTo, "amount": f.Amount,
					"signed_power": f.SignedPower, "total_power": f.TotalPower, "voted_height": f.VotedHeight,
					"reported_height": f.ReportedHeight, "expires_height": f.ExpiresHeight})
			}
			next, err := c.NextWithdrawalID(ctx)
			if err != nil {
				return err
			}
			ton, done, err := tonChecker(cmd, ctx)
			if err != nil {
				return err
			}
			defer done()
			ws, paid, err := client.UnclaimedWithdrawals(ctx, c, ton, next, limit)
			if err != nil {
				return err
			}
			wds := []any{}
			for _, w := range ws {
				e := map[string]any{"id": w.Record.ID, "epoch": w.Record.Epoch, "to": w.Record.To,
					"amount": w.Record.Amount.Dec(), "status": w.Status}
				if w.ClaimedOnTON != nil {
					e["claimed_on_ton"] = *w.ClaimedOnTON
				}
				if w.Record.RefundOf != nil {
					e["refund_of"] = w.Record.RefundOf
				}
				wds = append(wds, e)
			}
			out := map[string]any{"height": height, "deposits_unconfirmed": deps,
				"withdrawals_unclaimed_or_stuck": wds, "proof_verified": c.Verify, "claim_status_source": "none"}
			if ton != nil {
				out["claim_status_source"], out["withdrawals_claimed_left_out"] = "anchor", paid
			}
			return printJSON(out)
		},
	}
	stuck.Flags().Bool("stuck", true, "list what needs attention (the only mode)")
	stuck.Flags().Int64("older-than", 20, "a deposit report counts as stuck after this many blocks")
	stuck.Flags().Uint64("limit", 200, "look at the newest this many withdrawals (0: all)")
	stuck.Flags().String("ton-config", "", "TON global config file: leave out withdrawals the anchor already paid (isClaimed)")
	stuck.Flags().String("anchor", "", "the anchor contract's address (with --ton-config)")
	stuck.Flags().Bool("ton-unsafe", false, "skip liteserver proofs (ONLY for the local TON endpoint)")
	return []*cobra.Command{one, stuck}
}
