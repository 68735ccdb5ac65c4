package relayer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"

	bton "github.com/pingo-chain/pingo/bridge/ton"
)

// Entry states. A pending entry is a signed wallet message that may have
// been sent and may still land; a refused one is an epoch the anchor
// refused as an alert (bad signatures…), never submitted again by this
// relayer; a landed one is an epoch this relayer anchored and is reporting
// back to the chain (ReportAnchor) until the chain shows it confirmed.
const (
	StatePending = "pending"
	StateRefused = "refused"
	StateLanded  = "landed"
)

// Entry is one epoch's journal record.
type Entry struct {
	Epoch   uint64        `json:"epoch"`
	State   string        `json:"state"`
	Pending *bton.Pending `json:"pending,omitempty"`
	Exit    int           `json:"exit,omitempty"` // the anchor's exit code of a refusal
	// The anchor's transaction that accepted the checkpoint (landed).
	TONTxHash []byte `json:"ton_tx_hash,omitempty"`
	TONLt     uint64 `json:"ton_lt,omitempty"`
}

// Journal is the relayer's persistent memory (Babylon's lesson: relayers
// that forget what they sent re-send and re-pay on every restart). Every
// change is written to a temporary file, fsynced, renamed over
// journal.json and the directory fsynced, so after a crash the file holds
// either the old or the new state, never a torn one. An exclusive lock on
// the directory keeps a second relayer process from sharing it: two
// relayers on one journal could each prepare a message for the same
// epoch.
type Journal struct {
	dir  string
	lock *os.File

	mu      sync.Mutex
	entries map[uint64]Entry
}

const journalFile = "journal.json"

// OpenJournal opens (or creates) the journal in dir and locks it.
func OpenJournal(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("relayer: journal %s is in use by another relayer: %w", dir, err)
	}
	j := &Journal{dir: dir, lock: lock, entries: map[uint64]Entry{}}
	b, err := os.ReadFile(filepath.Join(dir, journalFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		j.Close()
		return nil, err
	default:
		var list []Entry
		if err := json.Unmarshal(b, &list); err != nil {
			j.Close()
			return nil, fmt.Errorf("relayer: journal %s: %w", dir, err)
		}
		for _, e := range list {
			if e.State == StatePending && e.Pending == nil {
				j.Close()
				return nil, fmt.Errorf("relayer: journal %s: pending epoch %d without a message", dir, e.Epoch)
			}
			if e.State == StateLanded && (len(e.TONTxHash) != 32 || e.TONLt == 0) {
				j.Close()
				return nil, fmt.Errorf("relayer: journal %s: landed epoch %d without its TON transaction", dir, e.Epoch)
			}
			j.entries[e.Epoch] = e
		}
	}
	return j, nil
}

// Close releases the lock.
func (j *Journal) Close() error {
	return j.lock.Close()
}

// Put records e durably (returns once it is on disk).
func (j *Journal) Put(e Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	old, had := j.entries[e.Epoch]
	j.entries[e.Epoch] = e
	if err := j.flush(); err != nil {
		if had {
			j.entries[e.Epoch] = old
		} else {
			delete(j.entries, e.Epoch)
		}
		return err
	}
	return nil
}

// Delete forgets epoch durably.
func (j *Journal) Delete(epoch uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	old, had := j.entries[epoch]
	if !had {
		return nil
	}
	delete(j.entries, epoch)
	if err := j.flush(); err != nil {
		j.entries[epoch] = old
		return err
	}
	return nil
}

// Get is epoch's entry.
func (j *Journal) Get(epoch uint64) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.entries[epoch]
	return e, ok
}

// Entries is every entry, ascending by epoch.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, len(j.entries))
	for _, e := range j.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Epoch < out[b].Epoch })
	return out
}

// flush writes the whole journal atomically (it holds a few entries: the
// pending ones, at most one in practice, and refusals not yet superseded).
func (j *Journal) flush() error {
	list := make([]Entry, 0, len(j.entries))
	for _, e := range j.entries {
		list = append(list, e)
	}
	sort.Slice(list, func(a, b int) bool { return list[a].Epoch < list[b].Epoch })
	b, err := json.MarshalIndent(list, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(j.dir, journalFile, b)
}
