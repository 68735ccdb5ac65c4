package keeper

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"sort"
	"strconv"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
)

// Vote is one precommit of the previous height as the app sees it: the
// validator's CometBFT address and power, whether it committed, and (in
// PrepareProposal only) its vote extension.
type Vote struct {
	ConsAddr  []byte
	Power     int64
	Committed bool
	Ext       []byte
}

// verifier checks extension contents against the state of the block being
// built: one instance per block, caching the checkpoint records it loads.
type verifier struct {
	kv       KV
	chainID  uint64
	height   uint64 // vote height: the beacon height being signed
	open     []uint64
	records  map[uint64]*types.CheckpointRecord // lookups only, never iterated
	beaconTx []byte
}

func newVerifier(kv KV, chainID, voteHeight uint64) (*verifier, error) {
	open, err := OpenEpochs(kv)
	if err != nil {
		return nil, err
	}
	return &verifier{kv: kv, chainID: chainID, height: voteHeight, open: open,
		records: map[uint64]*types.CheckpointRecord{}, beaconTx: types.BeaconMessage(chainID, voteHeight)}, nil
}

func (v *verifier) record(epoch uint64) (*types.CheckpointRecord, error) {
	if r, ok := v.records[epoch]; ok {
		return r, nil
	}
	isOpen := false
	for _, e := range v.open {
		isOpen = isOpen || e == epoch
	}
	if !isOpen {
		return nil, nil
	}
	r, found, err := GetCheckpoint(v.kv, epoch)
	if err != nil || !found {
		return nil, err
	}
	v.records[epoch] = &r
	return &r, nil
}

// operator resolves a CometBFT address to its operator and bridge key.
func (v *verifier) operator(consAddr []byte) (auth.Address, types.Hash32, bool, error) {
	op, found, err := stakingkeeper.OperatorByConsAddr(v.kv, consAddr)
	if err != nil || !found {
		return op, types.Hash32{}, false, err
	}
	pub, ok, err := BridgeKey(v.kv, op)
	return op, pub, ok, err
}

// check verifies ext as signed by consAddr. With strict unset (the
// proposer filtering what it received) bad parts are dropped; with strict
// set (a block under validation) any bad part is an error. It returns what
// verified, and for each checkpoint signature the signer's valset index.
func (v *verifier) check(consAddr []byte, ext types.VoteExt, strict bool) (types.VoteExt, []uint16, error) {
	var out types.VoteExt
	var idxs []uint16
	bad := func(format string, args ...any) error {
		if strict {
			return codes.Wrapf(types.ErrBadVoteTx, "validator %x: %s", consAddr, fmt.Sprintf(format, args...))
		}
		return nil
	}
	op, pub, ok, err := v.operator(consAddr)
	if err != nil {
		return out, nil, err
	}
	if !ok {
		return out, nil, bad("no bridge key registered")
	}
	if ext.Beacon != nil {
		if ed25519.Verify(pub[:], v.beaconTx, ext.Beacon[:]) {
			out.Beacon = ext.Beacon
		} else if err := bad("beacon signature does not verify"); err != nil {
			return out, nil, err
		}
	}
	if len(ext.Facts) > 0 {
		// One signature covers the whole list, so the list is kept or
		// dropped whole; ids that are not (or no longer) pending are
		// simply not counted by ApplyVoteTx.
		if ed25519.Verify(pub[:], types.FactsMessage(v.chainID, v.height, ext.Facts), ext.FactsSig[:]) {
			out.Facts, out.FactsSig = ext.Facts, ext.FactsSig
		} else if err := bad("fact votes signature does not verify"); err != nil {
			return out, nil, err
		}
	}
	for _, c := range ext.Checkpoints {
		r, err := v.record(c.Epoch)
		if err != nil {
			return out, nil, err
		}
		if r == nil {
			if err := bad("epoch %d is not open for signatures", c.Epoch); err != nil {
				return out, nil, err
			}
			continue
		}
		idx, member := -1, false
		for i, e := range r.Valset {
			if e.Operator == op {
				idx, member = i, true
				break
			}
		}
		switch {
		case !member:
			err = bad("not in epoch %d's set", c.Epoch)
		case r.Signed(uint16(idx)):
			err = bad("already signed epoch %d", c.Epoch)
		case !ed25519.Verify(r.Valset[idx].PubKey[:], r.Digest[:], c.Sig[:]):
			err = bad("epoch %d signature does not verify", c.Epoch)
		default:
			out.Checkpoints = append(out.Checkpoints, c)
			idxs = append(idxs, uint16(idx))
			continue
		}
		if err != nil {
			return out, nil, err
		}
	}
	return out, idxs, nil
}

