package testutil

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	bank "github.com/pingo-chain/pingo/x/bank/types"
)

// ChainID is the numeric L2 chain id test genesis states use.
const ChainID uint64 = 7447

// Genesis funds the first n test keys with amount each.
func Genesis(n int, amount uint64) app.GenesisState {
	g := app.DefaultGenesis()
	g.Auth.Params.ChainID = ChainID
	g.Bank.Balances = make([]bank.Balance, n)
	for i := range g.Bank.Balances {
		g.Bank.Balances[i] = bank.Balance{Address: Addr(Key(uint64(i))), Amount: uint256.NewInt(amount)}
	}
	return g
}

// App is an app on a temporary directory plus the height it is at.
type App struct {
	*app.App
	Dir    string
	Height int64
	T      testing.TB
}

// NewApp opens an app under a temp dir and runs InitChain with g.
func NewApp(t testing.TB, g app.GenesisState) *App {
	t.Helper()
	dir := t.TempDir()
	a := OpenApp(t, dir)
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
	a, err := app.New(dir, app.Config{Tree: store.Options{CacheNodes: 100_000}}, log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	info, _ := a.Info(context.Background(), &abci.RequestInfo{})
	return &App{App: a, Dir: dir, Height: info.LastBlockHeight, T: t}
}

// Block runs one block of txs through ProcessProposal, FinalizeBlock and
// Commit, as a validator would, and returns the FinalizeBlock response.
func (a *App) Block(txs ...[]byte) *abci.ResponseFinalizeBlock {
	a.T.Helper()
	ctx := context.Background()
	h := a.Height + 1
	ts := time.Unix(1_700_000_000+h, 0)
	pp, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Txs: txs, Height: h, Time: ts})
	if err != nil {
		a.T.Fatal(err)
	}
	_ = pp
	res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: txs, Height: h, Time: ts})
	if err != nil {
		a.T.Fatal(err)
	}
	if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
		a.T.Fatal(err)
	}
	a.Height = h
	if err := a.CheckInvariants(); err != nil {
		a.T.Fatalf("after block %d: %v", h, err)
	}
	return res
}

// Check runs CheckTx (type New).
func (a *App) Check(tx []byte) *abci.ResponseCheckTx {
	res, err := a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	if err != nil {
		a.T.Fatal(err)
	}
	return res
}
