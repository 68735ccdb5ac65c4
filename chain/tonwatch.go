package chain

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/xssnick/tonutils-go/address"

	"github.com/pingo-chain/pingo/app"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/watcher"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// tonWatch is a running TON watcher (bridge/watcher) of a validator node:
// started with the node when app.toml names a TON global config, stopped
// before the app closes.
type tonWatch struct {
	w      *watcher.Watcher
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// newTONWatch builds the watcher of c (nil when ton-config is unset) and
// installs its verdicts as the app's fact votes.
func newTONWatch(c AppConfig, a *app.App, logger log.Logger) (*tonWatch, error) {
	if c.TONConfig == "" {
		return nil, nil
	}
	anchor, err := parseTONAddr(c.TONAnchor)
	if err != nil {
		return nil, fmt.Errorf("app.toml ton-anchor: %w", err)
	}
	dial := func(ctx context.Context) (watcher.TON, error) {
		return bton.DialReader(ctx, c.TONConfig, anchor, c.TONUnsafe)
	}
	slogger := slog.New(cmtSlogHandler{logger.With("module", "ton-watcher")})
	w := watcher.New(watcher.Config{}, appChain{a}, dial, slogger)
	a.SetFactVerdicts(w.Confirmed)
	return &tonWatch{w: w}, nil
}

func parseTONAddr(s string) (*address.Address, error) {
	if s == "" {
		return nil, fmt.Errorf("required with ton-config")
	}
	if a, err := address.ParseAddr(s); err == nil {
		return a, nil
	}
	return address.ParseRawAddr(s)
}

func (t *tonWatch) start() {
	if t == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.done.Add(1)
	go func() {
		defer t.done.Done()
		_ = t.w.Run(ctx)
	}()
}

func (t *tonWatch) stop() {
	if t == nil || t.cancel == nil {
		return
	}
	t.cancel()
	t.done.Wait()
	t.cancel = nil
}

// appChain reads the app's committed state through its query path (safe
// beside block execution, as RPC queries are).
type appChain struct{ a *app.App }

func (c appChain) get(ctx context.Context, path string) ([]byte, error) {
	res, err := c.a.Query(ctx, &abci.RequestQuery{Path: path})
	if err != nil {
		return nil, err
	}
	if res.Code != abci.CodeTypeOK {
		return nil, fmt.Errorf("query %s: %s", path, res.Log)
	}
	return res.Value, nil
}

func (c appChain) PendingFacts(ctx context.Context) ([]bridge.PendingFact, error) {
	b, err := c.get(ctx, "/bridge/facts/pending")
	if err != nil {
		return nil, err
	}
	return bridge.UnmarshalPending(b)
}

func (c appChain) Fact(ctx context.Context, id bridge.Hash32) (bridge.Fact, bool, error) {
	t, _ := id.MarshalText()
	b, err := c.get(ctx, "/bridge/fact/"+string(t))
	if err != nil || b == nil {
		return bridge.Fact{}, false, err
	}
	f, err := bridge.UnmarshalFact(b)
	return f, err == nil, err
}

func (c appChain) Checkpoint(ctx context.Context, epoch uint64) (bridge.CheckpointRecord, bool, error) {
	b, err := c.get(ctx, fmt.Sprintf("/bridge/checkpoint/%d", epoch))
	if err != nil || b == nil {
		return bridge.CheckpointRecord{}, false, err
	}
	r, err := bridge.UnmarshalCheckpoint(b)
	return r, err == nil, err
}

// cmtSlogHandler sends the watcher's slog records to the node's CometBFT
// logger.
type cmtSlogHandler struct{ l log.Logger }

func (h cmtSlogHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h cmtSlogHandler) Handle(_ context.Context, r slog.Record) error {
	kv := make([]any, 0, 2*r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		kv = append(kv, a.Key, a.Value.String())
		return true
	})
	switch {
	case r.Level >= slog.LevelError:
		h.l.Error(r.Message, kv...)
	case r.Level >= slog.LevelWarn, r.Level >= slog.LevelInfo:
		h.l.Info(r.Message, kv...)
	default:
		h.l.Debug(r.Message, kv...)
	}
	return nil
}
func (h cmtSlogHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cmtSlogHandler) WithGroup(string) slog.Handler      { return h }
