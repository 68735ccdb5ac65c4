package relayer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	bton "github.com/pingo-chain/pingo/bridge/ton"
)

// ClaimCursor is the next withdrawal auto-claim looks at: index Index of
// epoch Epoch (every earlier one is paid, or recorded as refused or
// unclaimable).
type ClaimCursor struct {
	Epoch uint64 `json:"epoch"`
	Index uint32 `json:"index"`
}

// ClaimEntry is one claim message: pending (signed, may have been sent,
// may still land) or refused for good (the anchor's exit code).
type ClaimEntry struct {
	ID      uint64        `json:"id"`
	Epoch   uint64        `json:"epoch"`
	Index   uint32        `json:"index"`
	State   string        `json:"state"`
	Pending *bton.Pending `json:"pending,omitempty"`
	Exit    int           `json:"exit,omitempty"`
}

type claimFile struct {
	Cursor  *ClaimCursor `json:"cursor,omitempty"`
	Pending *ClaimEntry  `json:"pending,omitempty"`
	Refused []ClaimEntry `json:"refused,omitempty"`
}

// ClaimJournal is auto-claim's persistent memory, claims.json next to the
// relayer's journal.json and written the same way (temp file, fsync,
// rename, directory fsync). It lives under that journal's LOCK, which is
// why it is opened from an open Journal: one relayer process per
// directory, so two processes can never each sign a claim for one id.
type ClaimJournal struct {
	dir string
	mu  sync.Mutex
	f   claimFile
}

const claimJournalFile = "claims.json"

// OpenClaimJournal opens (or creates) the claim journal in j's directory.
func OpenClaimJournal(j *Journal) (*ClaimJournal, error) {
	cj := &ClaimJournal{dir: j.dir}
	b, err := os.ReadFile(filepath.Join(j.dir, claimJournalFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &cj.f); err != nil {
			return nil, fmt.Errorf("relayer: claim journal %s: %w", j.dir, err)
		}
		if p := cj.f.Pending; p != nil && (p.State != StatePending || p.Pending == nil) {
			return nil, fmt.Errorf("relayer: claim journal %s: pending claim %d without a message", j.dir, p.ID)
		}
	}
	return cj, nil
}

// Cursor is where claiming resumes (from, if nothing was claimed yet).
func (cj *ClaimJournal) Cursor(from uint64) ClaimCursor {
	cj.mu.Lock()
	defer cj.mu.Unlock()
	if cj.f.Cursor == nil {
		return ClaimCursor{Epoch: from}
	}
	return *cj.f.Cursor
}

// SetCursor moves the cursor durably.
func (cj *ClaimJournal) SetCursor(c ClaimCursor) error {
	return cj.update(func(f *claimFile) { f.Cursor = &c })
}

// Pending is the journaled claim that may still land.
func (cj *ClaimJournal) Pending() (ClaimEntry, bool) {
	cj.mu.Lock()
	defer cj.mu.Unlock()
	if cj.f.Pending == nil {
		return ClaimEntry{}, false
	}
	return *cj.f.Pending, true
}

// PutPending records a signed claim before its first send.
func (cj *ClaimJournal) PutPending(e ClaimEntry) error {
	return cj.update(func(f *claimFile) { f.Pending = &e })
}

// ClearPending forgets the pending claim (it resolved).
func (cj *ClaimJournal) ClearPending() error {
	return cj.update(func(f *claimFile) { f.Pending = nil })
}

// Refuse records a claim the anchor refused for good and clears it as
// pending; the last 100 refusals are kept for the operator.
func (cj *ClaimJournal) Refuse(e ClaimEntry) error {
	return cj.update(func(f *claimFile) {
		f.Pending = nil
		f.Refused = append(f.Refused, e)
		if len(f.Refused) > 100 {
			f.Refused = f.Refused[len(f.Refused)-100:]
		}
	})
}

// Refused lists the recorded refusals, oldest first.
func (cj *ClaimJournal) Refused() []ClaimEntry {
	cj.mu.Lock()
	defer cj.mu.Unlock()
	return append([]ClaimEntry(nil), cj.f.Refused...)
}

func (cj *ClaimJournal) update(fn func(*claimFile)) error {
	cj.mu.Lock()
	defer cj.mu.Unlock()
	next := cj.f
	next.Refused = append([]ClaimEntry(nil), cj.f.Refused...)
	fn(&next)
	b, err := json.MarshalIndent(&next, "", " ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(cj.dir, claimJournalFile, b); err != nil {
		return err
	}
	cj.f = next
	return nil
}

// writeFileAtomic replaces dir/name with b so that after a crash the file
// holds either the old or the new bytes: temp file, fsync, rename,
// directory fsync. Journal.flush (journal.json) and the claim and deposit
// journals all write through it.
func writeFileAtomic(dir, name string, b []byte) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
