package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/app/store"
)

// SnapshotFormat 1 is the IAVL export stream of app/store/export.go cut
// into chunks; Metadata is JSON {"chunks": ["<sha256 hex>", ...]}.
const SnapshotFormat uint32 = 1

// SnapshotOptions control state-sync snapshots (app.toml).
type SnapshotOptions struct {
	Interval   int64 // take one every Interval heights; 0 disables
	KeepRecent int   // snapshots kept on disk
	ChunkBytes int   // chunk size
}

type snapshotMeta struct {
	Chunks []string `json:"chunks"`
}

// snapshots writes and serves snapshots under dir/<height>/.
type snapshots struct {
	dir  string
	opts SnapshotOptions
	mu   sync.Mutex // one snapshot at a time; guards the directory
	busy bool
	wg   sync.WaitGroup

	// restore in progress (snapshot connection only)
	restore *restoreState
}

type restoreState struct {
	snap    *abci.Snapshot
	meta    snapshotMeta
	appHash []byte
	imp     *store.Importer
	next    uint32
	// For the operator's log only (never state): when the offer was
	// accepted, and time spent importing chunks versus waiting for them.
	offered  time.Time
	applying time.Duration
}

func newSnapshots(dir string, o SnapshotOptions) *snapshots {
	if o.ChunkBytes <= 0 {
		o.ChunkBytes = 4 << 20
	}
	if o.KeepRecent <= 0 {
		o.KeepRecent = 2
	}
	return &snapshots{dir: dir, opts: o}
}

// maybeTake starts a snapshot of height h in the background if one is due.
// It runs outside block execution, on an immutable IAVL version, so it
// neither blocks nor influences consensus.
func (a *App) maybeTakeSnapshot(h int64) {
	s := a.snaps
	if s == nil || s.opts.Interval <= 0 || h%s.opts.Interval != 0 {
		return
	}
	s.mu.Lock()
	if s.busy {
		s.mu.Unlock()
		a.log.Info("skipping snapshot: previous one still running", "height", h)
		return
	}
	s.busy = true
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer func() { s.mu.Lock(); s.busy = false; s.mu.Unlock() }()
		if err := a.TakeSnapshot(h); err != nil {
			a.log.Error("snapshot failed", "height", h, "err", err)
		}
	}()
}

// TakeSnapshot exports committed height h to disk and prunes old snapshots.
func (a *App) TakeSnapshot(h int64) error {
	s := a.snaps
	tmp := filepath.Join(s.dir, fmt.Sprintf(".tmp-%d", h))
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	cw := &chunkWriter{dir: tmp, size: s.opts.ChunkBytes}
	if _, err := a.tree.ExportTo(h, cw); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := cw.flush(); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	meta, _ := json.Marshal(snapshotMeta{Chunks: cw.hashes})
	if err := os.WriteFile(filepath.Join(tmp, "meta.json"), meta, 0o600); err != nil {
		return err
	}
	final := filepath.Join(s.dir, strconv.FormatInt(h, 10))
	_ = os.RemoveAll(final)
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	a.log.Info("snapshot taken", "height", h, "chunks", len(cw.hashes))
	hs, _ := s.heights()
	for len(hs) > s.opts.KeepRecent {
		_ = os.RemoveAll(filepath.Join(s.dir, strconv.FormatInt(hs[0], 10)))
		hs = hs[1:]
	}
	return nil
}

