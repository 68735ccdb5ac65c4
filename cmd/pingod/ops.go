package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pingo-chain/pingo/chain"
	"github.com/spf13/cobra"
)

func newExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the stopped node's latest state as a genesis file for a new chain",
		Long: `Reads the node's latest committed state (the node must be stopped) and writes a
genesis document: balances, nonces, fee pool and parameters from the app, the
validator set and consensus parameters from CometBFT, initial_height = height+1.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := chain.LoadConfig(homeFlag(cmd), nil)
			if err != nil {
				return err
			}
			doc, err := chain.Export(cfg)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				b, err := json.MarshalIndent(doc, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(os.Stdout, string(b))
				return err
			}
			if err := doc.SaveAs(out); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "exported height %d to %s\n", doc.InitialHeight-1, out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "-", "file to write (- for stdout)")
	return cmd
}

func newRollbackCmd() *cobra.Command {
	var hard bool
	cmd := &cobra.Command{
		Use:   "rollback",
		Short: "Move the stopped node back one height (consensus state and app state)",
		Long: `Rolls CometBFT's state and the app's IAVL state from height H back to H-1; on
the next start the node re-executes block H. With --hard, block H is deleted
too and fetched again from peers. Use it after a node committed a block that
its peers did not (an app bug fixed by an upgrade).`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := chain.LoadConfig(homeFlag(cmd), nil)
			if err != nil {
				return err
			}
			h, hash, err := chain.Rollback(cfg, hard)
			if err != nil {
				return err
			}
			fmt.Printf("rolled back to height %d, app hash %X\n", h, hash)
			return nil
		},
	}
	cmd.Flags().BoolVar(&hard, "hard", false, "also delete the last block")
	return cmd
}
