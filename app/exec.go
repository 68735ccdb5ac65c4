package app

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app/store"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
)

// execTx runs one verified tx against kv atomically: on error nothing it
// staged reaches kv. It returns the tx's events when events is set; CheckTx
// (new and recheck) discards them, and building them (EIP-55 hex addresses,
// a Keccak-256 each; decimal amounts) was a few percent of a node's CPU at
// transfer saturation.
func execTx(kv store.KV, tx *auth.Tx, p *params, b computekeeper.Beacons, minFee *uint256.Int, height int64, events bool) ([]abci.Event, error) {
	txc := store.AcquireCache(kv)
	defer txc.Release()
	if err := authkeeper.Ante(txc, tx, minFee); err != nil {
		return nil, err
	}
	var evs []bankkeeper.Event
	var err error
	// Action number ranges (docs/protocol.md §Actions): 1–9 bank, 10–19
	// staking, 20–29 nft, 30–49 compute, 60–79 bridge.
	switch a := tx.Msg.Action(); {
	case a < 10:
		evs, err = bankkeeper.Execute(txc, &p.bank, &tx.Header, tx.Msg)
	case a < 20:
		evs, err = stakingkeeper.Execute(txc, &p.staking, &tx.Header, tx.Msg, height)
	case a < 30:
		evs, err = nftkeeper.Execute(txc, &p.nft, &tx.Header, tx.Msg)
	case a < 50:
		evs, err = computekeeper.Execute(txc, &p.compute, &p.nft, b, &tx.Header, tx.Msg, height)
	case a == bridge.ActionWithdraw: // needs the height (its epoch)
		evs, err = bridgekeeper.ExecuteWithdraw(txc, &tx.Header, tx.Msg, height)
	case a >= 60 && a < 80:
		evs, err = bridgekeeper.Execute(txc, p.auth.ChainID, &tx.Header, tx.Msg, height)
	default:
		err = codes.Wrapf(auth.ErrUnknownAction, "action %d has no module", a)
	}
	if err != nil {
		return nil, err
	}
	txc.Write()
	if !events {
		return nil, nil
	}
	out := make([]abci.Event, 0, 1+len(evs))
	out = append(out, abci.Event{Type: "auth", Attributes: []abci.EventAttribute{
		{Key: "sender", Value: tx.From.Hex(), Index: true},
		{Key: "nonce", Value: strconv.FormatUint(tx.Nonce, 10), Index: true},
		{Key: "fee", Value: tx.Fee.Dec(), Index: false},
		{Key: "action", Value: strconv.FormatUint(tx.Msg.Action(), 10), Index: true},
	}})
	return append(out, toABCIEvents(evs)...), nil
}

// toABCIEvents converts module events; every attribute is indexed. The
// attributes of all events share one backing array (a settlement's 17
// events were 17 allocations).
func toABCIEvents(evs []bankkeeper.Event) []abci.Event {
	n := 0
	for i := range evs {
		n += len(evs[i].Attrs)
	}
	attrs := make([]abci.EventAttribute, n)
	out := make([]abci.Event, 0, len(evs))
	for _, e := range evs {
		a := attrs[:len(e.Attrs):len(e.Attrs)]
		attrs = attrs[len(e.Attrs):]
		for i, kv := range e.Attrs {
			a[i] = abci.EventAttribute{Key: kv[0], Value: kv[1], Index: true}
		}
		out = append(out, abci.Event{Type: e.Type, Attributes: a})
	}
	return out
}

// blockResult is one executed block, not yet written to the tree.
type blockResult struct {
	cache   *store.Cache
	results []*abci.ExecTxResult
	hashes  [][32]byte
	txs     [][]byte
	invalid int // txs that failed
	fees    uint256.Int
	// events of the block hooks (rewards, slashing, set changes)
	events     []abci.Event
	valUpdates []abci.ValidatorUpdate
}

