package cdn

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/pingo-chain/pingo/cmd/internal/jsonfile"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// JournalFile is the journal's name in the daemon's home.
const JournalFile = "cdn-journal.json"

// maxFinished bounds the finished batches kept (for inspection only).
const maxFinished = 1024

// Batch states. A batch is one attestation: planned over contributors,
// gathered, attested, revealed. The state is written to disk before the
// action it allows, so a restart resumes instead of repeating it.
const (
	StateGathering = "gathering" // parts handed to contributors
	StateAttesting = "attesting" // Attest built; maybe sent (check the chain before resending)
	StateAttested  = "attested"  // receipt pending on chain; reveal when the beacon arrives
	StateDone      = "done"      // verdict given
	StateAbandoned = "abandoned" // the chain refused the attestation for good
)

// JobEntry is a job the node accepted: its assigned range and the first
// unit not yet planned into a batch.
type JobEntry struct {
	ID       uint64       `json:"id"`
	Seed     compute.Hash `json:"seed"`
	UnitKind uint32       `json:"unit_kind"`
	SpecHash compute.Hash `json:"spec_hash"`
	Start    uint64       `json:"start"`
	End      uint64       `json:"end"`
	Next     uint64       `json:"next"`
	Expiry   uint64       `json:"expiry"`
	Network  bool         `json:"network"`
}

// Part is one contributor's run of a batch. ID changes whenever the part
// is (re)assigned, so a late result for an expired assignment is refused.
type Part struct {
	ID          string           `json:"id"`
	Start       uint64           `json:"start"`
	End         uint64           `json:"end"`
	Contributor auth.Address     `json:"contributor"`
	ExpiresMs   int64            `json:"expires_unix_ms"`
	Done        bool             `json:"done"`
	Digests     []compute.Hash   `json:"digests,omitempty"`
	SubRoot     compute.Hash     `json:"sub_root"`
	Signature   compute.HexBytes `json:"signature,omitempty"`
}

// Batch is one attestation of units [Start, End) of a job.
type Batch struct {
	ID           compute.Hash `json:"attestation_id"`
	JobID        uint64       `json:"job_id"`
	Start        uint64       `json:"start"`
	End          uint64       `json:"end"`
	State        string       `json:"state"`
	Parts        []*Part      `json:"parts"`
	AttestExpiry uint64       `json:"attest_expiry,omitempty"`
	Receipt      uint64       `json:"receipt,omitempty"`
	Verdict      string       `json:"verdict,omitempty"`
	Note         string       `json:"note,omitempty"`
	Seq          uint64       `json:"seq"`
}

// Journal is the daemon's persistent state. Every mutation goes through
// Update, which writes the whole file atomically (temp file, fsync,
// rename) before returning: small (a batch of 64 units is ~5 KB) and
// simple to reason about after a crash.
type Journal struct {
	mu      sync.Mutex
	path    string
	Jobs    map[uint64]*JobEntry `json:"jobs"`
	Batches map[string]*Batch    `json:"batches"`
	NextSeq uint64               `json:"next_seq"`
}

// OpenJournal reads (or starts) the journal in home.
func OpenJournal(home string) (*Journal, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	j := &Journal{path: filepath.Join(home, JournalFile), Jobs: map[uint64]*JobEntry{}, Batches: map[string]*Batch{}}
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
	if j.Jobs == nil {
		j.Jobs = map[uint64]*JobEntry{}
	}
	if j.Batches == nil {
		j.Batches = map[string]*Batch{}
	}
	return j, nil
}

// errUnchanged, returned by an Update function, skips the write.
var errUnchanged = errors.New("journal unchanged")

// Update runs f under the journal lock and persists the result (unless f
// returns errUnchanged; any other error is returned and nothing written —
// callers must not have mutated the journal then).
func (j *Journal) Update(f func(j *Journal) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := f(j); err != nil {
		if errors.Is(err, errUnchanged) {
			return nil
		}
		return err
	}
	j.prune()
	return jsonfile.WriteAtomic(j.path, j)
}

// View runs f under the journal lock without writing.
func (j *Journal) View(f func(j *Journal)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(j)
}

// Sorted returns the batches in plan order (callers hold the lock).
func (j *Journal) Sorted() []*Batch {
	out := make([]*Batch, 0, len(j.Batches))
	for _, b := range j.Batches {
		out = append(out, b)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Seq < out[b].Seq })
	return out
}

// Snapshot is a deep copy of the batches (for tests and status).
func (j *Journal) Snapshot() []Batch {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Batch
	for _, b := range j.Sorted() {
		c := *b
		c.Parts = nil
		for _, p := range b.Parts {
			pc := *p
			c.Parts = append(c.Parts, &pc)
		}
		out = append(out, c)
	}
	return out
}

func (j *Journal) prune() {
	var fin []*Batch
	for _, b := range j.Batches {
		if b.State == StateDone || b.State == StateAbandoned {
			for _, p := range b.Parts {
				p.Digests = nil // only reveals need them
			}
			fin = append(fin, b)
		}
	}
	if len(fin) <= maxFinished {
		return
	}
	sort.Slice(fin, func(a, b int) bool { return fin[a].Seq < fin[b].Seq })
	for _, b := range fin[:len(fin)-maxFinished] {
		delete(j.Batches, b.ID.Hex())
	}
}
