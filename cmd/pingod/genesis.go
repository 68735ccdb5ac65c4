package main

import (
	"fmt"

	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/keys"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/spf13/cobra"
)

func newGenesisCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "genesis", Short: "Build and check genesis.json"}
	add := &cobra.Command{
		Use:   "add-account <address|key-name> <amount>",
		Short: "Fund an account in <home>/config/genesis.json",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := auth.ParseAddress(args[0])
			if err != nil {
				kr, kerr := openKeyring(cmd)
				if kerr != nil {
					return err
				}
				info, kerr := kr.Show(args[0])
				if kerr != nil {
					return fmt.Errorf("%q is neither an address nor a key: %w", args[0], kerr)
				}
				addr = info.Address
			}
			amount, err := bank.ParseAmount(args[1])
			if err != nil {
				return err
			}
			path := chain.GenesisFile(homeFlag(cmd))
			g, err := chain.ReadGenesis(path)
			if err != nil {
				return err
			}
			if err := g.AddAccount(addr, amount); err != nil {
				return err
			}
			if err := g.Write(path); err != nil {
				return err
			}
			fmt.Printf("funded %s with %s upingo in %s\n", addr.Hex(), amount.Dec(), path)
			return nil
		},
	}
	addKeyringFlags(add)
	validate := &cobra.Command{
		Use:   "validate [file]",
		Short: "Check a genesis file as a node would at start",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := chain.GenesisFile(homeFlag(cmd))
			if len(args) == 1 {
				path = args[0]
			}
			g, err := chain.ReadGenesis(path)
			if err != nil {
				return err
			}
			if err := g.Validate(); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			fmt.Printf("%s is valid: chain %s, l2 chain id %d, %d validators, %d accounts\n", path,
				g.Doc.ChainID, g.State.Auth.Params.ChainID, len(g.Doc.Validators), len(g.State.Bank.Balances))
			return nil
		},
	}
	cmd.AddCommand(add, validate)
	return cmd
}

var _ = keys.BackendTest
