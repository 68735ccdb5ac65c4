package app

import (
	"context"
	"crypto/ed25519"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// ExtendVote is called on the consensus connection when this validator
// precommits block req.Height. It returns the bridge key's beacon signature
// for the height and its signatures over open checkpoints (x/bridge
// README). It only reads the last committed state and signs locally — no
// network I/O, nothing that can wait — and on any problem it returns an
// empty extension rather than an error, because an error here would stop
// this validator from precommitting.
//
// Fact votes skip the facts block req.Height itself applies (read from its
// injected vote-extension tx, req.Txs[0], tallied against
// req.ProposedLastCommit as execution does), so they go to the next
// pending facts instead of repeating a batch about to be applied.
func (a *App) ExtendVote(_ context.Context, req *abci.RequestExtendVote) (*abci.ResponseExtendVote, error) {
	applied := bridgekeeper.AppliedFacts(req.Txs, bridgeCommitVotes(req.ProposedLastCommit.Votes))
	ext := a.extend(req.Height, applied)
	if f := a.extOverride.Load(); f != nil {
		ext = (*f)(req.Height, ext)
	}
	return &abci.ResponseExtendVote{VoteExtension: ext}, nil
}

func (a *App) extend(h int64, applied []bridge.Hash32) []byte {
	if len(a.cfg.BridgeKey) != ed25519.PrivateKeySize {
		return nil
	}
	p, err := loadParams(a.tree)
	if err != nil {
		return nil
	}
	// a.tree holds no staged writes here (FinalizeBlock of h has not run),
	// so it reads as the committed state h-1 and Hash() is AppHash(h-1).
	var confirm func(bridge.Hash32) bool
	if f := a.factVerdicts.Load(); f != nil {
		confirm = *f
	}
	ext, err := bridgekeeper.ExtendSkipping(kvReader{a.tree}, p.auth.ChainID, h, a.tree.Hash(), a.cfg.BridgeKey, confirm, applied)
	if err != nil {
		a.log.Error("vote extension", "height", h, "err", err)
		return nil
	}
	return ext
}

// VerifyVoteExtension is called on the consensus connection for every
// other validator's precommit of req.Height. It accepts every extension up
// to bridge.MaxVoteExtBytes and rejects only larger ones (which no honest
// node produces and which would cost every peer bandwidth and memory).
//
// Contents are deliberately not checked here. A rejected extension makes
// CometBFT drop the whole precommit, so any disagreement about contents —
// a bug, a key rotation racing the height, a validator whose ExtendVote
// misbehaves — would cost liveness, and with enough validators halt the
// chain (Babylon's outage). Instead the next proposer verifies each
// signature against state and includes only what verifies, and every
// validator re-verifies what the proposer injected in ProcessProposal.
func (a *App) VerifyVoteExtension(_ context.Context, req *abci.RequestVerifyVoteExtension) (*abci.ResponseVerifyVoteExtension, error) {
	if len(req.VoteExtension) > bridge.MaxVoteExtBytes {
		return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_REJECT}, nil
	}
	return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_ACCEPT}, nil
}

// SetExtendVoteOverride makes f rewrite every extension this node produces
// (f receives the honest one). For tests of misbehaving validators only;
// nil restores honest behaviour. Safe to call while the node runs.
func (a *App) SetExtendVoteOverride(f func(h int64, ext []byte) []byte) {
	if f == nil {
		a.extOverride.Store(nil)
		return
	}
	a.extOverride.Store(&f)
}

type extOverride = atomic.Pointer[func(int64, []byte) []byte]

// SetFactVerdicts installs the TON watcher's verdicts: f(id) reports
// whether this node's own TON view confirms pending fact id. ExtendVote
// calls it for each pending fact, so it must answer from memory and never
// block. nil removes it (this node then votes for no fact). Safe to call
// while the node runs.
func (a *App) SetFactVerdicts(f func(bridge.Hash32) bool) {
	if f == nil {
		a.factVerdicts.Store(nil)
		return
	}
	a.factVerdicts.Store(&f)
}

// bridgeCommitVotes converts a block's last commit (no extensions) as
// execution sees it.
func bridgeCommitVotes(votes []abci.VoteInfo) []bridgekeeper.Vote {
	out := make([]bridgekeeper.Vote, len(votes))
	for i, v := range votes {
		out[i] = bridgekeeper.Vote{ConsAddr: v.Validator.Address, Power: v.Validator.Power,
			Committed: v.BlockIdFlag == cmtproto.BlockIDFlagCommit}
	}
	return out
}

// bridgeVotes converts the precommits of the previous height; ext carries
// extensions (PrepareProposal only).
func bridgeVotes(votes []abci.ExtendedVoteInfo) []bridgekeeper.Vote {
	out := make([]bridgekeeper.Vote, len(votes))
	for i, v := range votes {
		out[i] = bridgekeeper.Vote{ConsAddr: v.Validator.Address, Power: v.Validator.Power,
			Committed: v.BlockIdFlag == cmtproto.BlockIDFlagCommit, Ext: v.VoteExtension}
	}
	return out
}
