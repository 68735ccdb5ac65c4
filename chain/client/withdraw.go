package client

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

// Withdrawal states as a client reports them (x/bridge/README.md,
// "Withdrawals"). The chain stores only the record; the state follows from
// the checkpoint record of its epoch, and "claimed" from the anchor on TON.
const (
	// WithdrawBurned: burned on the L2, its epoch's checkpoint not sealed yet.
	WithdrawBurned = "burned"
	// WithdrawCheckpointed: the epoch's checkpoint is sealed: the leaf and
	// path are final and can be claimed once the checkpoint is on TON.
	WithdrawCheckpointed = "checkpointed"
	// WithdrawAnchored: a relayer reported the checkpoint sent to TON.
	WithdrawAnchored = "anchored"
	// WithdrawConfirmed: the validators saw the anchor hold the epoch.
	WithdrawConfirmed = "confirmed"
	// WithdrawClaimed: the anchor paid it (known from TON only).
	WithdrawClaimed = "claimed"
	// WithdrawStuck: the epoch's checkpoint left the late-signature window
	// unsealed and the withdrawal was not re-included in a later epoch
	// (the chain re-includes at the block that closes the window, so this
	// is only seen for an epoch that never got a checkpoint).
	WithdrawStuck = "stuck"
)

// Withdraw signs, broadcasts and waits for a Withdraw of amount upingo to
// the TON address to; it returns the tx hash and height.
func (c *Client) Withdraw(ctx context.Context, key *ecdsa.PrivateKey, to bridge.TONAddr, amount, fee *uint256.Int) (string, int64, error) {
	tx, err := c.Sign(ctx, key, &bridge.Withdraw{To: to, Amount: *amount}, fee, nil)
	if err != nil {
		return "", 0, err
	}
	hash, err := c.Broadcast(ctx, tx)
	if err != nil {
		return hash, 0, err
	}
	res, err := c.WaitTx(ctx, hash)
	if err != nil {
		return hash, 0, err
	}
	return hash, res.Height, nil
}

// Withdrawal reads withdrawal id's record (found false if there is none).
// UnmarshalWithdrawal checks the leaf hash against the fields, so a proven
// record is a proven leaf.
func (c *Client) Withdrawal(ctx context.Context, id uint64) (bridge.WithdrawalRecord, bool, error) {
	r, err := c.Query(ctx, "/bridge/withdrawal/"+strconv.FormatUint(id, 10), 0)
	if err != nil || r.Value == nil {
		return bridge.WithdrawalRecord{}, false, err
	}
	rec, err := bridge.UnmarshalWithdrawal(r.Value)
	if err != nil {
		return rec, false, fmt.Errorf("bridge/withdrawal/%d: %w", id, err)
	}
	if rec.ID != id {
		return rec, false, fmt.Errorf("bridge/withdrawal/%d: record is for id %d", id, rec.ID)
	}
	return rec, true, nil
}

// EpochWithdrawals is how many withdrawals epoch holds and its first id.
func (c *Client) EpochWithdrawals(ctx context.Context, epoch uint64) (bridge.EpochWithdrawals, error) {
	r, err := c.Query(ctx, "/bridge/withdrawal_epoch/"+strconv.FormatUint(epoch, 10), 0)
	if err != nil {
		return bridge.EpochWithdrawals{}, err
	}
	return bridge.UnmarshalEpochWithdrawals(r.Value)
}

// ReincludedIDs lists the ids re-included in epoch from epochs whose
// checkpoint never sealed (indices 0..k-1 of its tree; nil for most).
func (c *Client) ReincludedIDs(ctx context.Context, epoch uint64) ([]uint64, error) {
	r, err := c.Query(ctx, "/bridge/reincluded/"+strconv.FormatUint(epoch, 10), 0)
	if err != nil {
		return nil, err
	}
	return bridge.SplitIDs(r.Value)
}

// WithdrawalLeaves is a checkpointed epoch's leaf hashes, index order (nil
// before its checkpoint). Callers check them against the checkpoint's
// withdrawal_root (WithdrawalClaim does).
func (c *Client) WithdrawalLeaves(ctx context.Context, epoch uint64) ([][32]byte, error) {
	r, err := c.Query(ctx, "/bridge/withdrawal_leaves/"+strconv.FormatUint(epoch, 10), 0)
	if err != nil {
		return nil, err
	}
	return bridge.SplitLeaves(r.Value)
}

