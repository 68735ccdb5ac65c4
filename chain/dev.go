package chain

import (
	"crypto/ecdsa"
	"crypto/sha256"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/keys"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bip39 "github.com/tyler-smith/go-bip39"
)

// Dev chains (pingod start --dev, pingod localnet) fund the first DevAccounts
// keys of one published mnemonic, so dapp tests and docs can name them.
// It is public: never send real value to these addresses.
const (
	DevAccounts  = 10
	DevChainID   = "pingo-dev"
	DevL2ChainID = 7447
)

// DevBalance is each dev account's balance: 1,000,000 PINGO.
var DevBalance = new(uint256.Int).Mul(uint256.NewInt(1_000_000), uint256.NewInt(1_000_000_000))

// DevSelfBond is each dev validator's bond (from its operator's balance):
// 10,000 PINGO, voting power 10,000.
var DevSelfBond = new(uint256.Int).Mul(uint256.NewInt(10_000), uint256.NewInt(1_000_000_000))

// DevRewardReserve funds validator block rewards on dev chains:
// 10,000,000 PINGO.
var DevRewardReserve = new(uint256.Int).Mul(uint256.NewInt(10_000_000), uint256.NewInt(1_000_000_000))

// DevIncentivePool funds the compute incentive pool (network contribution
// jobs) on dev chains: 80,000,000 PINGO, the 80% share beside the dev
// balances and reserve, at the default emission of 10,000 PINGO per epoch.
var DevIncentivePool = new(uint256.Int).Mul(uint256.NewInt(80_000_000), uint256.NewInt(1_000_000_000))

// DevValidatorOperator is the dev key operating validator i: the dev
// accounts after the ten wallet accounts, so those stay untouched.
func DevValidatorOperator(i int) *ecdsa.PrivateKey { return DevKey(uint32(DevAccounts + i)) }

// SetDevValidators replaces the validator set of g with one staking
// validator per consensus key, each operated by a funded dev key, and funds
// the reward reserve and the compute incentive pool. bridgeKeys[i]
// (ed25519 public keys; the slice may be nil) registers validator i's
// bridge key.
func SetDevValidators(g *Genesis, consKeys, bridgeKeys [][]byte, monikers []string) error {
	g.Doc.Validators = nil
	g.State.Staking.GenesisValidators = nil
	g.State.Bridge.Keys = nil
	for i, ck := range consKeys {
		op := DevValidatorOperator(i)
		addr := auth.PubkeyToAddress(&op.PublicKey)
		if err := g.AddAccount(addr, DevBalance); err != nil {
			return err
		}
		if err := g.AddValidator(addr, ck, monikers[i], 1000, DevSelfBond); err != nil {
			return err
		}
		if i < len(bridgeKeys) {
			if err := g.AddBridgeKey(addr, bridgeKeys[i]); err != nil {
				return err
			}
		}
	}
	g.State.Staking.RewardReserve = new(uint256.Int).Set(DevRewardReserve)
	g.State.Compute.IncentivePool = new(uint256.Int).Set(DevIncentivePool)
	return nil
}

// DevMnemonic is the published 24-word dev mnemonic (entropy =
// sha256("pingo localnet dev mnemonic")).
func DevMnemonic() string {
	e := sha256.Sum256([]byte("pingo localnet dev mnemonic"))
	m, err := bip39.NewMnemonic(e[:])
	if err != nil {
		panic(err)
	}
	return m
}

// DevKey is the dev mnemonic's key at m/44'/60'/0'/0/i.
func DevKey(i uint32) *ecdsa.PrivateKey {
	k, err := keys.DerivePrivateKey(DevMnemonic(), "", i)
	if err != nil {
		panic(err)
	}
	return k
}

// FundDevAccounts adds the dev accounts to g.
func FundDevAccounts(g *Genesis) error {
	for i := uint32(0); i < DevAccounts; i++ {
		k := DevKey(i)
		if err := g.AddAccount(auth.PubkeyToAddress(&k.PublicKey), DevBalance); err != nil {
			return err
		}
	}
	return nil
}

// DevAgentIndex is the dev mnemonic index of the localnet's first agent
// key. The localnet's CDN node operates DevAgentKey(0) and its contributors
// DevAgentKey(1), DevAgentKey(2): far above the wallet accounts and the
// validator operators (DevAccounts + up to 200), so neither is ever
// shared with an agent and the contributors' earnings start from zero.
const DevAgentIndex = 1000

// DevAgentKey is the dev mnemonic's key at index DevAgentIndex + i.
func DevAgentKey(i int) *ecdsa.PrivateKey { return DevKey(uint32(DevAgentIndex + i)) }
