package chain

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// Genesis is a CometBFT genesis document with its app_state decoded.
type Genesis struct {
	Doc   *cmttypes.GenesisDoc
	State *app.GenesisState
}

// ReadGenesis loads and validates both halves of genesis.json.
func ReadGenesis(path string) (*Genesis, error) {
	doc, err := cmttypes.GenesisDocFromFile(path)
	if err != nil {
		return nil, err
	}
	st, err := app.ParseGenesis(doc.AppState)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Genesis{Doc: doc, State: st}, nil
}

// DefaultBlockMaxBytes is a new genesis's consensus_params.block.max_bytes.
const DefaultBlockMaxBytes = 2 << 20

// NewGenesis starts a genesis for chainID with default parameters.
func NewGenesis(chainID string, l2ChainID uint64) *Genesis {
	st := app.DefaultGenesis()
	st.Auth.Params.ChainID = l2ChainID
	cp := cmttypes.DefaultConsensusParams()
	// Block headers carry the app protocol version; it must match what Info
	// reports, or a rollback rebuilds a state that rejects its own blocks.
	cp.Version.App = app.AppVersion
	// Vote extensions (x/bridge: beacon and checkpoint signatures) from
	// the first block: CometBFT calls ExtendVote at every height >= this
	// one and hands height h's extensions to the proposer of h+1. Any
	// height >= 1 is accepted in a genesis; raising it later needs a
	// consensus-params update at least one height ahead.
	cp.ABCI.VoteExtensionsEnableHeight = 1
	// Blocks of at most 2 MiB (~17,000 transfers) instead of CometBFT's
	// 21 MiB (~170,000): the proposer executes every tx it proposes before
	// proposing, and other validators wait timeout_propose (3 s) for it.
	// On a starved 2-core machine a mempool backlog already made blocks of
	// 17,000 transfers that took 5-11 s from commit to finalize
	// (scripts/bench-node.sh, load average 6); ten times that would
	// outlast every propose timeout of a multi-validator network.
	cp.Block.MaxBytes = DefaultBlockMaxBytes
	return &Genesis{
		Doc:   &cmttypes.GenesisDoc{ChainID: chainID, GenesisTime: time.Unix(0, 0).UTC(), InitialHeight: 1, ConsensusParams: cp},
		State: &st,
	}
}

// AddAccount funds addr; a second grant to the same address adds up.
func (g *Genesis) AddAccount(addr auth.Address, amount *uint256.Int) error {
	if amount.IsZero() {
		return fmt.Errorf("amount must be positive")
	}
	for i := range g.State.Bank.Balances {
		b := &g.State.Bank.Balances[i]
		if b.Address == addr {
			sum, of := new(uint256.Int).AddOverflow(b.Amount, amount)
			if of {
				return fmt.Errorf("balance of %s overflows", addr)
			}
			b.Amount = sum
			return nil
		}
	}
	g.State.Bank.Balances = append(g.State.Bank.Balances, bank.Balance{Address: addr, Amount: new(uint256.Int).Set(amount)})
	return nil
}

// Validate checks both halves, as a node would at start.
func (g *Genesis) Validate() error {
	if err := g.Doc.ValidateAndComplete(); err != nil {
		return err
	}
	return g.State.Validate()
}

// Write stores genesis.json with balances sorted by address, so two
// operators building the same genesis produce the same file.
func (g *Genesis) Write(path string) error {
	sort.Slice(g.State.Bank.Balances, func(i, j int) bool {
		a, b := g.State.Bank.Balances[i].Address, g.State.Bank.Balances[j].Address
		return string(a[:]) < string(b[:])
	})
	raw, err := json.Marshal(g.State)
	if err != nil {
		return err
	}
	g.Doc.AppState = raw
	if err := g.Validate(); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := g.Doc.SaveAs(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// AddValidator makes a staking validator in genesis: operator must already be
// funded with at least selfBond (InitGenesis moves the bond out of the
// balance), consensus key is the node's ed25519 validator key. It also lists
// the validator in genesis.json with the power staking will give it.
func (g *Genesis) AddValidator(operator auth.Address, consPub []byte, moniker string, commissionBps uint32, selfBond *uint256.Int) error {
	var key staking.ConsPubKey
	if len(consPub) != len(key) {
		return fmt.Errorf("consensus key: want %d bytes of ed25519, got %d", len(key), len(consPub))
	}
	copy(key[:], consPub)
	g.State.Staking.GenesisValidators = append(g.State.Staking.GenesisValidators, staking.GenesisValidator{
		Operator: operator, ConsPubKey: key, Moniker: moniker, CommissionBps: commissionBps, SelfBond: new(uint256.Int).Set(selfBond),
	})
	power := new(uint256.Int).Div(selfBond, g.State.Staking.Params.PowerReduction)
	pk := ed25519.PubKey(append([]byte{}, consPub...))
	g.Doc.Validators = append(g.Doc.Validators, cmttypes.GenesisValidator{Address: pk.Address(), PubKey: pk, Power: int64(power.Uint64()), Name: moniker})
	return nil
}

// AddBridgeKey registers a genesis validator's bridge key (ed25519 public).
func (g *Genesis) AddBridgeKey(operator auth.Address, pub []byte) error {
	var k bridge.Hash32
	if len(pub) != len(k) {
		return fmt.Errorf("bridge key: want %d bytes of ed25519, got %d", len(k), len(pub))
	}
	copy(k[:], pub)
	g.State.Bridge.Keys = append(g.State.Bridge.Keys, bridge.GenesisKey{Operator: operator, PubKey: k})
	return nil
}
