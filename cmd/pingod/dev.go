package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"fmt"
	"os"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/pingo-chain/pingo/chain"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// initDevHome prepares a single-validator dev chain in home unless one is
// there already, and prints the funded dev accounts.
func initDevHome(home string) error {
	if _, err := os.Stat(chain.GenesisFile(home)); err == nil {
		return nil
	}
	if _, err := chain.InitHome(home, chain.InitOptions{Moniker: "dev", ChainID: chain.DevChainID, L2ChainID: chain.DevL2ChainID}); err != nil {
		return err
	}
	g, err := chain.ReadGenesis(chain.GenesisFile(home))
	if err != nil {
		return err
	}
	if err := chain.FundDevAccounts(g); err != nil {
		return err
	}
	v := g.Doc.Validators[0]
	bk, err := chain.LoadBridgeKey(chain.BridgeKeyFile(home))
	if err != nil {
		return err
	}
	if err := chain.SetDevValidators(g, [][]byte{v.PubKey.Bytes()}, [][]byte{bk.Public().(ed25519.PublicKey)}, []string{"dev"}); err != nil {
		return err
	}
	if err := g.Write(chain.GenesisFile(home)); err != nil {
		return err
	}
	c := chain.DefaultCmtConfig("dev")
	c.SetRoot(home)
	devTimeouts(c)
	c.P2P.PexReactor = false
	cmtcfg.WriteConfigFile(chain.ConfigFile(home), c)
	printDevAccounts(os.Stdout)
	return nil
}

// devTimeouts make blocks come every ~200 ms on a dev chain.
func devTimeouts(c *cmtcfg.Config) {
	c.Consensus.TimeoutCommit = 200 * time.Millisecond
	c.Consensus.TimeoutPropose = 1 * time.Second
}

func printDevAccounts(w *os.File) {
	fmt.Fprintf(w, "Dev mnemonic (public, for local testing only):\n  %s\n", chain.DevMnemonic())
	fmt.Fprintf(w, "Funded accounts (path m/44'/60'/0'/0/i, %s upingo each):\n", chain.DevBalance.Dec())
	for i := uint32(0); i < chain.DevAccounts; i++ {
		k := chain.DevKey(i)
		fmt.Fprintf(w, "  %d  %s\n", i, auth.PubkeyToAddress(&k.PublicKey).Hex())
	}
}

func addrOf(k *ecdsa.PrivateKey) string { return auth.PubkeyToAddress(&k.PublicKey).Hex() }
