package keeper

import (
	"testing"

	"github.com/pingo-chain/pingo/x/bridge/types"
)

// TestAppliedFacts: the ids AppliedFacts reports are exactly those with
// more than 2/3 of the commit's total power (absent validators count in
// the total), sorted; anything execution would refuse yields nil.
func TestAppliedFacts(t *testing.T) {
	addr := func(b byte) [20]byte { return [20]byte{19: b} }
	id := func(b byte) types.Hash32 { return types.Hash32{0: b, 31: 1} }
	entry := func(a byte, ids ...types.Hash32) types.VoteTxEntry {
		return types.VoteTxEntry{ConsAddr: addr(a), Ext: types.VoteExt{Facts: ids}}
	}
	enc := func(es ...types.VoteTxEntry) []byte {
		raw, err := (&types.VoteTx{VoteHeight: 4, Entries: es}).Encode()
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	vote := func(a byte, p int64, committed bool) Vote {
		x := addr(a)
		return Vote{ConsAddr: x[:], Power: p, Committed: committed}
	}
	all := []Vote{vote(1, 1, true), vote(2, 1, true), vote(3, 1, true)}
	full := enc(entry(1, id(2), id(9)), entry(2, id(2), id(9)), entry(3, id(2), id(5), id(9)))
	for _, tc := range []struct {
		name  string
		txs   [][]byte
		votes []Vote
		want  []types.Hash32
	}{
		{"no txs", nil, all, nil},
		{"first tx not a vote tx", [][]byte{{0xc1, 0x80}, full}, all, nil},
		{"all three vote, sorted", [][]byte{full}, all, []types.Hash32{id(2), id(9)}},
		{"exactly 2/3 is not enough", [][]byte{enc(entry(1, id(2)), entry(2, id(2)))}, all, nil},
		{"absent power counts in the total",
			[][]byte{full}, []Vote{vote(1, 1, true), vote(2, 1, true), vote(3, 1, true), vote(4, 2, false)}, nil},
		{"heavy voter decides",
			[][]byte{enc(entry(1, id(7)))}, []Vote{vote(1, 10, true), vote(2, 1, true), vote(3, 1, true)}, []types.Hash32{id(7)}},
		{"entry of a validator that did not commit",
			[][]byte{full}, []Vote{vote(1, 1, true), vote(2, 1, true), vote(3, 1, false)}, nil},
		{"truncated vote tx", [][]byte{full[:len(full)-1]}, all, nil},
		{"bare magic", [][]byte{types.VoteTxMagic}, all, nil},
		{"no votes", [][]byte{full}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AppliedFacts(tc.txs, tc.votes)
			if len(got) != len(tc.want) {
				t.Fatalf("got %x, want %x", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %x, want %x", got, tc.want)
				}
			}
		})
	}
}

func TestContainsFact(t *testing.T) {
	l := []types.Hash32{{1}, {3}, {5}}
	for b, want := range map[byte]bool{0: false, 1: true, 2: false, 3: true, 5: true, 6: false} {
		if containsFact(l, types.Hash32{b}) != want {
			t.Fatalf("%d: want %v", b, want)
		}
	}
	if containsFact(nil, types.Hash32{1}) {
		t.Fatal("nil list")
	}
}

// BenchmarkAppliedFacts: what ExtendVote adds per height — decoding a
// 4-entry vote tx with 8 fact votes per entry and tallying it.
//
//	go test -run '^$' -bench AppliedFacts ./x/bridge/keeper/
func BenchmarkAppliedFacts(b *testing.B) {
	var es []types.VoteTxEntry
	var votes []Vote
	for a := byte(1); a <= 4; a++ {
		var ids []types.Hash32
		for i := byte(1); i <= types.MaxFactVotes; i++ {
			ids = append(ids, types.Hash32{0: i, 31: 1})
		}
		sig := [types.SigLen]byte{1}
		es = append(es, types.VoteTxEntry{ConsAddr: [20]byte{19: a}, Ext: types.VoteExt{Beacon: &sig,
			Checkpoints: []types.CheckpointSig{{Epoch: 1}}, Facts: ids}})
		addr := [20]byte{19: a}
		votes = append(votes, Vote{ConsAddr: addr[:], Power: 10, Committed: true})
	}
	raw, err := (&types.VoteTx{VoteHeight: 4, Entries: es}).Encode()
	if err != nil {
		b.Fatal(err)
	}
	txs := [][]byte{raw}
	if got := AppliedFacts(txs, votes); len(got) != types.MaxFactVotes {
		b.Fatalf("%d applied", len(got))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		AppliedFacts(txs, votes)
	}
}

// FuzzAppliedFacts: AppliedFacts reads block txs, untrusted bytes. It never
// panics, returns nil whenever the vote tx does not decode, and otherwise
// only ids some entry voted for, strictly ascending. The commit is fixed:
// addresses 0x..01–0x..04 committed with power 1, so an id voted by the
// entries of three of them (or all four) is applied.
func FuzzAppliedFacts(f *testing.F) {
	f.Add([]byte{0x00, 'P', 'V', 'E'})
	var votes []Vote
	for a := byte(1); a <= 4; a++ {
		addr := [20]byte{19: a}
		votes = append(votes, Vote{ConsAddr: addr[:], Power: 1, Committed: true})
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got := AppliedFacts([][]byte{raw}, votes)
		tx, err := types.DecodeVoteTx(raw)
		if err != nil {
			if got != nil {
				t.Fatalf("applied %x from an undecodable tx", got)
			}
			return
		}
		for i, id := range got {
			if i > 0 && string(got[i-1][:]) >= string(id[:]) {
				t.Fatalf("not ascending: %x", got)
			}
			n := 0
			for _, e := range tx.Entries {
				for _, x := range e.Ext.Facts {
					if x == id {
						n++
					}
				}
			}
			if n < 3 {
				t.Fatalf("%x applied with %d of 4 votes", id, n)
			}
		}
	})
}
