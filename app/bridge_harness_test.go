package app

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app/store"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// vnet drives one app through blocks as a network of n validators would:
// every validator's ExtendVote is computed (from the same committed state)
// with its own bridge key, and the proposer gets them as LocalLastCommit.
type vnet struct {
	t        testing.TB
	a        *App
	chainID  uint64
	bridge   []ed25519.PrivateKey
	ops      []auth.Address
	cons     [][]byte
	power    []int64
	h        int64
	lastExt  [][]byte // extensions of height h, by validator
	present  []bool   // whether validator i precommitted height h
	override func(i int, h int64, ext []byte) []byte
	// confirm, if set, is validator i's TON view of pending facts.
	confirm func(i int, id bridge.Hash32) bool
	absent  func(i int, h int64) bool
}

const testChainID = 7447

func testOperatorKey(i int) []byte {
	return crypto.Keccak256([]byte(fmt.Sprintf("pingo-bridge-test-op-%d", i)))
}

func testBridgeKey(i int) ed25519.PrivateKey {
	s := sha256.Sum256([]byte(fmt.Sprintf("pingo-bridge-test-bridge-%d", i)))
	return ed25519.NewKeyFromSeed(s[:])
}

func testConsKey(i int) staking.ConsPubKey {
	s := sha256.Sum256([]byte(fmt.Sprintf("pingo-bridge-test-cons-%d", i)))
	var k staking.ConsPubKey
	copy(k[:], ed25519.NewKeyFromSeed(s[:]).Public().(ed25519.PublicKey))
	return k
}

// newVNet starts a chain of n validators (powers 10, 20, ...: bonds of
// (i+1)×10 PINGO) whose bridge keys are registered in genesis.
func newVNet(t testing.TB, n int, epochBlocks uint64, keyOf ...func(i int) ed25519.PrivateKey) *vnet {
	return newVNetWith(t, n, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = epochBlocks }, keyOf...)
}

// newVNetWith is newVNet with any genesis edit.
func newVNetWith(t testing.TB, n int, edit func(*GenesisState), keyOf ...func(i int) ed25519.PrivateKey) *vnet {
	t.Helper()
	g := DefaultGenesis()
	g.Auth.Params.ChainID = testChainID
	edit(&g)
	v := &vnet{t: t, chainID: testChainID}
	for i := 0; i < n; i++ {
		pk, err := crypto.ToECDSA(testOperatorKey(i))
		if err != nil {
			t.Fatal(err)
		}
		op := auth.PubkeyToAddress(&pk.PublicKey)
		bond := new(uint256.Int).Mul(uint256.NewInt(10*uint64(i+1)), uint256.NewInt(1_000_000_000))
		g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: op, Amount: new(uint256.Int).Mul(bond, uint256.NewInt(2))})
		g.Staking.GenesisValidators = append(g.Staking.GenesisValidators, staking.GenesisValidator{
			Operator: op, ConsPubKey: testConsKey(i), Moniker: fmt.Sprintf("v%d", i), SelfBond: bond})
		bk := testBridgeKey(i)
		if len(keyOf) > 0 {
			bk = keyOf[0](i)
		}
		if bk != nil {
			var pub bridge.Hash32
			copy(pub[:], bk.Public().(ed25519.PublicKey))
			g.Bridge.Keys = append(g.Bridge.Keys, bridge.GenesisKey{Operator: op, PubKey: pub})
		}
		v.bridge = append(v.bridge, bk)
		v.ops = append(v.ops, op)
	}
	// A funded account that operates no validator.
	if sk, err := crypto.ToECDSA(testOperatorKey(1000)); err == nil {
		g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: auth.PubkeyToAddress(&sk.PublicKey), Amount: uint256.NewInt(1_000_000_000)})
	}
	a, err := New(t.TempDir(), Config{Tree: store.Options{CacheNodes: 10_000}}, log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	raw, _ := json.Marshal(g)
	if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-test", AppStateBytes: raw, InitialHeight: 1}); err != nil {
		t.Fatal(err)
	}
	v.a = a
	set, err := stakingkeeper.LastValidatorSet(kvReader{c(a)})
	if err != nil || len(set) != n {
		t.Fatalf("genesis set: %v (%d)", err, len(set))
	}
	for i := 0; i < n; i++ {
		for _, lv := range set {
			if lv.Operator == v.ops[i] {
				v.cons = append(v.cons, lv.PubKey.ConsAddress())
				v.power = append(v.power, lv.Power)
			}
		}
	}
	return v
}

// c is the app's state for reads in tests: the genesis overlay before the
// first commit, the tree after.
func c(a *App) store.Reader {
	if a.tree.Version() == 0 && a.genesis != nil {
		return a.genesis
	}
	return a.tree
}

