package testutil

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// ChainID is the numeric L2 chain id test genesis states use.
const ChainID uint64 = 7447

// Genesis funds the first n test keys with amount each and adds the test
// validator (AddValidator), whose bridge key produces the beacons.
func Genesis(n int, amount uint64) app.GenesisState {
	g := app.DefaultGenesis()
	g.Auth.Params.ChainID = ChainID
	g.Bank.Balances = make([]bank.Balance, n)
	for i := range g.Bank.Balances {
		g.Bank.Balances[i] = bank.Balance{Address: Addr(Key(uint64(i))), Amount: uint256.NewInt(amount)}
	}
	AddValidator(&g)
	return g
}

// App is an app on a temporary directory plus the height it is at. It
// plays the test validator (AddValidator): Block runs its vote-extension
// flow, so every block after the first carries the x/bridge beacon of the
// height before it, as on a real chain.
type App struct {
	*app.App
	Dir    string
	Height int64
	T      testing.TB
	// NoBeacons makes the validator's precommits carry no vote extension
	// (it still signs, so liveness is unaffected): no vote-extension tx is
	// injected and heights get no beacon — a chain whose extensions are
	// missing. Set it to test what compute does without beacons.
	NoBeacons bool
	// LastExt is the validator's vote extension of height LastExtHeight,
	// which the next block's proposer injects. Block keeps it (and a copy
	// under Dir, as CometBFT's block store keeps the extended commit, so a
	// reopened app continues the same chain); a test moving a chain to
	// another app (export/import) copies both fields.
	LastExt       []byte
	LastExtHeight int64
	// Injected is 1 when the last Block injected a vote-extension tx (its
	// result is TxResults[0], before the test's txs), else 0.
	Injected int
	// Exec is the wall time of the last Block's ProcessProposal,
	// ExtendVote, FinalizeBlock and Commit: what a validator spends on a
	// block it did not propose (ProcessProposal executes it, FinalizeBlock
	// reuses that execution). Benchmarks read it; the invariant check is
	// outside it.
	Exec time.Duration
}

// extFile holds the last vote extension: height (8, BE) ‖ extension.
const extFile = "testutil-vote-ext"

// NewApp opens an app under a temp dir and runs InitChain with g.
func NewApp(t testing.TB, g app.GenesisState) *App {
	t.Helper()
	return NewAppWith(t, g, nil)
}

// NewAppWith is NewApp with the node-local config changed by mod (nil: as
// NewApp), e.g. the latest-state index's size.
func NewAppWith(t testing.TB, g app.GenesisState, mod func(*app.Config)) *App {
	t.Helper()
	dir := t.TempDir()
	a := OpenAppWith(t, dir, mod)
	raw, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-test", AppStateBytes: raw, InitialHeight: 1}); err != nil {
		t.Fatal(err)
	}
	return a
}

// OpenApp opens (or reopens) the app state in dir.
func OpenApp(t testing.TB, dir string) *App {
	t.Helper()
	return OpenAppWith(t, dir, nil)
}

