package contributor

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	"github.com/pingo-chain/pingo/cmd/internal/jsonfile"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// JournalFile is the journal's name in the agent's home.
const JournalFile = "contributor-journal.json"

// maxEntries bounds the journal: the oldest uploaded entries go first. A
// node never re-issues units that old (its attestation is long on chain),
// so forgetting them cannot lead to a double claim.
const maxEntries = 4096

// Entry is one assignment the contributor computed and signed. Uploaded is
// set once the node accepted the result; until then a restart re-uploads
// the same digests and signature instead of computing (and signing)
// again.
type Entry struct {
	Seq        uint64                `json:"seq"`
	Assignment agentproto.Assignment `json:"assignment"`
	Digests    []compute.Hash        `json:"digests,omitempty"`
	SubRoot    compute.Hash          `json:"sub_root"`
	Signature  compute.HexBytes      `json:"signature"`
	Uploaded   bool                  `json:"uploaded"`
	Dropped    string                `json:"dropped,omitempty"` // why the node refused it for good
}

// Journal is the contributor's persistent record of signed assignments,
// so a restart never signs two different claims on the same units (the
// chain would refuse the second attestation anyway, but the node could
// not know which one the contributor stands behind).
type Journal struct {
	mu      sync.Mutex
	path    string
	next    uint64
	Entries map[string]*Entry `json:"entries"`
}

// OpenJournal reads (or starts) the journal in home.
func OpenJournal(home string) (*Journal, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	j := &Journal{path: filepath.Join(home, JournalFile), Entries: map[string]*Entry{}}
	b, err := os.ReadFile(j.path)
	if os.IsNotExist(err) {
		return j, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, j); err != nil {
		return nil, fmt.Errorf("journal %s: %w", j.path, err)
	}
	if j.Entries == nil {
		j.Entries = map[string]*Entry{}
	}
	for _, e := range j.Entries {
		if e.Seq >= j.next {
			j.next = e.Seq + 1
		}
	}
	return j, nil
}

// Get returns a copy of the entry of assignment id.
func (j *Journal) Get(id string) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.Entries[id]
	if !ok {
		return Entry{}, false
	}
	return *e, true
}

// Conflict returns the id of another entry that claims any unit of a (same
// node and job), or "".
func (j *Journal) Conflict(a *agentproto.Assignment) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	for id, e := range j.Entries {
		b := &e.Assignment
		if id != a.ID && e.Dropped == "" && b.Node == a.Node && b.ChainID == a.ChainID && b.JobID == a.JobID && a.Start < b.End && b.Start < a.End {
			return id
		}
	}
	return ""
}

// Pending lists entries signed but not yet accepted, oldest first.
func (j *Journal) Pending() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Entry
	for _, e := range j.Entries {
		if !e.Uploaded && e.Dropped == "" {
			out = append(out, *e)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Seq < out[b].Seq })
	return out
}

// Put stores e (durably: the file is replaced atomically before Put
// returns, so what a restart reads is what was acknowledged).
func (j *Journal) Put(e Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if old, ok := j.Entries[e.Assignment.ID]; ok {
		e.Seq = old.Seq
	} else {
		e.Seq = j.next
		j.next++
	}
	if e.Uploaded {
		e.Digests = nil // only needed for a re-upload
	}
	j.Entries[e.Assignment.ID] = &e
	j.prune()
	return jsonfile.WriteAtomic(j.path, j)
}

func (j *Journal) prune() {
	if len(j.Entries) <= maxEntries {
		return
	}
	type kv struct {
		id  string
		seq uint64
	}
	var done []kv
	for id, e := range j.Entries {
		if e.Uploaded || e.Dropped != "" {
			done = append(done, kv{id, e.Seq})
		}
	}
	sort.Slice(done, func(a, b int) bool { return done[a].seq < done[b].seq })
	for i := 0; i < len(done) && len(j.Entries) > maxEntries; i++ {
		delete(j.Entries, done[i].id)
	}
}

// UnitsDone sums the units of accepted entries still in the journal.
func (j *Journal) UnitsDone() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	var n uint64
	for _, e := range j.Entries {
		if e.Uploaded {
			n += e.Assignment.End - e.Assignment.Start
		}
	}
	return n
}
