package app

import (
	"context"
	"fmt"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/app/store"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// maxCachedProposals bounds how many executed proposals of one height are
// kept (several rounds may each propose a block).
const maxCachedProposals = 4

func (a *App) rememberProposal(key [32]byte, r *blockResult) {
	if len(a.proposals) >= maxCachedProposals {
		clear(a.proposals)
	}
	a.proposals[key] = r
}

// PrepareProposal is called on the consensus connection when this node is
// the proposer. It executes the mempool's txs in order over a scratch overlay
// and keeps only those that still apply (a nonce used by an earlier tx, a
// balance spent since CheckTx) and fit MaxTxBytes. The execution is kept for
// ProcessProposal/FinalizeBlock of the same block.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	p, err := loadParams(a.execBase())
	if err != nil {
		return nil, err
	}
	in := &blockInput{info: staking.BlockInfo{Height: req.Height, Time: req.Time,
		Votes: extendedVotes(req.LocalLastCommit.Votes), Evidence: misbehavior(req.Misbehavior)}, proposer: req.ProposerAddress,
		extVotes: bridgeVotes(req.LocalLastCommit.Votes)}
	res, err := a.executeBlock(req.Txs, p, in, true, req.MaxTxBytes)
	if err != nil {
		return nil, err
	}
	a.rememberProposal(blockKey(in, res.hashes), res)
	return &abci.ResponsePrepareProposal{Txs: res.txs}, nil
}

// ProcessProposal is called on the consensus connection on every validator
// (the proposer included) before it prevotes. A block holding any tx that
// fails — undecodable, badly signed, wrong nonce, unfunded — can only come
// from a faulty proposer, since PrepareProposal drops such txs, so it is
// rejected and the round moves on.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	in := &blockInput{info: staking.BlockInfo{Height: req.Height, Time: req.Time,
		Votes: commitVotes(req.ProposedLastCommit.Votes), Evidence: misbehavior(req.Misbehavior)}, proposer: req.ProposerAddress}
	key := blockKey(in, hashTxs(req.Txs))
	if _, ok := a.proposals[key]; ok {
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
	}
	p, err := loadParams(a.execBase())
	if err != nil {
		return nil, err
	}
	res, err := a.executeBlock(req.Txs, p, in, false, 0)
	if err != nil {
		return nil, err
	}
	if res.invalid > 0 {
		for i, r := range res.results {
			if r.Code != abci.CodeTypeOK {
				a.log.Info("rejecting proposal", "height", req.Height, "err", codes.Wrapf(auth.ErrTxInBlockInvalid, "tx %d: %s", i, r.Log))
				break
			}
		}
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
	}
	a.rememberProposal(key, res)
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// FinalizeBlock is called on the consensus connection once a block is
// decided (and during replay after a restart). It executes the block —
// or reuses the identical execution from ProcessProposal — writes the
// changes into the working tree in sorted key order, saves them as the next
// IAVL version (outside the mempool lock CometBFT holds during Commit) and
// returns the AppHash. The version counts as persisted only once Commit
// marks it: a node stopped before that reopens at the previous height.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	start := time.Now() // metrics only
	in := &blockInput{info: staking.BlockInfo{Height: req.Height, Time: req.Time,
		Votes: commitVotes(req.DecidedLastCommit.Votes), Evidence: misbehavior(req.Misbehavior)}, proposer: req.ProposerAddress}
	key := blockKey(in, hashTxs(req.Txs))
	res, ok := a.proposals[key]
	if !ok {
		p, err := loadParams(a.execBase())
		if err != nil {
			return nil, err
		}
		if res, err = a.executeBlock(req.Txs, p, in, false, 0); err != nil {
			return nil, err
		}
	}
	clear(a.proposals)
	a.bp.observeBlock(len(req.Txs))
	rec := &store.Recorder{W: a.tree, Writes: a.written}
	res.cache.WriteTo(rec)
	a.written = rec.Writes
	for _, h := range res.hashes {
		a.senders.drop(h)
	}
	a.pending = res
	// Saved here, committed (marked) in Commit: see store.Tree.Save.
	appHash, _, err := a.tree.Save()
	if err != nil {
		return nil, err
	}
	a.metrics.observeBlock(start, res)
	return &abci.ResponseFinalizeBlock{TxResults: res.results, AppHash: appHash,
		Events: res.events, ValidatorUpdates: res.valUpdates}, nil
}

// Commit is called on the consensus connection after FinalizeBlock's results
// are saved by CometBFT (the mempool is locked meanwhile). It marks the
// version FinalizeBlock saved as committed — from here on a restart keeps
// it — and prunes; it writes nothing else, so the mempool lock is short.
// CheckTx then starts over from the new state; CometBFT rechecks the mempool.
func (a *App) Commit(_ context.Context, _ *abci.RequestCommit) (*abci.ResponseCommit, error) {
	start := time.Now() // metrics only
	hash, version, err := a.tree.Commit()
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	a.pending = nil
	a.hot.Advance(version-1, a.written)
	a.written = nil
	a.mu.Lock()
	a.lastHeight, a.lastHash, a.genesis = version, hash, nil
	a.mu.Unlock()
	a.resetCheckState()
	a.maybeTakeSnapshot(version)
	a.metrics.commit.Observe(time.Since(start).Seconds())
	a.metrics.iavlVer.Set(float64(version))
	a.metrics.height.Set(float64(version))
	a.metrics.iavlLeaves.Set(float64(a.tree.Size()))
	a.metrics.observeValidators(kvReader{a.tree})
	return &abci.ResponseCommit{}, nil
}
