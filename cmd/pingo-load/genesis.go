package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
)

func genesisCmd(args []string) error {
	fs := flag.NewFlagSet("genesis", flag.ExitOnError)
	home := fs.String("home", "", "initialised node home (pingod init)")
	accounts := fs.Int("accounts", 1_000_000, "funded accounts in total")
	senders := fs.Int("senders", 20_000, "of which the first N are test keys that can sign")
	amount := fs.String("amount", "1000000000000000000000", "upingo per account")
	_ = fs.Parse(args)
	if *home == "" {
		return fmt.Errorf("--home is required")
	}
	if *senders < 1 || *accounts < *senders || *accounts > 100_000_000 {
		return fmt.Errorf("want 1 <= --senders <= --accounts <= 1e8")
	}
	amt, err := uint256.FromDecimal(*amount)
	if err != nil || amt.IsZero() {
		return fmt.Errorf("--amount %q: want a positive decimal", *amount)
	}
	start := time.Now()
	path := chain.GenesisFile(*home)
	g, err := chain.ReadGenesis(path)
	if err != nil {
		return err
	}
	_, addrs := population(*accounts, *senders)
	// Genesis.AddAccount scans the list per call; a million calls would be
	// quadratic, so merge by map instead (amounts to existing entries add up,
	// as AddAccount's do).
	idx := make(map[auth.Address]int, len(g.State.Bank.Balances)+len(addrs))
	for i, b := range g.State.Bank.Balances {
		idx[b.Address] = i
	}
	bals := g.State.Bank.Balances
	for _, a := range addrs {
		if i, ok := idx[a]; ok {
			sum, of := new(uint256.Int).AddOverflow(bals[i].Amount, amt)
			if of {
				return fmt.Errorf("balance of %s overflows", a)
			}
			bals[i].Amount = sum
			continue
		}
		idx[a] = len(bals)
		bals = append(bals, bank.Balance{Address: a, Amount: amt})
	}
	g.State.Bank.Balances = bals
	if err := g.Write(path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Printf("genesis: %d accounts funded with %s upingo each (%d signing senders) in %s (%s)\n",
		*accounts, amt.Dec(), *senders, path, time.Since(start).Round(time.Millisecond))
	return nil
}
