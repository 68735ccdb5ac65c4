package keeper

import (
	"math/bits"
	"strconv"

	"github.com/pingo-chain/pingo/x/bridge/types"
)

// BeginBlock runs at the start of block height, before any tx. When
// height-1 ended an epoch it takes that epoch's checkpoint: prevAppHash is
// the AppHash of height-1 (known only once height-1 is committed, which is
// why the checkpoint is taken one block later and signed in the vote
// extensions of blocks from this one on). Epochs older than late_epochs
// behind the new one stop accepting signatures; the withdrawals of one
// that closes unsealed are re-included in epoch+1 (reinclude.go).
func BeginBlock(kv KV, chainID uint64, height int64, prevAppHash []byte) ([]Event, error) {
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	end := height - 1
	// Beacon retention: every block drops the one beacon that just left
	// the window (heights without a beacon cost a no-op delete).
	if end > 0 && uint64(end) > p.BeaconRetentionBlocks {
		kv.Delete(types.BeaconKey(uint64(end) - p.BeaconRetentionBlocks))
	}
	// TON facts reported more than fact_expiry_blocks ago and never
	// confirmed are dropped.
	evs, err := expireFacts(kv, height)
	if err != nil {
		return nil, err
	}
	if end < 1 || uint64(end)%p.EpochBlocks != 0 {
		return evs, nil
	}
	epoch := uint64(end) / p.EpochBlocks
	open, err := OpenEpochs(kv)
	if err != nil {
		return nil, err
	}
	keep := open[:0]
	var closed []uint64
	for _, e := range open {
		if e+p.LateEpochs >= epoch {
			keep = append(keep, e)
		} else {
			closed = append(closed, e)
		}
	}
	open = keep
	// A checkpoint that leaves the window unsealed never seals: its
	// withdrawals move to the epoch that begins now (reinclude.go).
	rev, err := reincludeUnsealed(kv, closed, epoch+1)
	if err != nil {
		return nil, err
	}
	evs = append(evs, rev...)
	anchored, err := AnchoredSet(kv)
	if err != nil {
		return nil, err
	}
	next, err := CurrentSet(kv)
	if err != nil {
		return nil, err
	}
	// The first set that has keys bootstraps the bridge: the anchor is
	// deployed with it, so it signs its own first checkpoint.
	if len(anchored) == 0 {
		anchored = next
	}
	if len(anchored) > 0 {
		root, err := sealWithdrawals(kv, epoch)
		if err != nil {
			return nil, err
		}
		r, err := newCheckpoint(chainID, epoch, uint64(end), prevAppHash, anchored, next, height, root)
		if err != nil {
			return nil, err
		}
		setCheckpoint(kv, r)
		open = append(open, epoch)
		d, _ := r.Digest.MarshalText()
		evs = append(evs, Event{Type: "checkpoint", Attrs: [][2]string{
			{"epoch", strconv.FormatUint(epoch, 10)}, {"height", strconv.FormatInt(end, 10)}, {"digest", string(d)},
		}})
	}
	setOpenEpochs(kv, open)
	kv.Set(types.AnchoredSetKey, types.MarshalSet(next))
	return evs, nil
}

func newCheckpoint(chainID, epoch, end uint64, appHash []byte, set, next []types.SetEntry, height int64, withdrawalRoot [32]byte) (*types.CheckpointRecord, error) {
	r := &types.CheckpointRecord{ChainID: chainID, Epoch: epoch, Height: end, Status: types.StatusAccumulating,
		CreatedHeight: height, Valset: set, NextValset: next, Signatures: []types.RecordedSig{},
		WithdrawalRoot: withdrawalRoot}
	copy(r.AppHash[:], appHash)
	var err error
	if r.ValsetHash, err = ValsetHash(set); err != nil {
		return nil, err
	}
	if r.NextValsetHash, err = ValsetHash(next); err != nil {
		return nil, err
	}
	if len(next) == 0 {
		// Nobody left to sign the next one: keep the set rather than
		// rotate the anchor to an empty set it could never leave.
		r.NextValsetHash, r.NextValset = r.ValsetHash, set
	}
	for _, e := range set {
		r.TotalPower += e.Power
	}
	r.Digest = r.Checkpoint().Digest()
	return r, nil
}

// addSignature records valset index idx's signature (already verified) and
// seals the checkpoint once more than 2/3 of its set's power signed.
// Signatures after sealing are kept too: late signers get their credit.
func addSignature(r *types.CheckpointRecord, idx uint16, sig [types.SigLen]byte, height int64) (sealed bool) {
	rs := types.RecordedSig{Index: idx, Sig: sig, Height: height}
	i := 0
	for i < len(r.Signatures) && r.Signatures[i].Index < idx {
		i++
	}
	r.Signatures = append(r.Signatures, types.RecordedSig{})
	copy(r.Signatures[i+1:], r.Signatures[i:])
	r.Signatures[i] = rs
	r.SignedPower += r.Valset[idx].Power
	if r.Status == types.StatusAccumulating && superMajority(r.SignedPower, r.TotalPower) {
		r.Status = types.StatusSealed
		r.SealedHeight = height
		return true
	}
	return false
}

// superMajority is signed > 2/3 total, without overflow (powers are below
// 2^63 each, sums below 2^64 by checkpoint's set rule).
func superMajority(signed, total uint64) bool {
	return total > 0 && mulGT(signed, 3, total, 2)
}

// mulGT reports a*x > b*y for 64-bit values using 128-bit arithmetic.
func mulGT(a, x, b, y uint64) bool {
	ah, al := bits.Mul64(a, x)
	bh, bl := bits.Mul64(b, y)
	return ah > bh || (ah == bh && al > bl)
}