// WithdrawalsFrom lists the ids of from's withdrawals, newest first, at
// most limit (0: all).
func (c *Client) WithdrawalsFrom(ctx context.Context, from auth.Address, limit int) ([]uint64, error) {
	base := "/bridge/withdrawals/" + from.Hex() + "/"
	r, err := c.Query(ctx, base+"count", 0)
	if err != nil {
		return nil, err
	}
	var n uint64
	if r.Value != nil {
		if len(r.Value) != 8 {
			return nil, fmt.Errorf("%scount: %d bytes", base, len(r.Value))
		}
		n = binary.BigEndian.Uint64(r.Value)
	}
	var ids []uint64
	for seq := n; seq > 0 && (limit <= 0 || len(ids) < limit); seq-- {
		r, err := c.Query(ctx, base+strconv.FormatUint(seq-1, 10), 0)
		if err != nil {
			return ids, err
		}
		if len(r.Value) != 8 {
			return ids, fmt.Errorf("%s%d: %d bytes", base, seq-1, len(r.Value))
		}
		ids = append(ids, binary.BigEndian.Uint64(r.Value))
	}
	return ids, nil
}

// WithdrawalClaim is everything about one withdrawal: its record, where it
// is, and — once its epoch's checkpoint exists — the leaf, index and path
// that claim it on TON, already verified against that checkpoint's
// withdrawal_root.
type WithdrawalClaim struct {
	Record bridge.WithdrawalRecord `json:"record"`
	// Epoch is the epoch whose root claims it: the record's epoch, which
	// moves on when a withdrawal is re-included (Record.ReincludedFrom
	// lists the epochs it left because their checkpoint never sealed).
	Epoch            uint64          `json:"claimable_epoch"`
	Status           string          `json:"status"`
	CheckpointStatus string          `json:"checkpoint_status,omitempty"`
	Root             bridge.Hash32   `json:"withdrawal_root"`
	Index            uint32          `json:"index"`
	Path             []bridge.Hash32 `json:"path,omitempty"`
	LeafBOC          string          `json:"leaf_boc"` // hex
	// ClaimedOnTON is the anchor's answer, when asked (CheckClaimed).
	ClaimedOnTON *bool `json:"claimed_on_ton,omitempty"`
}

// ClaimChecker reads the anchor's isClaimed getter (bridge/ton's Client).
type ClaimChecker interface {
	IsClaimed(ctx context.Context, id uint64) (bool, error)
}

// CheckClaimed asks the anchor whether it paid this withdrawal and, if so,
// sets Status to claimed: the one state the L2 cannot know by itself.
func (w *WithdrawalClaim) CheckClaimed(ctx context.Context, ton ClaimChecker) error {
	paid, err := ton.IsClaimed(ctx, w.Record.ID)
	if err != nil {
		return err
	}
	w.ClaimedOnTON = &paid
	if paid {
		w.Status = WithdrawClaimed
	}
	return nil
}

// ClaimBody is the claim_withdrawal body for this withdrawal (query id =
// the withdrawal id, as the relayer sends it). Only valid once Path is
// known (the epoch's checkpoint exists).
func (w *WithdrawalClaim) ClaimBody() (*cell.Cell, error) {
	if w.Status == WithdrawBurned || w.Status == WithdrawStuck {
		return nil, fmt.Errorf("withdrawal %d is %s: its epoch %d has no sealed checkpoint", w.Record.ID, w.Status, w.Record.Epoch)
	}
	path := make([][32]byte, len(w.Path))
	for i, p := range w.Path {
		path[i] = p
	}
	return checkpoint.ClaimBody(w.Record.ID, w.Record.Withdrawal(), uint64(w.Index), path)
}

