package app

import (
	"crypto/sha256"
	"encoding/binary"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// blockInput is everything block execution may depend on besides the txs
// and the state: it feeds x/staking's hooks and the proposal cache key.
type blockInput struct {
	info     staking.BlockInfo
	proposer []byte
	// extVotes are the previous height's precommits with their vote
	// extensions (PrepareProposal only; they do not enter the cache key
	// because the vote-extension tx built from them is one of the txs).
	extVotes []bridgekeeper.Vote
}

func commitVotes(votes []abci.VoteInfo) []staking.Vote {
	out := make([]staking.Vote, len(votes))
	for i, v := range votes {
		out[i] = staking.Vote{ConsAddr: v.Validator.Address, Power: v.Validator.Power, Signed: v.BlockIdFlag == cmtproto.BlockIDFlagCommit}
	}
	return out
}

func extendedVotes(votes []abci.ExtendedVoteInfo) []staking.Vote {
	out := make([]staking.Vote, len(votes))
	for i, v := range votes {
		out[i] = staking.Vote{ConsAddr: v.Validator.Address, Power: v.Validator.Power, Signed: v.BlockIdFlag == cmtproto.BlockIDFlagCommit}
	}
	return out
}

func misbehavior(ms []abci.Misbehavior) []staking.Evidence {
	out := make([]staking.Evidence, len(ms))
	for i, m := range ms {
		out[i] = staking.Evidence{ConsAddr: m.Validator.Address, Height: m.Height, Power: m.Validator.Power,
			DoubleSign: m.Type == abci.MisbehaviorType_DUPLICATE_VOTE}
	}
	return out
}

// digest commits to the votes and evidence, for the proposal cache key.
func (b *blockInput) digest() [32]byte {
	h := sha256.New()
	var n [8]byte
	for _, v := range b.info.Votes {
		h.Write(v.ConsAddr)
		binary.BigEndian.PutUint64(n[:], uint64(v.Power))
		h.Write(n[:])
		if v.Signed {
			h.Write([]byte{1})
		} else {
			h.Write([]byte{0})
		}
	}
	h.Write([]byte{0xff})
	for _, e := range b.info.Evidence {
		h.Write(e.ConsAddr)
		binary.BigEndian.PutUint64(n[:], uint64(e.Height))
		h.Write(n[:])
		binary.BigEndian.PutUint64(n[:], uint64(e.Power))
		h.Write(n[:])
		if e.DoubleSign {
			h.Write([]byte{1})
		} else {
			h.Write([]byte{0})
		}
	}
	return [32]byte(h.Sum(nil))
}

func toABCIUpdates(us []stakingkeeper.ValidatorUpdate) []abci.ValidatorUpdate {
	out := make([]abci.ValidatorUpdate, len(us))
	for i, u := range us {
		out[i] = abci.ValidatorUpdate{PubKey: cmtcrypto.PublicKey{Sum: &cmtcrypto.PublicKey_Ed25519{Ed25519: append([]byte{}, u.PubKey[:]...)}}, Power: u.Power}
	}
	return out
}

// noIter is handed to hooks that, by x/staking's design, only do point reads.
type noIter struct{}

func (noIter) Iterate([]byte, []byte, func(k, v []byte) bool) error { return nil }
