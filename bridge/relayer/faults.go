package relayer

// Fault injection for the chaos suite (issue #7, chain/chaos_test.go):
// ShuffledDeposits sits between deposit reporting and the real TON client
// (the DepositTON seam) and hands the anchor's deposit transactions over
// duplicated, replayed and out of order, as a flaky or adversarial TON
// view could. Only `pingo-relayer --fault-shuffle-deposits SEED` (hidden;
// make chaos sets it) installs it; a production relayer never does.

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"

	bton "github.com/pingo-chain/pingo/bridge/ton"
)

// ShuffleConfig bounds the faults; zero fields take the defaults.
type ShuffleConfig struct {
	// Window is the largest run of transactions permuted among themselves
	// and the most held back at once (4).
	Window int
	// MaxHoldScans bounds how many scans a held-back transaction waits
	// (16): long enough for newer ones, arriving seconds later (the chaos
	// load deposits every 5–7 s, the relayer scans every second), to be
	// delivered first.
	MaxHoldScans int
	// DupPercent is the chance that a delivered transaction comes twice in
	// the same answer (30).
	DupPercent int
	// ReplayPercent is the chance that a scan also re-delivers one
	// transaction an earlier scan already delivered (30).
	ReplayPercent int
}

// ShuffleStats counts what ShuffledDeposits did (cumulative). Reordered:
// answers with a run out of lt order; Late: first deliveries of a
// transaction older than one delivered before it (re-ordered across scans).
type ShuffleStats struct {
	Scans, Delivered, Duplicated, Replayed, HeldBack, Reordered, Late int
}

type heldDeposit struct {
	d       bton.Deposit
	release int // the scan from which it may be delivered
}

// ShuffledDeposits is a DepositTON that permutes inner's answers in
// windows, duplicates and replays some transactions, and holds some back
// for a later scan. It never loses one: the cursor it returns stays below
// every held-back transaction, so a scan from that cursor (after a restart
// too) fetches it again from inner.
type ShuffledDeposits struct {
	inner DepositTON
	cfg   ShuffleConfig
	log   *slog.Logger

	mu     sync.Mutex
	rng    *rand.Rand
	held   []heldDeposit
	recent []bton.Deposit // delivered, for replays (≤ 8·Window)
	// first: lts delivered at least once and above the caller's cursor;
	// newest: the highest lt delivered. For the Late count.
	first  map[uint64]bool
	newest uint64
	stats  ShuffleStats
}

// NewShuffledDeposits wraps inner; the same seed gives the same faults
// for the same sequence of answers.
func NewShuffledDeposits(inner DepositTON, seed uint64, cfg ShuffleConfig, log *slog.Logger) *ShuffledDeposits {
	if cfg.Window <= 0 {
		cfg.Window = 4
	}
	if cfg.DupPercent == 0 {
		cfg.DupPercent = 30
	}
	if cfg.ReplayPercent == 0 {
		cfg.ReplayPercent = 30
	}
	if cfg.MaxHoldScans <= 0 {
		cfg.MaxHoldScans = 16
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ShuffledDeposits{inner: inner, cfg: cfg, log: log, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)),
		first: map[uint64]bool{}}
}

// Stats is a copy of the counters.
func (s *ShuffledDeposits) Stats() ShuffleStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func sameDeposit(a, b bton.Deposit) bool {
	return a.LT == b.LT && string(a.TxHash) == string(b.TxHash)
}

// Deposits implements DepositTON.
func (s *ShuffledDeposits) Deposits(ctx context.Context, afterLT uint64) ([]bton.Deposit, uint64, error) {
	got, cursor, err := s.inner.Deposits(ctx, afterLT)
	if err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Scans++
	w := s.cfg.Window
	// What inner answered, plus what was held back and is still above
	// the caller's cursor (inner usually answers it again: dedupe); what
	// is held and not yet due stays out of this answer.
	var pool []bton.Deposit
	held := s.held[:0]
	isHeld := func(d bton.Deposit) bool {
		for _, h := range held {
			if sameDeposit(h.d, d) {
				return true
			}
		}
		return false
	}
	for _, h := range s.held {
		switch {
		case h.d.LT <= afterLT:
		case h.release > s.stats.Scans:
			held = append(held, h)
		default:
			pool = append(pool, h.d)
		}
	}
	for _, g := range got {
		dup := isHeld(g)
		for _, p := range pool {
			dup = dup || sameDeposit(p, g)
		}
		if !dup {
			pool = append(pool, g)
		}
	}
	s.held = held
	// Permute in windows of w.
	for i := 0; i < len(pool); i += w {
		part := pool[i:min(i+w, len(pool))]
		s.rng.Shuffle(len(part), func(a, b int) { part[a], part[b] = part[b], part[a] })
		for k := 1; k < len(part); k++ {
			if part[k].LT < part[k-1].LT {
				s.stats.Reordered++
				break
			}
		}
	}
	// Hold back some (each with chance 1/3, at most w at once) for
	// 1..MaxHoldScans scans.
	deliver := pool[:0:0]
	for _, d := range pool {
		if len(s.held) < w && s.rng.IntN(3) == 0 {
			s.held = append(s.held, heldDeposit{d: d, release: s.stats.Scans + 1 + s.rng.IntN(s.cfg.MaxHoldScans)})
			s.stats.HeldBack++
			continue
		}
		deliver = append(deliver, d)
	}
	for lt := range s.first {
		if lt <= afterLT {
			delete(s.first, lt)
		}
	}
	for _, d := range deliver {
		if !s.first[d.LT] {
			if d.LT < s.newest {
				s.stats.Late++
			}
			s.first[d.LT] = true
		}
		s.newest = max(s.newest, d.LT)
	}
	out := make([]bton.Deposit, 0, len(deliver)+2)
	for _, d := range deliver {
		out = append(out, d)
		if s.rng.IntN(100) < s.cfg.DupPercent {
			// The copy lands up to w positions later.
			out = append(out, d)
			if j := len(out) - 1 - s.rng.IntN(min(w, len(out))); j >= 0 {
				out[j], out[len(out)-1] = out[len(out)-1], out[j]
			}
			s.stats.Duplicated++
		}
	}
	if len(s.recent) > 0 && s.rng.IntN(100) < s.cfg.ReplayPercent {
		out = append(out, s.recent[s.rng.IntN(len(s.recent))])
		s.stats.Replayed++
	}
	s.stats.Delivered += len(deliver)
	s.recent = append(s.recent, deliver...)
	if n := len(s.recent) - 8*w; n > 0 {
		s.recent = append(s.recent[:0], s.recent[n:]...)
	}
	// The cursor never passes a held-back transaction.
	for _, h := range s.held {
		if h.d.LT-1 < cursor {
			cursor = h.d.LT - 1
		}
	}
	cursor = max(cursor, afterLT)
	if len(deliver) > 0 || len(s.held) > 0 || len(out) > len(deliver) {
		st := s.stats
		s.log.Info("fault injection: deposit events", "scans", st.Scans, "delivered", st.Delivered,
			"duplicated", st.Duplicated, "replayed", st.Replayed, "held_back", st.HeldBack, "reordered", st.Reordered,
			"late", st.Late)
	}
	return out, cursor, nil
}
