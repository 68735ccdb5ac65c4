package main

import (
	"fmt"
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	"github.com/spf13/cobra"
)

// computeQueryCmds are the compute and nft reads under `pingod query`
// (proofs verified by default, like every query).
func computeQueryCmds() []*cobra.Command {
	byID := func(use, short, path string, decode func([]byte) (any, error)) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				id, err := strconv.ParseUint(args[0], 10, 64)
				if err != nil {
					return fmt.Errorf("id: %w", err)
				}
				return queryAndPrint(cmd, path+strconv.FormatUint(id, 10), decode)
			}}
	}
	job := byID("job <id>", "A job: state, assignments, escrow balance", "/compute/job/", func(b []byte) (any, error) {
		j, err := compute.UnmarshalJob(b)
		return &j, err
	})
	receipt := byID("receipt <id>", "A receipt: range, roots, contributors and amounts paid", "/compute/receipt/", func(b []byte) (any, error) {
		r, err := compute.UnmarshalReceipt(b)
		return &r, err
	})
	nftCmd := byID("nft <id>", "A contributor NFT: owner, verified units, epochs, tier", "/nft/nft/", func(b []byte) (any, error) {
		n, err := nft.UnmarshalNFT(b)
		return &n, err
	})
	node := &cobra.Command{Use: "node <operator>", Short: "A CDN node's record", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			op, err := auth.ParseAddress(args[0])
			if err != nil {
				return err
			}
			return queryAndPrint(cmd, "/compute/node/"+op.Hex(), func(b []byte) (any, error) {
				n, err := compute.UnmarshalNode(b)
				return &n, err
			})
		}}
	nodes := &cobra.Command{Use: "nodes", Short: "Every registered CDN node operator", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			ops, h, err := c.Nodes(ctx)
			if err != nil {
				return err
			}
			return printJSON(map[string]any{"height": h, "nodes": ops, "proof_verified": c.Verify})
		}}
	amount := func(use, short, path string) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return queryAndPrint(cmd, path, func(b []byte) (any, error) {
					v := new(uint256.Int).SetBytes(b)
					return map[string]string{"amount": v.Dec(), "amount_pingo": bank.FormatAmount(v)}, nil
				})
			}}
	}
	pool := amount("incentive-pool", "The community incentive pool paying network contribution jobs", "/compute/incentive_pool")
	escrow := amount("escrow", "All upingo held in job escrow", "/compute/escrow_total")

	jobs := &cobra.Command{Use: "jobs", Short: "Job ids by --owner, --operator, --state (open|assigned|done|expired|cancelled) or --epoch (network jobs)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			owner, _ := cmd.Flags().GetString("owner")
			node, _ := cmd.Flags().GetString("operator")
			state, _ := cmd.Flags().GetString("state")
			epoch, _ := cmd.Flags().GetInt64("epoch")
			var ids []uint64
			switch {
			case owner != "" || node != "":
				a, err := auth.ParseAddress(owner + node)
				if err != nil {
					return err
				}
				if owner != "" {
					ids, err = c.JobsByOwner(ctx, a)
				} else {
					ids, err = c.JobsByNode(ctx, a)
				}
				if err != nil {
					return err
				}
			case state != "":
				if ids, err = c.JobsByState(ctx, state); err != nil {
					return err
				}
			case epoch >= 0:
				r, err := c.Query(ctx, "/compute/jobs/epoch/"+strconv.FormatInt(epoch, 10)+"/0", 0)
				if err != nil {
					return err
				}
				ids, _ = compute.UnmarshalIDs(r.Value)
			default:
				return fmt.Errorf("give one of --owner, --operator, --state, --epoch")
			}
			return printJSON(map[string]any{"jobs": ids, "proof_verified": c.Verify})
		}}
	jobs.Flags().String("owner", "", "jobs submitted by this account")
	jobs.Flags().String("operator", "", "jobs accepted by this CDN node operator")
	jobs.Flags().String("state", "", "jobs in state open or assigned (live), or that entered done, expired or cancelled")
	jobs.Flags().Int64("epoch", -1, "network contribution jobs opened in this epoch")

	receipts := &cobra.Command{Use: "receipts", Short: "Receipt ids by --job or --contributor", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			job, _ := cmd.Flags().GetInt64("job")
			contrib, _ := cmd.Flags().GetString("contributor")
			var ids []uint64
			switch {
			case contrib != "":
				a, err := auth.ParseAddress(contrib)
				if err != nil {
					return err
				}
				ids, err = c.ReceiptsByContributor(ctx, a)
				if err != nil {
					return err
				}
			case job > 0:
				if ids, err = c.ReceiptsByJob(ctx, uint64(job)); err != nil {
					return err
				}
			default:
				return fmt.Errorf("give --job or --contributor")
			}
			return printJSON(map[string]any{"receipts": ids, "proof_verified": c.Verify})
		}}
	receipts.Flags().Int64("job", 0, "receipts of this job")
	receipts.Flags().String("contributor", "", "receipts naming this contributor")

	nfts := &cobra.Command{Use: "nfts <owner>", Short: "Contributor NFT ids an account holds", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := auth.ParseAddress(args[0])
			if err != nil {
				return err
			}
			c, ctx, cancel, err := queryClient(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			ids, err := c.NFTsByOwner(ctx, a)
			if err != nil {
				return err
			}
			own, err := c.NFTOfContributor(ctx, a)
			if err != nil {
				return err
			}
			return printJSON(map[string]any{"owner": a.Hex(), "nfts": ids, "earned_nft": own, "proof_verified": c.Verify})
		}}
	return []*cobra.Command{node, nodes, job, jobs, receipt, receipts, nftCmd, nfts, pool, escrow}
}