// WithdrawalStatus reads withdrawal id, its epoch's checkpoint and leaf
// list, and verifies the path against the checkpoint's withdrawal_root
// (itself covered by the checkpoint digest the validators signed). With
// proofs on, every answer is checked against signed headers; the path needs
// no proof of its own, since it must hash to the proven root.
func (c *Client) WithdrawalStatus(ctx context.Context, id uint64) (*WithdrawalClaim, error) {
	rec, found, err := c.Withdrawal(ctx, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("withdrawal %d: none on chain", id)
	}
	leaf, err := rec.Withdrawal().Cell()
	if err != nil {
		return nil, err
	}
	w := &WithdrawalClaim{Record: rec, Epoch: rec.Epoch, Status: WithdrawBurned, Index: rec.Index, LeafBOC: hex.EncodeToString(leaf.ToBOC())}
	cp, found, err := c.Checkpoint(ctx, rec.Epoch)
	if err != nil || !found {
		return w, err
	}
	w.CheckpointStatus, w.Root = cp.Status, cp.WithdrawalRoot
	switch cp.Status {
	case bridge.StatusAccumulating:
		open, err := c.openEpochs(ctx)
		if err != nil {
			return w, err
		}
		w.Status = WithdrawStuck
		for _, e := range open {
			if e == rec.Epoch {
				w.Status = WithdrawBurned
			}
		}
	case bridge.StatusSealed:
		w.Status = WithdrawCheckpointed
	case bridge.StatusSubmitted:
		w.Status = WithdrawAnchored
	case bridge.StatusConfirmed:
		w.Status = WithdrawConfirmed
	default:
		w.Status = cp.Status
	}
	leaves, err := c.WithdrawalLeaves(ctx, rec.Epoch)
	if err != nil {
		return w, err
	}
	if int(rec.Index) >= len(leaves) || leaves[rec.Index] != [32]byte(rec.Leaf) {
		return w, fmt.Errorf("%w: epoch %d leaf list does not hold withdrawal %d at %d", ErrNotVerified, rec.Epoch, id, rec.Index)
	}
	root, err := checkpoint.WithdrawalRoot(leaves)
	if err != nil || root != [32]byte(cp.WithdrawalRoot) {
		return w, fmt.Errorf("%w: epoch %d leaves do not hash to the checkpoint's withdrawal_root", ErrNotVerified, rec.Epoch)
	}
	path, err := checkpoint.WithdrawalPath(leaves, int(rec.Index))
	if err != nil {
		return w, err
	}
	if !checkpoint.VerifyWithdrawalPath(root, leaves[rec.Index], uint64(rec.Index), path) {
		return w, fmt.Errorf("%w: path of withdrawal %d", ErrNotVerified, id)
	}
	w.Path = make([]bridge.Hash32, len(path))
	for i, p := range path {
		w.Path[i] = p
	}
	return w, nil
}

func (c *Client) openEpochs(ctx context.Context) ([]uint64, error) {
	r, err := c.Query(ctx, "/bridge/open_epochs", 0)
	if err != nil {
		return nil, err
	}
	if len(r.Value)%8 != 0 {
		return nil, fmt.Errorf("bridge/open_epochs: %d bytes", len(r.Value))
	}
	out := make([]uint64, len(r.Value)/8)
	for i := range out {
		out[i] = binary.BigEndian.Uint64(r.Value[8*i:])
	}
	return out, nil
}

// WithdrawalReader reads a withdrawal's status (Client.WithdrawalStatus).
type WithdrawalReader interface {
	WithdrawalStatus(ctx context.Context, id uint64) (*WithdrawalClaim, error)
}

// UnclaimedWithdrawals is `pingod query transfers --stuck`'s withdrawal
// list: it walks ids next-1 down to 1 (at most limit, 0 = all), newest
// first, and keeps those past their epoch (status not burned). Whether the
// anchor paid one is known on TON only: with ton set, each claimable one
// is asked (isClaimed) and left out when paid (counted in paid); a stuck
// one never reached TON and is not asked. Without ton every one is kept,
// ClaimedOnTON nil. A TON error is an error, never "unclaimed".
func UnclaimedWithdrawals(ctx context.Context, r WithdrawalReader, ton ClaimChecker, next, limit uint64) ([]*WithdrawalClaim, uint64, error) {
	var out []*WithdrawalClaim
	var paid uint64
	for id := next - 1; id >= 1 && (limit == 0 || next-id <= limit); id-- {
		w, err := r.WithdrawalStatus(ctx, id)
		if err != nil {
			return nil, 0, err
		}
		if w.Status == WithdrawBurned {
			continue // its epoch is still open: not late
		}
		if ton != nil && w.Status != WithdrawStuck {
			if err := w.CheckClaimed(ctx, ton); err != nil {
				return nil, 0, fmt.Errorf("withdrawal %d: anchor isClaimed: %w", id, err)
			}
			if w.Status == WithdrawClaimed {
				paid++
				continue
			}
		}
		out = append(out, w)
	}
	return out, paid, nil
}
