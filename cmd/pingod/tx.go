package main

import (
	"context"
	"fmt"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/spf13/cobra"
)

func addNodeFlag(cmd *cobra.Command) {
	cmd.Flags().String("node", envOr("PINGOD_NODE", "http://127.0.0.1:26657"), "node RPC address (env PINGOD_NODE)")
}

func newClient(cmd *cobra.Command) (*client.Client, error) {
	addr, _ := cmd.Flags().GetString("node")
	c, err := client.New(addr)
	if err != nil {
		return nil, err
	}
	if nv, err := cmd.Flags().GetBool("no-verify"); err == nil && nv {
		c.Verify = false
	}
	return c, nil
}

func newTxCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "tx", Short: "Sign and broadcast transactions"}
	transfer := &cobra.Command{
		Use:   "transfer <to-address> <amount>",
		Short: "Send PINGO (amount as 123, 123upingo or 1.5pingo)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			to, err := auth.ParseAddress(args[0])
			if err != nil {
				return err
			}
			amount, err := bank.ParseAmount(args[1])
			if err != nil {
				return err
			}
			return signAndSend(cmd, &bank.Transfer{To: to, Amount: *amount})
		},
	}
	multi := &cobra.Command{
		Use:   "multisend <to>=<amount>...",
		Short: "Pay several recipients in one transaction",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := &bank.MultiSend{}
			for _, a := range args {
				var addr, amt string
				for i := range a {
					if a[i] == '=' {
						addr, amt = a[:i], a[i+1:]
					}
				}
				to, err := auth.ParseAddress(addr)
				if err != nil {
					return err
				}
				v, err := bank.ParseAmount(amt)
				if err != nil {
					return err
				}
				m.Outputs = append(m.Outputs, bank.Output{To: to, Amount: *v})
			}
			return signAndSend(cmd, m)
		},
	}
	for _, c := range append([]*cobra.Command{transfer, multi, withdrawTxCmd()}, stakingTxCmds()...) {
		addTxFlags(c)
		cmd.AddCommand(c)
	}
	// Compute and nft: groups (node, job, nft) hold some of the leaves.
	groups, leaves := computeTxCmds()
	for _, c := range leaves {
		addTxFlags(c)
		if c.Parent() == nil {
			cmd.AddCommand(c)
		}
	}
	cmd.AddCommand(groups...)
	cmd.AddCommand(signShareCmd())
	return cmd
}

// addTxFlags gives a command that signs and broadcasts the common flags.
func addTxFlags(c *cobra.Command) {
	c.Flags().String("from", "", "key name or address in the keyring")
	c.Flags().String("fee", "10000", "fee (upingo, or 0.00001pingo)")
	c.Flags().Int64("nonce", -1, "nonce to use (default: read from the chain)")
	c.Flags().Bool("no-wait", false, "return after CheckTx instead of waiting for the block")
	c.Flags().Bool("no-verify", false, "do not verify query proofs")
	c.Flags().Duration("timeout", 60*time.Second, "overall deadline")
	_ = c.MarkFlagRequired("from")
	addNodeFlag(c)
	addKeyringFlags(c)
}

func signAndSend(cmd *cobra.Command, msg auth.Msg) error {
	return signAndSendBuilt(cmd, func(auth.Address, uint64) (auth.Msg, error) { return msg, nil })
}

// signAndSendBuilt is signAndSend for a message that depends on the sender
// and the chain id (SetBridgeKey's proof of possession signs both).
func signAndSendBuilt(cmd *cobra.Command, build func(from auth.Address, chainID uint64) (auth.Msg, error)) error {
	kr, err := openKeyring(cmd)
	if err != nil {
		return err
	}
	from, _ := cmd.Flags().GetString("from")
	pass, err := passphrase(kr, "Passphrase of "+from, false)
	if err != nil {
		return err
	}
	key, err := kr.Key(from, pass)
	if err != nil {
		return err
	}
	feeS, _ := cmd.Flags().GetString("fee")
	fee, err := bank.ParseAmount(feeS)
	if err != nil {
		return err
	}
	c, err := newClient(cmd)
	if err != nil {
		return err
	}
	timeout, _ := cmd.Flags().GetDuration("timeout")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var noncePtr *uint64
	if n, _ := cmd.Flags().GetInt64("nonce"); n >= 0 {
		u := uint64(n)
		noncePtr = &u
	}
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return err
	}
	msg, err := build(auth.PubkeyToAddress(&key.PublicKey), chainID)
	if err != nil {
		return err
	}
	tx, err := c.Sign(ctx, key, msg, fee, noncePtr)
	if err != nil {
		return err
	}
	hash, err := c.Broadcast(ctx, tx)
	if err != nil {
		return err
	}
	if nw, _ := cmd.Flags().GetBool("no-wait"); nw {
		return printJSON(map[string]any{"hash": hash, "status": "in mempool"})
	}
	res, err := c.WaitTx(ctx, hash)
	if err != nil {
		return err
	}
	return printJSON(map[string]any{"hash": hash, "height": res.Height, "code": res.TxResult.Code})
}

var _ = fmt.Sprint
var _ = uint256.NewInt
