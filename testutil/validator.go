package testutil

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// Test genesis states carry one staking validator with a registered bridge
// key, so blocks produced by App.Block (and by StartNode's node) carry the
// real x/bridge beacon that x/compute samples with. Its keys are derived
// from public seeds, outside the Key(i) range tests fund, so no test
// account is touched by it.

// ValidatorSelfBond is the test validator's bond: 10 PINGO, voting power
// 10. Its operator is funded with exactly this, all of it bonded at
// genesis, so bank balances of test accounts are what the test set.
var ValidatorSelfBond = uint256.NewInt(10_000_000_000)

// ValidatorOperatorKey is the secp256k1 key operating the test validator.
func ValidatorOperatorKey() *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("pingo-testutil-validator-operator")))
	if err != nil {
		panic(err) // probability ~2^-128
	}
	return k
}

// ValidatorOperator is the test validator's operator address.
func ValidatorOperator() auth.Address { return Addr(ValidatorOperatorKey()) }

func seedKey(tag string) ed25519.PrivateKey {
	s := sha256.Sum256([]byte(tag))
	return ed25519.NewKeyFromSeed(s[:])
}

// ValidatorConsKey is the test validator's consensus (CometBFT) key.
func ValidatorConsKey() ed25519.PrivateKey { return seedKey("pingo-testutil-validator-cons") }

// ValidatorBridgeKey is the test validator's bridge key: it signs the
// beacon in vote extensions (x/bridge README).
func ValidatorBridgeKey() ed25519.PrivateKey { return seedKey("pingo-testutil-validator-bridge") }

// ValidatorConsAddr is CometBFT's address of a consensus public key.
func ValidatorConsAddr(consPub ed25519.PublicKey) []byte {
	var k staking.ConsPubKey
	copy(k[:], consPub)
	return k.ConsAddress()
}

// SetValidator makes the test validator of g (added if absent) use the
// given consensus and bridge public keys: StartNode uses it to hand the
// validator to the node's own keys. Any other genesis validator is kept.
func SetValidator(g *app.GenesisState, consPub, bridgePub ed25519.PublicKey) {
	op := ValidatorOperator()
	var ck staking.ConsPubKey
	copy(ck[:], consPub)
	var bk bridge.Hash32
	copy(bk[:], bridgePub)
	vals := g.Staking.GenesisValidators[:0:0]
	for _, v := range g.Staking.GenesisValidators {
		if v.Operator != op {
			vals = append(vals, v)
		}
	}
	g.Staking.GenesisValidators = append(vals, staking.GenesisValidator{
		Operator: op, ConsPubKey: ck, Moniker: "testutil", SelfBond: new(uint256.Int).Set(ValidatorSelfBond)})
	keys := g.Bridge.Keys[:0:0]
	for _, k := range g.Bridge.Keys {
		if k.Operator != op {
			keys = append(keys, k)
		}
	}
	g.Bridge.Keys = append(keys, bridge.GenesisKey{Operator: op, PubKey: bk})
	for _, b := range g.Bank.Balances {
		if b.Address == op {
			return
		}
	}
	// A fresh slice: g may share its backing array with the caller's copy.
	bals := make([]bank.Balance, 0, len(g.Bank.Balances)+1)
	g.Bank.Balances = append(append(bals, g.Bank.Balances...), bank.Balance{Address: op, Amount: new(uint256.Int).Set(ValidatorSelfBond)})
}

// AddValidator adds the test validator with its own deterministic keys.
func AddValidator(g *app.GenesisState) {
	SetValidator(g, ValidatorConsKey().Public().(ed25519.PublicKey), ValidatorBridgeKey().Public().(ed25519.PublicKey))
}
