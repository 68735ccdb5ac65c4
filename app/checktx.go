package app

import (
	"context"
	"crypto/sha256"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/app/store"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// senderCache remembers transactions whose signature was already verified,
// by sha256 of their bytes (CometBFT's tx hash). CheckTx fills it; block
// execution on the same node then skips the ~40 µs ecrecover. A tx is
// immutable bytes, so a hit is exactly as good as re-verifying.
type senderCache struct {
	mu  sync.Mutex
	max int
	m   map[[32]byte]*auth.Tx
}

func newSenderCache(max int) *senderCache {
	return &senderCache{max: max, m: make(map[[32]byte]*auth.Tx)}
}

func (c *senderCache) get(h [32]byte) *auth.Tx {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[h]
}

func (c *senderCache) put(h [32]byte, tx *auth.Tx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		// Crude but bounded: a flood of never-included txs cannot grow
		// memory; honest txs just pay one more ecrecover.
		clear(c.m)
	}
	c.m[h] = tx
}

func (c *senderCache) drop(h [32]byte) {
	c.mu.Lock()
	delete(c.m, h)
	c.mu.Unlock()
}

// decodeVerified decodes raw and checks everything that needs no state:
// size, envelope, chain id, the action's own rules, and the signature.
func (a *App) decodeVerified(raw []byte, hash [32]byte, p *params) (*auth.Tx, error) {
	if uint64(len(raw)) > p.auth.MaxTxBytes {
		return nil, codes.Wrapf(auth.ErrTxTooLarge, "%d bytes > max_tx_bytes %d", len(raw), p.auth.MaxTxBytes)
	}
	if bridge.IsVoteTx(raw) {
		// Only a proposer may place one, first in its block, and it is
		// executed by executeBlock, never through here.
		return nil, codes.Wrap(bridge.ErrReservedTx, "vote-extension transactions cannot be submitted")
	}
	if tx := a.senders.get(hash); tx != nil {
		return tx, nil
	}
	tx, err := a.codec.Decode(raw)
	if err != nil {
		return nil, err
	}
	if tx.ChainID != p.auth.ChainID {
		return nil, codes.Wrapf(auth.ErrWrongChainID, "tx is for chain %d, this is chain %d", tx.ChainID, p.auth.ChainID)
	}
	if err := tx.Msg.ValidateBasic(&tx.Header); err != nil {
		return nil, err
	}
	if _, err := tx.RecoverSender(); err != nil {
		return nil, err
	}
	// Signatures of other accounts the action carries (Attest's contributor
	// shares) depend only on the bytes too, so they are cached alike.
	if cs, ok := tx.Msg.(auth.CoSigned); ok {
		if err := cs.VerifyCoSignatures(tx.ChainID, tx.From); err != nil {
			return nil, err
		}
	}
	a.senders.put(hash, tx)
	return tx, nil
}

// CheckTx is called by CometBFT on the mempool connection for every tx a
// client or peer submits (Type New) and, after each committed block, for
// every tx still in the mempool (Type Recheck). It runs beside block
// execution: it reads only the last committed version plus its own overlay
// of txs it already admitted, so an account can queue nonces n, n+1, ...
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	return a.checkTx(req), nil
}

func (a *App) checkTxInner(req *abci.RequestCheckTx) *abci.ResponseCheckTx {
	if req.Type == abci.CheckTxType_New && a.bp.busy() {
		return checkErr(codes.Wrap(ErrMempoolBusy, "the mempool holds more than this node commits in mempool-backpressure-blocks blocks"))
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	p := a.checkParams
	if p == nil {
		return checkErr(codes.Wrap(codes.Internal, "chain not initialised"))
	}
	hash := sha256.Sum256(req.Tx)
	tx, err := a.decodeVerified(req.Tx, hash, p)
	if err != nil {
		return checkErr(err)
	}
	minFee := p.bank.MinFee
	if a.cfg.MempoolMinFee.Gt(minFee) {
		minFee = a.cfg.MempoolMinFee
	}
	if _, err := execTx(a.checkState, tx, p, a.beacons, minFee, a.checkHeight, false); err != nil {
		if req.Type == abci.CheckTxType_Recheck {
			a.senders.drop(hash)
		}
		return checkErr(err)
	}
	return &abci.ResponseCheckTx{Code: abci.CodeTypeOK, GasWanted: 1}
}

func (a *App) checkTx(req *abci.RequestCheckTx) *abci.ResponseCheckTx {
	res := a.checkTxInner(req)
	a.metrics.observeCheck(req.Type == abci.CheckTxType_Recheck, res.Codespace, res.Code)
	return res
}

func checkErr(err error) *abci.ResponseCheckTx {
	space, code, log := codes.ABCIInfo(err)
	return &abci.ResponseCheckTx{Codespace: space, Code: code, Log: log}
}

// resetCheckState points CheckTx at the newest committed state (or the
// genesis state before the first commit) with an empty overlay.
func (a *App) resetCheckState() {
	var base store.Reader = emptyReader{}
	if v := a.tree.Version(); v > 0 {
		if snap, err := a.tree.At(v); err == nil {
			base = a.hot.Over(snap, v)
		}
	} else if a.genesis != nil {
		base = a.genesis
	}
	p, _ := loadParams(base) // nil before genesis: CheckTx then refuses
	a.checkMu.Lock()
	a.checkState = store.NewCache(base).Memoize()
	a.checkParams = p
	a.checkHeight = a.tree.Version() + 1
	a.checkMu.Unlock()
}

type emptyReader struct{}

func (emptyReader) Get([]byte) ([]byte, error) { return nil, nil }

// Precheck verifies tx's signature and caches the result, outside every
// ABCI lock. CometBFT serialises CheckTx on the mempool connection, so
// without this the ~50-100 µs ecrecover of every submitted tx runs on one
// core; the node calls Precheck from the RPC goroutines first (see
// chain.precheckClient), which spreads it over all cores, and CheckTx then
// finds the sender cached. Errors are ignored here: CheckTx reports them.
func (a *App) Precheck(tx []byte) {
	a.checkMu.Lock()
	p := a.checkParams
	a.checkMu.Unlock()
	if p == nil {
		return
	}
	_, _ = a.decodeVerified(tx, sha256.Sum256(tx), p)
}
