package main

import (
	"crypto/ed25519"
	"fmt"
	"strconv"

	"github.com/cometbft/cometbft/privval"
	"github.com/pingo-chain/pingo/chain"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/spf13/cobra"
)

// stakingTxCmds are the staking actions under `pingod tx`.
func stakingTxCmds() []*cobra.Command {
	create := &cobra.Command{
		Use:   "create-validator <self-bond>",
		Short: "Bond PINGO and become a validator with this node's consensus key",
		Long: `Signs CreateValidator from --from with the ed25519 consensus key in
<home>/config/priv_validator_key.json (or --cons-pubkey 0x…). The validator
joins the active set at the end of the block if its power ranks in the top
max_validators.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			amount, err := bank.ParseAmount(args[0])
			if err != nil {
				return err
			}
			var key staking.ConsPubKey
			if hexKey, _ := cmd.Flags().GetString("cons-pubkey"); hexKey != "" {
				if err := key.UnmarshalText([]byte(hexKey)); err != nil {
					return fmt.Errorf("--cons-pubkey: %w", err)
				}
			} else {
				cfg, err := chain.LoadConfig(homeFlag(cmd), nil)
				if err != nil {
					return err
				}
				pv := privval.LoadFilePVEmptyState(cfg.Cmt.PrivValidatorKeyFile(), cfg.Cmt.PrivValidatorStateFile())
				copy(key[:], pv.Key.PubKey.Bytes())
			}
			moniker, _ := cmd.Flags().GetString("moniker")
			bps, _ := cmd.Flags().GetUint32("commission-bps")
			return signAndSend(cmd, &staking.CreateValidator{ConsensusKey: key, Moniker: moniker, CommissionBps: bps, Amount: *amount})
		},
	}
	create.Flags().String("cons-pubkey", "", "ed25519 consensus public key, 0x + 64 hex (default: this home's validator key)")
	create.Flags().String("moniker", "", "validator name")
	create.Flags().Uint32("commission-bps", 1000, "commission on delegators' rewards, basis points (1000 = 10%)")

	amountCmd := func(use, short string, build func(v auth.Address, amount bank.Balance) auth.Msg) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				v, err := auth.ParseAddress(args[0])
				if err != nil {
					return err
				}
				amt, err := bank.ParseAmount(args[1])
				if err != nil {
					return err
				}
				return signAndSend(cmd, build(v, bank.Balance{Address: v, Amount: amt}))
			},
		}
	}
	delegate := amountCmd("delegate <validator> <amount>", "Bond PINGO to a validator", func(v auth.Address, b bank.Balance) auth.Msg {
		return &staking.Delegate{Validator: v, Amount: *b.Amount}
	})
	undelegate := amountCmd("undelegate <validator> <amount>", "Start unbonding (paid back after unbonding_blocks)", func(v auth.Address, b bank.Balance) auth.Msg {
		return &staking.Undelegate{Validator: v, Amount: *b.Amount}
	})
	unjail := &cobra.Command{
		Use: "unjail", Short: "Return your jailed validator to the candidates after its jail period", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return signAndSend(cmd, &staking.Unjail{}) },
	}
	withdraw := &cobra.Command{
		Use: "withdraw-rewards <validator>", Short: "Move your pending rewards from a validator to your balance", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := auth.ParseAddress(args[0])
			if err != nil {
				return err
			}
			return signAndSend(cmd, &staking.WithdrawRewards{Validator: v})
		},
	}
	setKey := &cobra.Command{
		Use:   "set-bridge-key",
		Short: "Register (or rotate) your validator's bridge key from <home>/config/bridge_key.json",
		Long: `Signs SetBridgeKey from --from (a validator operator) with the ed25519
bridge key in <home>/config/bridge_key.json (or --bridge-key-file), which
also signs the proof of possession. The node must run with the same file for
its vote extensions (beacon, TON checkpoints) to count.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := cmd.Flags().GetString("bridge-key-file")
			if path == "" {
				path = chain.BridgeKeyFile(homeFlag(cmd))
			}
			bk, err := chain.LoadBridgeKey(path)
			if err != nil {
				return err
			}
			if bk == nil {
				return fmt.Errorf("%s does not exist (pingod init creates it)", path)
			}
			return signAndSendBuilt(cmd, func(from auth.Address, chainID uint64) (auth.Msg, error) {
				m := &bridge.SetBridgeKey{}
				copy(m.BridgeKey[:], bk.Public().(ed25519.PublicKey))
				copy(m.Proof[:], ed25519.Sign(bk, bridge.KeyProofMessage(chainID, from)))
				return m, nil
			})
		},
	}
	setKey.Flags().String("bridge-key-file", "", "bridge key file (default: <home>/config/bridge_key.json)")
	return []*cobra.Command{create, delegate, undelegate, unjail, withdraw, setKey}
}

// stakingQueryCmds are the staking reads under `pingod query`.
func stakingQueryCmds() []*cobra.Command {
	validator := &cobra.Command{
		Use: "validator <operator>", Short: "A validator's record", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			op, err := auth.ParseAddress(args[0])
			if err != nil {
				return err
			}
			return queryAndPrint(cmd, "/staking/validator/"+op.Hex(), func(b []byte) (any, error) {
				v, err := staking.UnmarshalValidator(b)
				return &v, err // pointer: uint256 fields render as decimal strings
			})
		},
	}
	validators := &cobra.Command{
		Use: "validators", Short: "The active validator set", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return queryAndPrint(cmd, "/staking/validators", func(b []byte) (any, error) {
				s, err := staking.UnmarshalLastSet(b)
				return s, err
			})
		},
	}
	delegation := &cobra.Command{
		Use: "delegation <delegator> <validator>", Short: "A delegation's shares", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := auth.ParseAddress(args[0])
			if err != nil {
				return err
			}
			op, err := auth.ParseAddress(args[1])
			if err != nil {
				return err
			}
			return queryAndPrint(cmd, "/staking/delegation/"+d.Hex()+"/"+op.Hex(), func(b []byte) (any, error) {
				del, err := staking.UnmarshalDelegation(b)
				return map[string]string{"shares": del.Shares.Dec(), "reward_snapshot": del.RewardSnapshot.Dec()}, err
			})
		},
	}
	return []*cobra.Command{validator, validators, delegation}
}

func queryAndPrint(cmd *cobra.Command, path string, decode func([]byte) (any, error)) error {
	c, ctx, cancel, err := queryClient(cmd)
	if err != nil {
		return err
	}
	defer cancel()
	h, _ := cmd.Flags().GetInt64("height")
	res, err := c.Query(ctx, path, h)
	if err != nil {
		return err
	}
	out := map[string]any{"height": strconv.FormatInt(res.Height, 10), "proof_verified": res.Verified}
	if res.Value == nil {
		out["result"] = nil
	} else {
		v, err := decode(res.Value)
		if err != nil {
			return err
		}
		out["result"] = v
	}
	return printJSON(out)
}
