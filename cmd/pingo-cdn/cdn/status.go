package cdn

import (
	"context"
	"net/http"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// Status is the daemon's progress and earnings (GET /status).
type Status struct {
	Operator      auth.Address   `json:"operator"`
	Contributors  int            `json:"contributors"`
	Batches       map[string]int `json:"batches"`  // by state
	Verdicts      map[string]int `json:"verdicts"` // of finished batches still in the journal
	UnitsPassed   uint64         `json:"units_passed"`
	BalanceUpingo string         `json:"balance_upingo"`
	NodeReceipts  uint64         `json:"node_receipts"`
}

// Status summarises the journal and the last earnings read.
func (d *Daemon) Status() Status {
	s := Status{Operator: d.addr, Contributors: d.Active(), Batches: map[string]int{}, Verdicts: map[string]int{}}
	d.journal.View(func(j *Journal) {
		for _, b := range j.Batches {
			s.Batches[b.State]++
			if b.Verdict != "" {
				s.Verdicts[b.Verdict]++
				if b.Verdict == "pass" {
					s.UnitsPassed += b.End - b.Start
				}
			}
		}
	})
	d.mu.Lock()
	s.BalanceUpingo, s.NodeReceipts = "unknown", d.receipts
	if d.balance != nil {
		s.BalanceUpingo = d.balance.Dec()
	}
	d.mu.Unlock()
	return s
}

func (d *Daemon) handleStatus(w http.ResponseWriter, _ *http.Request) {
	agentproto.WriteJSON(w, http.StatusOK, d.Status())
}

// report refreshes earnings (operator balance, node receipts; proof-checked
// reads) and logs progress, at most every 30 s.
func (d *Daemon) report(ctx context.Context) {
	if time.Since(d.lastReport) < 30*time.Second {
		return
	}
	d.lastReport = time.Now()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if acc, _, err := d.chain.Account(ctx, d.addr); err == nil {
		n, _, _, _ := d.chain.Node(ctx, d.addr)
		d.mu.Lock()
		d.balance, d.receipts = new(uint256.Int).Set(&acc.Balance), n.Receipts
		d.mu.Unlock()
	}
	s := d.Status()
	d.log.Info("progress", "contributors", s.Contributors, "batches", s.Batches, "verdicts", s.Verdicts,
		"units_passed", s.UnitsPassed, "balance_upingo", s.BalanceUpingo, "receipts", s.NodeReceipts)
}