type chunkWriter struct {
	dir    string
	size   int
	buf    bytes.Buffer
	hashes []string
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	for w.buf.Len() >= w.size {
		if err := w.emit(w.buf.Next(w.size)); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (w *chunkWriter) flush() error {
	if w.buf.Len() > 0 || len(w.hashes) == 0 {
		return w.emit(w.buf.Next(w.buf.Len()))
	}
	return nil
}

func (w *chunkWriter) emit(b []byte) error {
	sum := sha256.Sum256(b)
	w.hashes = append(w.hashes, fmt.Sprintf("%x", sum))
	return os.WriteFile(filepath.Join(w.dir, strconv.Itoa(len(w.hashes)-1)), b, 0o600)
}

func (s *snapshots) heights() ([]int64, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var hs []int64
	for _, e := range ents {
		if h, err := strconv.ParseInt(e.Name(), 10, 64); err == nil && e.IsDir() {
			hs = append(hs, h)
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i] < hs[j] })
	return hs, nil
}

func (s *snapshots) load(h int64) (*abci.Snapshot, error) {
	raw, err := os.ReadFile(filepath.Join(s.dir, strconv.FormatInt(h, 10), "meta.json"))
	if err != nil {
		return nil, err
	}
	var m snapshotMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return &abci.Snapshot{Height: uint64(h), Format: SnapshotFormat, Chunks: uint32(len(m.Chunks)), Hash: metaHash(m), Metadata: raw}, nil
}

func metaHash(m snapshotMeta) []byte {
	h := sha256.New()
	for _, c := range m.Chunks {
		io.WriteString(h, c)
	}
	return h.Sum(nil)
}

// ListSnapshots is called by CometBFT on the snapshot connection when a peer
// doing state sync asks what this node can serve.
func (a *App) ListSnapshots(context.Context, *abci.RequestListSnapshots) (*abci.ResponseListSnapshots, error) {
	res := &abci.ResponseListSnapshots{}
	if a.snaps == nil {
		return res, nil
	}
	hs, _ := a.snaps.heights()
	for _, h := range hs {
		if s, err := a.snaps.load(h); err == nil {
			res.Snapshots = append(res.Snapshots, s)
		}
	}
	return res, nil
}

// LoadSnapshotChunk is called on the snapshot connection to serve one chunk
// to a syncing peer.
func (a *App) LoadSnapshotChunk(_ context.Context, req *abci.RequestLoadSnapshotChunk) (*abci.ResponseLoadSnapshotChunk, error) {
	if a.snaps == nil || req.Format != SnapshotFormat {
		return &abci.ResponseLoadSnapshotChunk{}, nil
	}
	b, err := os.ReadFile(filepath.Join(a.snaps.dir, strconv.FormatUint(req.Height, 10), strconv.FormatUint(uint64(req.Chunk), 10)))
	if err != nil {
		return &abci.ResponseLoadSnapshotChunk{}, nil
	}
	return &abci.ResponseLoadSnapshotChunk{Chunk: b}, nil
}

// OfferSnapshot is called on the snapshot connection of a node starting
// with state sync, for each snapshot its peers offer. AppHash comes from the
// light client, so a restored state that does not hash to it is refused.
func (a *App) OfferSnapshot(_ context.Context, req *abci.RequestOfferSnapshot) (*abci.ResponseOfferSnapshot, error) {
	reject := &abci.ResponseOfferSnapshot{Result: abci.ResponseOfferSnapshot_REJECT}
	if req.Snapshot == nil || req.Snapshot.Format != SnapshotFormat {
		return &abci.ResponseOfferSnapshot{Result: abci.ResponseOfferSnapshot_REJECT_FORMAT}, nil
	}
	var m snapshotMeta
	if err := json.Unmarshal(req.Snapshot.Metadata, &m); err != nil || len(m.Chunks) != int(req.Snapshot.Chunks) ||
		!bytes.Equal(metaHash(m), req.Snapshot.Hash) || req.Snapshot.Height == 0 {
		return reject, nil
	}
	if a.snaps.restore != nil {
		a.snaps.restore.imp.Close()
		a.snaps.restore = nil
	}
	imp, err := a.tree.NewImporter(int64(req.Snapshot.Height))
	if err != nil {
		a.log.Error("cannot restore snapshot", "err", err)
		return &abci.ResponseOfferSnapshot{Result: abci.ResponseOfferSnapshot_ABORT}, nil
	}
	a.snaps.restore = &restoreState{snap: req.Snapshot, meta: m, appHash: req.AppHash, imp: imp, offered: time.Now()}
	a.log.Info("restoring snapshot", "height", req.Snapshot.Height, "chunks", req.Snapshot.Chunks)
	return &abci.ResponseOfferSnapshot{Result: abci.ResponseOfferSnapshot_ACCEPT}, nil
}

// ApplySnapshotChunk is called on the snapshot connection with each chunk,
// in order. A chunk whose hash is not in the accepted metadata is refetched
// from another peer; after the last one the restored tree must hash to the
// light client's AppHash.
func (a *App) ApplySnapshotChunk(_ context.Context, req *abci.RequestApplySnapshotChunk) (*abci.ResponseApplySnapshotChunk, error) {
	r := a.snaps.restore
	if r == nil {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ABORT}, nil
	}
	if req.Index != r.next || int(req.Index) >= len(r.meta.Chunks) {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_RETRY_SNAPSHOT}, nil
	}
	if fmt.Sprintf("%x", sha256.Sum256(req.Chunk)) != r.meta.Chunks[req.Index] {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_RETRY,
			RefetchChunks: []uint32{req.Index}, RejectSenders: []string{req.Sender}}, nil
	}
	began := time.Now()
	defer func() { r.applying += time.Since(began) }()
	if err := r.imp.Write(req.Chunk); err != nil {
		a.log.Error("snapshot chunk does not decode", "index", req.Index, "err", err)
		r.imp.Close()
		a.snaps.restore = nil
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT}, nil
	}
	r.next++
	if int(r.next) < len(r.meta.Chunks) {
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ACCEPT}, nil
	}
	a.snaps.restore = nil
	if err := r.imp.Commit(); err != nil {
		return nil, fmt.Errorf("finish restore: %w", err)
	}
	if !bytes.Equal(a.tree.Hash(), r.appHash) {
		return nil, fmt.Errorf("restored state hash %X != trusted AppHash %X at height %d", a.tree.Hash(), r.appHash, r.snap.Height)
	}
	a.hot.Reset()
	a.mu.Lock()
	a.lastHeight, a.lastHash, a.genesis = a.tree.Version(), a.tree.Hash(), nil
	a.mu.Unlock()
	a.resetCheckState()
	a.log.Info("state restored from snapshot", "height", r.snap.Height, "since_offer", time.Since(r.offered).Round(time.Millisecond),
		"importing", (r.applying + time.Since(began)).Round(time.Millisecond))
	return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ACCEPT}, nil
}