// BuildVoteTx is PrepareProposal's half: from the previous height's votes
// (with their extensions, already checked for size by VerifyVoteExtension)
// it keeps every part that verifies against state and encodes the
// vote-extension tx. It returns nil when there is nothing to include, which
// is a valid block too: lack of extensions never stops the chain.
func BuildVoteTx(kv KV, chainID uint64, voteHeight int64, votes []Vote) ([]byte, error) {
	if voteHeight < 1 {
		return nil, nil
	}
	v, err := newVerifier(kv, chainID, uint64(voteHeight))
	if err != nil {
		return nil, err
	}
	sorted := append([]Vote(nil), votes...)
	sort.SliceStable(sorted, func(i, j int) bool { return bytes.Compare(sorted[i].ConsAddr, sorted[j].ConsAddr) < 0 })
	tx := types.VoteTx{VoteHeight: uint64(voteHeight)}
	for i, vt := range sorted {
		if !vt.Committed || len(vt.Ext) == 0 || len(vt.ConsAddr) != 20 ||
			(i > 0 && bytes.Equal(vt.ConsAddr, sorted[i-1].ConsAddr)) || len(tx.Entries) == types.MaxVoteTxEntries {
			continue
		}
		ext, err := types.DecodeVoteExt(vt.Ext)
		if err != nil {
			continue
		}
		good, idxs, err := v.check(vt.ConsAddr, ext, false)
		if err != nil {
			return nil, err
		}
		// Mark accepted checkpoint signatures as taken so a (faulty)
		// duplicate in the same set of votes is not included twice.
		for k, c := range good.Checkpoints {
			v.records[c.Epoch].Signatures = append(v.records[c.Epoch].Signatures, types.RecordedSig{Index: idxs[k]})
		}
		if good.Empty() {
			continue
		}
		tx.Entries = append(tx.Entries, types.VoteTxEntry{ConsAddr: [20]byte(vt.ConsAddr), Ext: good})
	}
	if len(tx.Entries) == 0 {
		return nil, nil
	}
	return tx.Encode()
}

