//go:build benchceiling

// This file is compiled only into `make bench-ceiling`'s binary
// (build/pingod-ceiling, `go build -tags benchceiling`): no release build,
// flag or config file can reach it.
//
// It answers "how many transfers per second can this machine commit if the
// app did (almost) nothing?" by serving CometBFT an app that, once height 2
// is committed (genesis persisted, so the load generator can read nonces),
// accepts every tx without executing it. With the same config, RPC server,
// mempool and load generator as scripts/bench-node.sh, the difference to
// the real app is what state execution costs; the ceiling bounds what any
// app could reach on the machine.
//
//	PINGO_CEILING=noop  nothing per tx: CometBFT + RPC + mempool + blocks
//	PINGO_CEILING=sig   plus decoding and ecrecover of each tx (Precheck)

package chain

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/app"
)

func init() {
	mode := os.Getenv("PINGO_CEILING")
	switch mode {
	case "noop", "sig":
	default:
		panic(fmt.Sprintf("pingod-ceiling: set PINGO_CEILING=noop or sig (got %q)", mode))
	}
	benchAppWrap = func(a *app.App) (abci.Application, bool) {
		return &ceilingApp{App: a}, mode == "sig"
	}
}

// realHeights are executed by the real app: genesis and one more block
// persist the funded accounts for the load generator's nonce queries.
const realHeights = 2

type ceilingApp struct {
	*app.App
	height  atomic.Int64 // last height finalized past realHeights
	appHash []byte       // the real app's hash at realHeights
}

func (c *ceilingApp) Info(ctx context.Context, req *abci.RequestInfo) (*abci.ResponseInfo, error) {
	res, err := c.App.Info(ctx, req)
	if h := c.height.Load(); err == nil && h > res.LastBlockHeight {
		res.LastBlockHeight, res.LastBlockAppHash = h, c.appHash
	}
	return res, err
}

func (c *ceilingApp) CheckTx(ctx context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	return &abci.ResponseCheckTx{Code: abci.CodeTypeOK}, nil
}

func (c *ceilingApp) PrepareProposal(ctx context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	if req.Height <= realHeights {
		return c.App.PrepareProposal(ctx, req)
	}
	return &abci.ResponsePrepareProposal{Txs: req.Txs}, nil
}

func (c *ceilingApp) ProcessProposal(ctx context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	if req.Height <= realHeights {
		return c.App.ProcessProposal(ctx, req)
	}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

func (c *ceilingApp) ExtendVote(ctx context.Context, req *abci.RequestExtendVote) (*abci.ResponseExtendVote, error) {
	if req.Height < realHeights {
		return c.App.ExtendVote(ctx, req)
	}
	return &abci.ResponseExtendVote{}, nil
}

func (c *ceilingApp) VerifyVoteExtension(ctx context.Context, req *abci.RequestVerifyVoteExtension) (*abci.ResponseVerifyVoteExtension, error) {
	return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_ACCEPT}, nil
}

func (c *ceilingApp) FinalizeBlock(ctx context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if req.Height <= realHeights {
		res, err := c.App.FinalizeBlock(ctx, req)
		if err == nil {
			c.appHash = res.AppHash
		}
		return res, err
	}
	results := make([]*abci.ExecTxResult, len(req.Txs))
	for i := range results {
		results[i] = &abci.ExecTxResult{Code: abci.CodeTypeOK}
	}
	c.height.Store(req.Height)
	return &abci.ResponseFinalizeBlock{TxResults: results, AppHash: c.appHash}, nil
}

func (c *ceilingApp) Commit(ctx context.Context, req *abci.RequestCommit) (*abci.ResponseCommit, error) {
	if c.height.Load() == 0 {
		return c.App.Commit(ctx, req)
	}
	return &abci.ResponseCommit{}, nil
}
