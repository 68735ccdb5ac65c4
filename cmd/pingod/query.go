package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/spf13/cobra"
)

func newQueryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "query", Aliases: []string{"q"}, Short: "Read chain state (proofs verified by default)"}
	account := func(use, short string, balanceOnly bool) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				addr, err := auth.ParseAddress(args[0])
				if err != nil {
					return err
				}
				c, ctx, cancel, err := queryClient(cmd)
				if err != nil {
					return err
				}
				defer cancel()
				h, _ := cmd.Flags().GetInt64("height")
				res, err := c.Query(ctx, "/auth/account/"+addr.Hex(), h)
				if err != nil {
					return err
				}
				var acc auth.Account
				if res.Value != nil {
					if acc, err = auth.UnmarshalAccount(res.Value); err != nil {
						return err
					}
				}
				out := map[string]any{"address": addr.Hex(), "balance": acc.Balance.Dec(),
					"balance_pingo": bank.FormatAmount(&acc.Balance), "height": res.Height, "proof_verified": res.Verified}
				if !balanceOnly {
					out["nonce"] = acc.Nonce
				}
				return printJSON(out)
			},
		}
	}
	balance := account("balance <address>", "Balance in upingo", true)
	acct := account("account <address>", "Nonce and balance", false)
	tx := &cobra.Command{
		Use: "tx <hash>", Short: "A committed transaction and its result", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			h, err := hex.DecodeString(trim0x(args[0]))
			if err != nil {
				return fmt.Errorf("hash: %w", err)
			}
			res, err := c.RPC().Tx(ctx, h, false)
			if err != nil {
				return err
			}
			return printJSON(res)
		},
	}
	block := &cobra.Command{
		Use: "block [height]", Short: "A block (latest without height)", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			var hp *int64
			if len(args) == 1 {
				h, err := strconv.ParseInt(args[0], 10, 64)
				if err != nil || h <= 0 {
					return fmt.Errorf("height %q: want a positive integer", args[0])
				}
				hp = &h
			}
			res, err := c.RPC().Block(ctx, hp)
			if err != nil {
				return err
			}
			return printJSON(res)
		},
	}
	for _, q := range append(append(append([]*cobra.Command{balance, acct, tx, block}, stakingQueryCmds()...), computeQueryCmds()...), append(withdrawalQueryCmds(), depositQueryCmds()...)...) {
		addNodeFlag(q)
		q.Flags().Bool("no-verify", false, "do not verify proofs (trust the node)")
		q.Flags().Int64("height", 0, "state height (default: newest provable)")
		q.Flags().Duration("timeout", 30*time.Second, "deadline")
		cmd.AddCommand(q)
	}
	return cmd
}

func queryClient(cmd *cobra.Command) (*client.Client, context.Context, context.CancelFunc, error) {
	c, err := newClient(cmd)
	if err != nil {
		return nil, nil, nil, err
	}
	t, _ := cmd.Flags().GetDuration("timeout")
	ctx, cancel := context.WithTimeout(context.Background(), t)
	return c, ctx, cancel, nil
}

func trim0x(s string) string {
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		return s[2:]
	}
	return s
}