func (v *vnet) votes(withExt bool) []abci.ExtendedVoteInfo {
	var out []abci.ExtendedVoteInfo
	if v.h < 1 {
		return nil
	}
	for i := range v.cons {
		vi := abci.ExtendedVoteInfo{Validator: abci.Validator{Address: v.cons[i], Power: v.power[i]}, BlockIdFlag: cmtproto.BlockIDFlagAbsent}
		if v.present == nil || v.present[i] {
			vi.BlockIdFlag = cmtproto.BlockIDFlagCommit
			if withExt {
				vi.VoteExtension = v.lastExt[i]
			}
		}
		out = append(out, vi)
	}
	return out
}

func commitInfo(ev []abci.ExtendedVoteInfo) abci.CommitInfo {
	out := abci.CommitInfo{}
	for _, e := range ev {
		out.Votes = append(out.Votes, abci.VoteInfo{Validator: e.Validator, BlockIdFlag: e.BlockIdFlag})
	}
	return out
}

// prepare runs PrepareProposal for the next height and returns its txs.
func (v *vnet) prepare(txs ...[]byte) [][]byte {
	v.t.Helper()
	res, err := v.a.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Height: v.h + 1, Time: v.time(),
		MaxTxBytes: 1 << 20, Txs: txs, LocalLastCommit: abci.ExtendedCommitInfo{Votes: v.votes(true)}, ProposerAddress: v.cons[0]})
	if err != nil {
		v.t.Fatal(err)
	}
	return res.Txs
}

func (v *vnet) time() time.Time { return time.Unix(1_700_000_000+v.h+1, 0) }

// process runs ProcessProposal of txs at the next height.
func (v *vnet) process(txs [][]byte) abci.ResponseProcessProposal_ProposalStatus {
	v.t.Helper()
	res, err := v.a.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: v.h + 1, Time: v.time(),
		Txs: txs, ProposedLastCommit: commitInfo(v.votes(false)), ProposerAddress: v.cons[0]})
	if err != nil {
		v.t.Fatal(err)
	}
	return res.Status
}

// extendAll computes every validator's extension for height h on the
// current committed state, as each node's ExtendVote would; txs is block
// h (its vote tx decides which facts the votes skip; nil: none).
func (v *vnet) extendAll(h int64, txs [][]byte) [][]byte {
	applied := bridgekeeper.AppliedFacts(txs, bridgeCommitVotes(commitInfo(v.votes(false)).Votes))
	out := make([][]byte, len(v.bridge))
	for i, k := range v.bridge {
		if k == nil {
			continue
		}
		var confirm func(bridge.Hash32) bool
		if v.confirm != nil {
			confirm = func(id bridge.Hash32) bool { return v.confirm(i, id) }
		}
		ext, err := bridgekeeper.ExtendSkipping(kvReader{c(v.a)}, v.chainID, h, v.a.tree.Hash(), k, confirm, applied)
		if err != nil {
			v.t.Fatal(err)
		}
		if v.override != nil {
			ext = v.override(i, h, ext)
		}
		out[i] = ext
	}
	return out
}

// finalize decides txs at the next height and commits.
func (v *vnet) finalize(txs [][]byte) *abci.ResponseFinalizeBlock {
	v.t.Helper()
	ctx := context.Background()
	exts := v.extendAll(v.h+1, txs)
	res, err := v.a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: v.h + 1, Time: v.time(), Txs: txs,
		DecidedLastCommit: commitInfo(v.votes(false)), ProposerAddress: v.cons[0]})
	if err != nil {
		v.t.Fatal(err)
	}
	if _, err := v.a.Commit(ctx, &abci.RequestCommit{}); err != nil {
		v.t.Fatal(err)
	}
	v.h++
	v.lastExt = exts
	v.present = make([]bool, len(v.cons))
	for i := range v.present {
		v.present[i] = v.absent == nil || !v.absent(i, v.h)
	}
	return res
}

// block runs one honest block (plus user txs) and checks every tx passed.
func (v *vnet) block(txs ...[]byte) *abci.ResponseFinalizeBlock {
	v.t.Helper()
	p := v.prepare(txs...)
	if st := v.process(p); st != abci.ResponseProcessProposal_ACCEPT {
		v.t.Fatalf("height %d: own proposal rejected", v.h+1)
	}
	res := v.finalize(p)
	for i, r := range res.TxResults {
		if r.Code != 0 {
			v.t.Fatalf("height %d tx %d: %s", v.h, i, r.Log)
		}
	}
	return res
}

func (v *vnet) beacon(h int64) (bridge.Beacon, bool) {
	v.t.Helper()
	b, ok, err := bridgekeeper.GetBeacon(kvReader{v.a.tree}, uint64(h))
	if err != nil {
		v.t.Fatal(err)
	}
	return b, ok
}

func (v *vnet) checkpoint(e uint64) bridge.CheckpointRecord {
	v.t.Helper()
	r, ok, err := bridgekeeper.GetCheckpoint(kvReader{v.a.tree}, e)
	if err != nil || !ok {
		v.t.Fatalf("checkpoint %d: found=%v err=%v", e, ok, err)
	}
	return r
}

func u64be(x uint64) []byte { return binary.BigEndian.AppendUint64(nil, x) }

func mustJSON(x any) []byte {
	b, err := json.Marshal(x)
	if err != nil {
		panic(err)
	}
	return b
}