// ApplyVoteTx executes the injected tx of block height: every entry must be
// a committed precommit of height-1 (votes is the block's LastCommit) and
// every signature must verify; otherwise the block is invalid. It records
// checkpoint signatures (sealing at >2/3 power), when the beacon
// signatures carry more than 2/3 of the previous height's voting power
// stores the beacon of height-1, and applies every pending TON fact whose
// votes in this tx carry more than 2/3 of that power. Fact votes are
// counted per block, never accumulated across blocks: a tally can never
// mix two validator sets, and validators repeat their votes every height
// until the fact is applied.
func ApplyVoteTx(kv KV, chainID uint64, height int64, raw []byte, votes []Vote) ([]Event, error) {
	tx, err := types.DecodeVoteTx(raw)
	if err != nil {
		return nil, codes.Wrap(types.ErrBadVoteTx, err.Error())
	}
	if int64(tx.VoteHeight) != height-1 {
		return nil, codes.Wrapf(types.ErrBadVoteTx, "vote height %d in block %d", tx.VoteHeight, height)
	}
	power := map[[20]byte]int64{} // lookups only
	var total uint64
	for _, vt := range votes {
		if vt.Power > 0 {
			total += uint64(vt.Power)
		}
		if vt.Committed && len(vt.ConsAddr) == 20 && vt.Power > 0 {
			power[[20]byte(vt.ConsAddr)] = vt.Power
		}
	}
	v, err := newVerifier(kv, chainID, tx.VoteHeight)
	if err != nil {
		return nil, err
	}
	var evs []Event
	var touched []uint64
	var beaconPower uint64
	factVotes := map[types.Hash32]uint64{} // lookups only: applyFacts walks the pending list
	bh := sha256.New()
	bh.Write(v.beaconTx)
	for _, e := range tx.Entries {
		p, ok := power[e.ConsAddr]
		if !ok {
			return nil, codes.Wrapf(types.ErrBadVoteTx, "validator %x did not commit height %d", e.ConsAddr[:], tx.VoteHeight)
		}
		good, idxs, err := v.check(e.ConsAddr[:], e.Ext, true)
		if err != nil {
			return nil, err
		}
		for _, id := range good.Facts {
			factVotes[id] += uint64(p)
		}
		if good.Beacon != nil {
			beaconPower += uint64(p)
			bh.Write(e.ConsAddr[:])
			bh.Write(good.Beacon[:])
		}
		for k, c := range good.Checkpoints {
			r := v.records[c.Epoch]
			if len(touched) == 0 || !containsEpoch(touched, c.Epoch) {
				touched = append(touched, c.Epoch)
			}
			sealed := addSignature(r, idxs[k], c.Sig, height)
			evs = append(evs, Event{Type: "checkpoint_signature", Attrs: [][2]string{
				{"epoch", strconv.FormatUint(c.Epoch, 10)}, {"validator", r.Valset[idxs[k]].Operator.Hex()},
			}})
			if sealed {
				evs = append(evs, sealEvent(r))
				if err := noteSealed(kv, r.Epoch); err != nil {
					return nil, err
				}
			}
		}
	}
	sort.Slice(touched, func(i, j int) bool { return touched[i] < touched[j] })
	for _, e := range touched {
		setCheckpoint(kv, v.records[e])
	}
	// After the checkpoint records are written: a fact may confirm one of
	// them, and reads it back.
	fevs, err := applyFacts(kv, factVotes, total, height)
	if err != nil {
		return nil, err
	}
	evs = append(evs, fevs...)
	if superMajority(beaconPower, total) {
		b := types.Beacon{SignedPower: beaconPower, TotalPower: total}
		copy(b.Value[:], bh.Sum(nil))
		kv.Set(types.BeaconKey(tx.VoteHeight), b.Marshal())
		kv.Set(types.LatestBeaconKey, append(binary.BigEndian.AppendUint64(nil, tx.VoteHeight), b.Marshal()...))
		val, _ := b.Value.MarshalText()
		evs = append(evs, Event{Type: "beacon", Attrs: [][2]string{
			{"height", strconv.FormatUint(tx.VoteHeight, 10)}, {"value", string(val)},
			{"signed_power", strconv.FormatUint(beaconPower, 10)}, {"total_power", strconv.FormatUint(total, 10)},
		}})
	}
	return evs, nil
}

func containsEpoch(es []uint64, e uint64) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

func sealEvent(r *types.CheckpointRecord) Event {
	d, _ := r.Digest.MarshalText()
	return Event{Type: "checkpoint_sealed", Attrs: [][2]string{
		{"epoch", strconv.FormatUint(r.Epoch, 10)}, {"digest", string(d)},
		{"signed_power", strconv.FormatUint(r.SignedPower, 10)}, {"total_power", strconv.FormatUint(r.TotalPower, 10)},
	}}
}

func noteSealed(kv KV, epoch uint64) error {
	b, err := bankkeeper.Get(kv, types.LatestSealedKey)
	if err != nil {
		return err
	}
	if len(b) == 8 && binary.BigEndian.Uint64(b) >= epoch {
		return nil
	}
	kv.Set(types.LatestSealedKey, binary.BigEndian.AppendUint64(nil, epoch))
	return nil
}

// LatestSealed is the newest sealed epoch.
func LatestSealed(kv KV) (uint64, bool, error) {
	b, err := bankkeeper.Get(kv, types.LatestSealedKey)
	if err != nil || len(b) != 8 {
		return 0, false, err
	}
	return binary.BigEndian.Uint64(b), true, nil
}