// executeBlock runs txs in order over the working tree. With prepare set it
// is PrepareProposal's filter: failing txs are dropped and the byte budget
// maxBytes is respected; otherwise every tx gets a result and failures are
// counted (ProcessProposal rejects on any).
func (a *App) executeBlock(txs [][]byte, p *params, in *blockInput, prepare bool, maxBytes int64) (*blockResult, error) {
	res := &blockResult{cache: store.NewCache(a.execBase()).Memoize()}
	// Begin: distribute the fees and block reward earned by the previous
	// block's signers, punish evidence and downtime.
	evs, err := stakingkeeper.BeginBlock(res.cache, noIter{}, in.info)
	if err != nil {
		return nil, err
	}
	res.events = toABCIEvents(evs)
	// Bridge: take the checkpoint of an epoch that ended at height-1
	// (its AppHash is the last committed one).
	evs, err = bridgekeeper.BeginBlock(res.cache, p.auth.ChainID, in.info.Height, a.tree.Hash())
	if err != nil {
		return nil, err
	}
	res.events = append(res.events, toABCIEvents(evs)...)
	// Then the epoch's network contribution jobs open (first block of an
	// epoch), so nodes can accept them in this block's txs.
	evs, err = computekeeper.BeginBlock(res.cache, in.info.Height)
	if err != nil {
		return nil, err
	}
	res.events = append(res.events, toABCIEvents(evs)...)
	var used int64
	if prepare {
		// The proposer injects the previous height's verified vote
		// extensions as the first tx, built on the state after the bridge's
		// BeginBlock so it is exactly what execution will accept.
		vtx, err := bridgekeeper.BuildVoteTx(res.cache, p.auth.ChainID, in.info.Height-1, in.extVotes)
		if err != nil {
			return nil, err
		}
		kept := make([][]byte, 0, len(txs)+1)
		if vtx != nil && protoTxSize(len(vtx)) <= maxBytes {
			kept = append(kept, vtx)
		}
		for _, raw := range txs {
			if !bridge.IsVoteTx(raw) {
				kept = append(kept, raw)
			}
		}
		txs = kept
	}
	for i, raw := range txs {
		if i == 0 && bridge.IsVoteTx(raw) {
			if err := res.applyVoteTx(raw, p.auth.ChainID, in, prepare); err != nil && prepare {
				// Cannot happen (it was built on this very state); if it
				// does, the block goes without it rather than be invalid.
				a.log.Error("dropping own vote-extension tx", "height", in.info.Height, "err", err)
			} else if prepare {
				used += protoTxSize(len(raw))
			}
			continue
		}
		if prepare {
			sz := protoTxSize(len(raw))
			if used+sz > maxBytes {
				continue
			}
			used += sz
		}
		hash := sha256.Sum256(raw)
		var evs []abci.Event
		tx, err := a.decodeVerified(raw, hash, p)
		if err == nil {
			evs, err = execTx(res.cache, tx, p, a.beacons, p.bank.MinFee, in.info.Height, true)
		}
		if err != nil {
			if prepare {
				used -= protoTxSize(len(raw))
				a.senders.drop(hash)
				continue
			}
			space, code, log := codes.ABCIInfo(err)
			res.results = append(res.results, &abci.ExecTxResult{Codespace: space, Code: code, Log: log})
			res.invalid++
		} else {
			res.fees.Add(&res.fees, &tx.Fee)
			res.results = append(res.results, &abci.ExecTxResult{Code: abci.CodeTypeOK, GasWanted: 1, GasUsed: 1, Events: evs})
		}
		res.txs = append(res.txs, raw)
		res.hashes = append(res.hashes, hash)
	}
	// Fees are summed per block and land in the pool in one write.
	if err := bankkeeper.AddToFeePool(res.cache, &res.fees); err != nil {
		return nil, err
	}
	// End: expire compute jobs, pay out node unbondings; then staking:
	// mature unbondings, recompute the active set; changes leave through
	// FinalizeBlock's validator updates.
	evs, err = computekeeper.EndBlock(res.cache, a.beacons, in.info.Height)
	if err != nil {
		return nil, err
	}
	res.events = append(res.events, toABCIEvents(evs)...)
	ups, evs, err := stakingkeeper.EndBlock(res.cache, noIter{}, in.info.Height)
	if err != nil {
		return nil, err
	}
	res.events = append(res.events, toABCIEvents(evs)...)
	res.valUpdates = toABCIUpdates(ups)
	return res, nil
}

// applyVoteTx executes the proposer's vote-extension tx atomically. A
// failure is an invalid tx like any other: ProcessProposal rejects the
// block. With prepare set a failing tx is left out of the block instead.
func (res *blockResult) applyVoteTx(raw []byte, chainID uint64, in *blockInput, prepare bool) error {
	votes := make([]bridgekeeper.Vote, len(in.info.Votes))
	for i, v := range in.info.Votes {
		votes[i] = bridgekeeper.Vote{ConsAddr: v.ConsAddr, Power: v.Power, Committed: v.Signed}
	}
	txc := store.NewCache(res.cache)
	evs, err := bridgekeeper.ApplyVoteTx(txc, chainID, in.info.Height, raw, votes)
	if err != nil && prepare {
		return err
	}
	if err != nil {
		space, code, log := codes.ABCIInfo(err)
		res.results = append(res.results, &abci.ExecTxResult{Codespace: space, Code: code, Log: log})
		res.invalid++
	} else {
		txc.Write()
		res.results = append(res.results, &abci.ExecTxResult{Code: abci.CodeTypeOK, Events: toABCIEvents(evs)})
	}
	res.txs = append(res.txs, raw)
	res.hashes = append(res.hashes, sha256.Sum256(raw))
	return err
}

// protoTxSize is the bytes a tx of n bytes takes in the block's protobuf
// encoding (field tag + length varint + payload), which is what
// PrepareProposal's MaxTxBytes counts.
func protoTxSize(n int) int64 {
	var buf [binary.MaxVarintLen64]byte
	return int64(1 + binary.PutUvarint(buf[:], uint64(n)) + n)
}

// blockKey identifies an execution by everything execution may depend on, so
// a proposal executed in PrepareProposal or ProcessProposal is reused by
// FinalizeBlock only for exactly that block content.
func blockKey(in *blockInput, hashes [][32]byte) [32]byte {
	h := sha256.New()
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(in.info.Height))
	binary.BigEndian.PutUint64(b[8:], uint64(in.info.Time.UnixNano()))
	h.Write(b[:])
	h.Write(in.proposer)
	d := in.digest()
	h.Write(d[:])
	for _, x := range hashes {
		h.Write(x[:])
	}
	return [32]byte(h.Sum(nil))
}

func hashTxs(txs [][]byte) [][32]byte {
	out := make([][32]byte, len(txs))
	for i, t := range txs {
		out[i] = sha256.Sum256(t)
	}
	return out
}
