package keeper

import (
	"bytes"
	"sort"

	"github.com/pingo-chain/pingo/x/bridge/types"
)

// AppliedFacts returns the fact ids that block h will apply, read from the
// block itself: its first tx (the injected vote-extension tx of h-1's
// precommits) tallied exactly as ApplyVoteTx tallies it against votes (the
// block's last commit): an id voted by entries holding more than 2/3 of
// the total power. Ids are sorted ascending; ids not pending are included
// harmlessly (ApplyVoteTx ignores them).
//
// ExtendVote of h uses it so that its fact votes skip what block h already
// applies and go to the next pending facts: otherwise, because ExtendVote
// reads the committed state h-1 where those facts are still pending, every
// other height's votes would repeat the batch just applied, halving
// deposit throughput. Signatures are not re-checked: a validator only
// extends a block it accepted, and ProcessProposal rejects a block whose
// vote tx has any bad signature. Any parse problem (or no vote tx) yields
// nil, which is today's behaviour. The result only shapes this node's vote
// content, never state, so it cannot affect the AppHash.
func AppliedFacts(txs [][]byte, votes []Vote) []types.Hash32 {
	if len(txs) == 0 || !types.IsVoteTx(txs[0]) {
		return nil
	}
	tx, err := types.DecodeVoteTx(txs[0])
	if err != nil {
		return nil
	}
	power := map[[20]byte]uint64{} // lookups only
	var total uint64
	for _, vt := range votes {
		if vt.Power > 0 {
			total += uint64(vt.Power)
		}
		if vt.Committed && len(vt.ConsAddr) == 20 && vt.Power > 0 {
			power[[20]byte(vt.ConsAddr)] = uint64(vt.Power)
		}
	}
	tally := map[types.Hash32]uint64{} // lookups only
	var ids []types.Hash32             // first-seen order, sorted below
	for _, e := range tx.Entries {
		p, ok := power[e.ConsAddr]
		if !ok {
			return nil // ApplyVoteTx would refuse the block
		}
		for _, id := range e.Ext.Facts {
			if _, seen := tally[id]; !seen {
				ids = append(ids, id)
			}
			tally[id] += p
		}
	}
	out := ids[:0]
	for _, id := range ids {
		if superMajority(tally[id], total) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i][:], out[j][:]) < 0 })
	return out
}

// containsFact reports whether sorted (ascending) holds id.
func containsFact(sorted []types.Hash32, id types.Hash32) bool {
	i := sort.Search(len(sorted), func(i int) bool { return bytes.Compare(sorted[i][:], id[:]) >= 0 })
	return i < len(sorted) && sorted[i] == id
}
