package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/ton/wallet"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/spf13/cobra"
)

// withdrawTxCmd is `pingod tx withdraw --to <ton address> --amount <amount>`
// (x/bridge action 63).
func withdrawTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "withdraw --to <ton address> --amount <amount>",
		Short: "Burn PINGO here and receive it as the PINGO jetton on TON",
		Long: `Withdraw burns the amount from your L2 balance and adds it to the current
epoch's withdrawal tree. Once that epoch's checkpoint is anchored on TON, a
relayer claims it for you, or you claim it yourself (pingod bridge claim).
--to takes a TON address in raw form (0:<64 hex>) or user-friendly form
(EQ…/UQ…); only basechain (0) and masterchain (-1) std addresses. 1 PINGO on
the L2 = 1 PINGO jetton (9 decimals on both sides).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			toS, _ := cmd.Flags().GetString("to")
			to, err := bridge.ParseTONAddr(toS)
			if err != nil {
				return err
			}
			amtS, _ := cmd.Flags().GetString("amount")
			amount, err := bank.ParseAmount(amtS)
			if err != nil {
				return err
			}
			// Amount and workchain rules are the chain's (CheckTx answers
			// bridge/40, bridge/41 with exit code 2, like any refused tx).
			return signAndSend(cmd, &bridge.Withdraw{To: to, Amount: *amount})
		},
	}
	cmd.Flags().String("to", "", "TON recipient (0:<hex> or EQ…/UQ…)")
	cmd.Flags().String("amount", "", "amount (123, 123upingo or 1.5pingo)")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagRequired("amount")
	return cmd
}

// withdrawalQueryCmds are `pingod query withdrawal <id>` and `pingod query
// withdrawals --from <address>`.
func withdrawalQueryCmds() []*cobra.Command {
	one := &cobra.Command{
		Use:   "withdrawal <id>",
		Short: "A withdrawal to TON: record, status, and (once checkpointed) the verified leaf and Merkle path",
		Long: `Status: burned (its epoch's checkpoint is not sealed yet), checkpointed
(sealed: claimable once anchored on TON), anchored / confirmed (the
checkpoint's TON states), stuck (its checkpoint never sealed and it was not
re-included), claimed (the anchor paid it: known on TON only, so asked of the
anchor's isClaimed getter when --ton-config and --anchor are given).
claimable_epoch is the epoch whose root pays it: a withdrawal of an epoch
whose checkpoint closed unsealed is re-included in a later epoch (same id;
record.reincluded_from lists the epochs it left).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("id %q: want a decimal number", args[0])
			}
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			w, err := c.WithdrawalStatus(ctx, id)
			if err != nil {
				return err
			}
			ton, done, err := tonChecker(cmd, ctx)
			if err != nil {
				return err
			}
			defer done()
			if ton != nil {
				if err := w.CheckClaimed(ctx, ton); err != nil {
					return err
				}
			}
			return printJSON(map[string]any{"withdrawal": w, "proof_verified": c.Verify})
		},
	}
	list := &cobra.Command{
		Use:   "withdrawals --from <address>",
		Short: "An account's withdrawals to TON, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fromS, _ := cmd.Flags().GetString("from")
			from, err := auth.ParseAddress(fromS)
			if err != nil {
				return err
			}
			limit, _ := cmd.Flags().GetInt("limit")
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			ids, err := c.WithdrawalsFrom(ctx, from, limit)
			if err != nil {
				return err
			}
			ton, done, err := tonChecker(cmd, ctx)
			if err != nil {
				return err
			}
			defer done()
			out := make([]any, 0, len(ids))
			for _, id := range ids {
				w, err := c.WithdrawalStatus(ctx, id)
				if err != nil {
					return err
				}
				if ton != nil {
					if err := w.CheckClaimed(ctx, ton); err != nil {
						return err
					}
				}
				out = append(out, map[string]any{"id": id, "epoch": w.Record.Epoch, "to": w.Record.To,
					"amount": w.Record.Amount.Dec(), "height": w.Record.Height, "status": w.Status})
			}
			return printJSON(map[string]any{"from": from.Hex(), "withdrawals": out, "proof_verified": c.Verify})
		},
	}
	list.Flags().String("from", "", "L2 address")
	list.Flags().Int("limit", 50, "at most this many (0: all)")
	_ = list.MarkFlagRequired("from")
	for _, c := range []*cobra.Command{one, list} {
		c.Flags().String("ton-config", "", "TON global config file: also ask the anchor whether it paid (status claimed)")
		c.Flags().String("anchor", "", "the anchor contract's address (with --ton-config)")
		c.Flags().Bool("ton-unsafe", false, "skip liteserver proofs (ONLY for the local TON endpoint)")
	}
	return []*cobra.Command{one, list}
}

// tonChecker connects to TON when --ton-config is set (nil otherwise). It
// only runs getters: the wallet it needs to build a bridge/ton client is a
// throwaway key that never signs anything.
func tonChecker(cmd *cobra.Command, ctx context.Context) (client.ClaimChecker, func(), error) {
	cfg, _ := cmd.Flags().GetString("ton-config")
	if cfg == "" {
		return nil, func() {}, nil
	}
	a, _ := cmd.Flags().GetString("anchor")
	anchor, err := address.ParseAddr(a)
	if err != nil {
		if anchor, err = address.ParseRawAddr(a); err != nil {
			return nil, nil, fmt.Errorf("--anchor %q: %w", a, err)
		}
	}
	unsafe, _ := cmd.Flags().GetBool("ton-unsafe")
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, err
	}
	c, err := bton.Dial(ctx, bton.Config{GlobalConfig: cfg, WalletKey: key, Wallet: wallet.ConfigV5R1Final{NetworkGlobalID: -239},
		Anchor: anchor, Unsafe: unsafe})
	if err != nil {
		return nil, nil, err
	}
	return c, c.Close, nil
}

// newBridgeCmd is `pingod bridge …`: TON-side helpers that need no TON
// connection.
func newBridgeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bridge", Short: "Bridge to TON: claim messages"}
	claim := &cobra.Command{
		Use:   "claim <withdrawal id> --out claim.boc",
		Short: "Write the claim_withdrawal message body for a checkpointed withdrawal",
		Long: `Writes the body of the anchor's claim_withdrawal message (bridge/checkpoint
ClaimBody: leaf, index and Merkle path, verified here against the sealed
checkpoint's withdrawal_root). Send it from any TON wallet to the anchor
contract with at least 0.06 TON attached (0.1 recommended; the anchor
forwards the jettons and returns the rest). Anyone may send it: the jettons
always go to the withdrawal's recipient, and the anchor pays each id once
(a second claim is refused with exit 303). It is accepted once the epoch's
checkpoint is anchored on TON (before that: exit 301).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("id %q: want a decimal number", args[0])
			}
			out, _ := cmd.Flags().GetString("out")
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			w, err := c.WithdrawalStatus(ctx, id)
			if err != nil {
				return err
			}
			body, err := w.ClaimBody()
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, body.ToBOC(), 0o644); err != nil {
				return err
			}
			return printJSON(map[string]any{"id": id, "epoch": w.Record.Epoch, "status": w.Status,
				"to": w.Record.To, "amount": w.Record.Amount.Dec(), "out": out,
				"body_hash": fmt.Sprintf("%x", body.Hash()), "attach_ton": "0.1", "proof_verified": c.Verify})
		},
	}
	claim.Flags().String("out", "claim.boc", "file to write the body's BOC to")
	addNodeFlag(claim)
	claim.Flags().Bool("no-verify", false, "do not verify proofs (trust the node)")
	claim.Flags().Duration("timeout", 30*time.Second, "deadline")
	cmd.AddCommand(claim)
	return cmd
}