// OpenAppWith is OpenApp with the config changed by mod (nil: as OpenApp).
func OpenAppWith(t testing.TB, dir string, mod func(*app.Config)) *App {
	t.Helper()
	cfg := app.Config{Tree: store.Options{CacheNodes: 100_000}, BridgeKey: ValidatorBridgeKey()}
	if mod != nil {
		mod(&cfg)
	}
	a, err := app.New(dir, cfg, log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	info, _ := a.Info(context.Background(), &abci.RequestInfo{})
	out := &App{App: a, Dir: dir, Height: info.LastBlockHeight, T: t}
	if b, err := os.ReadFile(filepath.Join(dir, extFile)); err == nil && len(b) >= 8 {
		out.LastExtHeight, out.LastExt = int64(binary.BigEndian.Uint64(b)), b[8:]
	}
	return out
}

// lastCommit is the validator's precommit of the previous height, with
// its extension when it has one for that height and beacons are on.
func (a *App) lastCommit() abci.ExtendedCommitInfo {
	if a.Height < 1 {
		return abci.ExtendedCommitInfo{}
	}
	v := abci.ExtendedVoteInfo{
		Validator:   abci.Validator{Address: ValidatorConsAddr(ValidatorConsKey().Public().(ed25519.PublicKey)), Power: valPower()},
		BlockIdFlag: cmtproto.BlockIDFlagCommit,
	}
	if !a.NoBeacons && a.LastExtHeight == a.Height {
		v.VoteExtension = a.LastExt
	}
	return abci.ExtendedCommitInfo{Round: 0, Votes: []abci.ExtendedVoteInfo{v}}
}

func valPower() int64 {
	return int64(new(uint256.Int).Div(ValidatorSelfBond, staking.DefaultParams().PowerReduction).Uint64())
}

func plainCommit(ec abci.ExtendedCommitInfo) abci.CommitInfo {
	out := abci.CommitInfo{Round: ec.Round}
	for _, v := range ec.Votes {
		out.Votes = append(out.Votes, abci.VoteInfo{Validator: v.Validator, BlockIdFlag: v.BlockIdFlag})
	}
	return out
}

// Block runs one block of txs as the test validator would: PrepareProposal
// with the previous height's extended commit (only to obtain the injected
// vote-extension tx, which goes first; the test's txs are passed as given,
// failing ones included, so tests see their results), ProcessProposal,
// ExtendVote of this height, FinalizeBlock and Commit. It checks the
// invariants after the block and returns the FinalizeBlock response, whose
// TxResults[0] is the vote-extension tx's when one was injected (then
// Injected is 1).
func (a *App) Block(txs ...[]byte) *abci.ResponseFinalizeBlock {
	a.T.Helper()
	res, ext := a.Finalize(txs...)
	t0 := time.Now()
	if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		a.T.Fatal(err)
	}
	a.Exec += time.Since(t0)
	h := a.Height + 1
	a.Height = h
	a.LastExt, a.LastExtHeight = ext, h
	rec := binary.BigEndian.AppendUint64(nil, uint64(h))
	if err := os.WriteFile(filepath.Join(a.Dir, extFile), append(rec, ext...), 0o600); err != nil {
		a.T.Fatal(err)
	}
	if err := a.CheckInvariants(); err != nil {
		a.T.Fatalf("after block %d: %v", h, err)
	}
	return res
}

// Finalize is Block up to and including FinalizeBlock, without Commit: the
// node state when a process dies between the two. It returns the response
// and this height's vote extension; Height is unchanged.
func (a *App) Finalize(txs ...[]byte) (*abci.ResponseFinalizeBlock, []byte) {
	a.T.Helper()
	ctx := context.Background()
	h := a.Height + 1
	ts := time.Unix(1_700_000_000+h, 0)
	ec := a.lastCommit()
	proposer := ValidatorConsAddr(ValidatorConsKey().Public().(ed25519.PublicKey))
	prep, err := a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: h, Time: ts, MaxTxBytes: 1 << 22,
		LocalLastCommit: ec, ProposerAddress: proposer})
	if err != nil {
		a.T.Fatal(err)
	}
	all := make([][]byte, 0, len(txs)+1)
	a.Injected = 0
	if len(prep.Txs) > 0 && bridge.IsVoteTx(prep.Txs[0]) {
		all = append(all, prep.Txs[0])
		a.Injected = 1
	}
	all = append(all, txs...)
	lc := plainCommit(ec)
	t0 := time.Now() // Exec: as a non-proposing validator spends the block
	if _, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: all, Height: h, Time: ts,
		ProposedLastCommit: lc, ProposerAddress: proposer}); err != nil {
		a.T.Fatal(err)
	}
	// CometBFT asks for the extension after ProcessProposal and before
	// FinalizeBlock: it reads the state committed at h-1.
	ext, err := a.ExtendVote(ctx, &abci.RequestExtendVote{Height: h, Time: ts, Txs: all, ProposedLastCommit: lc})
	if err != nil {
		a.T.Fatal(err)
	}
	res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: all, Height: h, Time: ts,
		DecidedLastCommit: lc, ProposerAddress: proposer})
	if err != nil {
		a.T.Fatal(err)
	}
	a.Exec = time.Since(t0)
	return res, ext.VoteExtension
}

// Check runs CheckTx (type New).
func (a *App) Check(tx []byte) *abci.ResponseCheckTx {
	res, err := a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	if err != nil {
		a.T.Fatal(err)
	}
	return res
}
