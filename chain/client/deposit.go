package client

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/holiman/uint256"

	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// Deposit reads /bridge/deposit/{hash}/{lt}: what the chain knows of the
// anchor's TON transaction (hash, lt) — reported or voted (with its pending
// facts), credited, returned or refundable; found false: never reported, or every report
// expired.
func (c *Client) Deposit(ctx context.Context, hash bridge.Hash32, lt uint64) (bridge.DepositRecord, bool, error) {
	t, _ := hash.MarshalText()
	path := "/bridge/deposit/" + string(t) + "/" + strconv.FormatUint(lt, 10)
	r, err := c.Query(ctx, path, 0)
	if err != nil || r.Value == nil {
		return bridge.DepositRecord{}, false, err
	}
	rec, err := bridge.UnmarshalDeposit(r.Value)
	if err != nil {
		return rec, false, fmt.Errorf("%s: %w", path, err)
	}
	if rec.TONTxHash != hash || rec.TONLt != lt {
		return rec, false, fmt.Errorf("%s: record is for another transaction", path)
	}
	return rec, true, nil
}

// DepositedTotal is /bridge/deposited_total: upingo minted for credited
// deposits since genesis.
func (c *Client) DepositedTotal(ctx context.Context) (uint256.Int, error) {
	return c.u256(ctx, "/bridge/deposited_total")
}

// RefundableTotal is /bridge/refundable_total: jetton units of deposits
// recorded refundable (anchor transaction failed: owed by the L2, paid by
// a re-included withdrawal).
func (c *Client) RefundableTotal(ctx context.Context) (uint256.Int, error) {
	return c.u256(ctx, "/bridge/refundable_total")
}

// ReturnedTotal is /bridge/returned_total: jetton units of unparseable
// deposits TON returned itself (anchor transaction succeeded).
func (c *Client) ReturnedTotal(ctx context.Context) (uint256.Int, error) {
	return c.u256(ctx, "/bridge/returned_total")
}

func (c *Client) u256(ctx context.Context, path string) (uint256.Int, error) {
	var v uint256.Int
	r, err := c.Query(ctx, path, 0)
	if err != nil || r.Value == nil {
		return v, err
	}
	if len(r.Value) != 32 {
		return v, fmt.Errorf("%s: %d bytes", path, len(r.Value))
	}
	v.SetBytes32(r.Value)
	return v, nil
}

// PendingFacts is /bridge/facts/pending: the pending TON facts in report
// order.
func (c *Client) PendingFacts(ctx context.Context) ([]bridge.PendingFact, error) {
	r, err := c.Query(ctx, "/bridge/facts/pending", 0)
	if err != nil || r.Value == nil {
		return nil, err
	}
	return bridge.UnmarshalPending(r.Value)
}

// NextWithdrawalID is /bridge/next_withdrawal_id (1 before any).
func (c *Client) NextWithdrawalID(ctx context.Context) (uint64, error) {
	r, err := c.Query(ctx, "/bridge/next_withdrawal_id", 0)
	if err != nil {
		return 0, err
	}
	if r.Value == nil {
		return 1, nil
	}
	if len(r.Value) != 8 {
		return 0, fmt.Errorf("/bridge/next_withdrawal_id: %d bytes", len(r.Value))
	}
	return binary.BigEndian.Uint64(r.Value), nil
}

// DepositView is where a deposit is, end to end: its record, the pending
// facts with their tallies (reported / voted), and for a refundable one
// the withdrawal that pays it back (with its own status: burned →
// checkpointed → anchored / confirmed → claimed).
type DepositView struct {
	Found        bool                 `json:"found"`
	Record       bridge.DepositRecord `json:"deposit"`
	PendingFacts []bridge.Fact        `json:"pending_facts"`
	Refund       *WithdrawalClaim     `json:"refund_withdrawal,omitempty"`
}

// DepositStatus reads the deposit of the anchor's transaction (hash, lt)
// and follows it: pending facts while reported or voted, the refund
// withdrawal once refundable. With ton set, the refund's claim is asked of
// the anchor (isClaimed), the one thing the L2 does not know.
func (c *Client) DepositStatus(ctx context.Context, hash bridge.Hash32, lt uint64, ton ClaimChecker) (*DepositView, error) {
	rec, found, err := c.Deposit(ctx, hash, lt)
	if err != nil || !found {
		return &DepositView{PendingFacts: []bridge.Fact{}}, err
	}
	v := &DepositView{Found: true, Record: rec, PendingFacts: []bridge.Fact{}}
	for _, id := range rec.Facts {
		f, ok, err := c.Fact(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			v.PendingFacts = append(v.PendingFacts, f)
		}
	}
	if rec.Status == bridge.DepositRefundable && rec.WithdrawalID != 0 {
		w, err := c.WithdrawalStatus(ctx, rec.WithdrawalID)
		if err != nil {
			return nil, fmt.Errorf("refund withdrawal %d: %w", rec.WithdrawalID, err)
		}
		if w.Record.RefundOf == nil || w.Record.RefundOf.TONTxHash != hash || w.Record.RefundOf.TONLt != lt {
			return nil, fmt.Errorf("withdrawal %d is not the refund of %x:%d", rec.WithdrawalID, hash[:], lt)
		}
		if ton != nil && w.Status != WithdrawBurned && w.Status != WithdrawStuck {
			if err := w.CheckClaimed(ctx, ton); err != nil {
				return nil, err
			}
		}
		v.Refund = w
	}
	return v, nil
}
