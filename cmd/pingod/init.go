package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/chain"
	"github.com/spf13/cobra"
)

func chainDefaultHome() string { return chain.DefaultHome() }

func newInitCmd() *cobra.Command {
	var o chain.InitOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the home directory: config.toml, app.toml, node and validator keys, genesis",
		Long: `Creates <home>/config/{config.toml,app.toml,genesis.json,node_key.json,priv_validator_key.json}.
Existing keys are never replaced. Without --overwrite, existing config and genesis files are kept.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := homeFlag(cmd)
			val, err := chain.InitHome(home, o)
			if err != nil {
				return err
			}
			out, _ := json.MarshalIndent(map[string]any{
				"home": home, "moniker": o.Moniker, "chain_id": o.ChainID, "l2_chain_id": o.L2ChainID,
				"validator_address": val.Address.String(), "validator_pubkey": val.PubKey,
			}, "", "  ")
			fmt.Fprintln(os.Stdout, string(out))
			return nil
		},
	}
	cmd.Flags().StringVar(&o.Moniker, "moniker", "pingo-node", "human-readable node name")
	cmd.Flags().StringVar(&o.ChainID, "chain-id", "pingo-local", "CometBFT chain id")
	cmd.Flags().Uint64Var(&o.L2ChainID, "l2-chain-id", app.DefaultGenesis().Auth.Params.ChainID, "numeric chain id in EIP-712 signatures")
	cmd.Flags().BoolVar(&o.Overwrite, "overwrite", false, "replace existing config files and genesis (never keys)")
	return cmd
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the node and protocol versions",
		Run: func(*cobra.Command, []string) {
			fmt.Printf("pingod %s (app protocol %d)\n", app.Version, app.AppVersion)
		},
	}
}
