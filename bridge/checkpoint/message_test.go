package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

func TestSubmitBodyLayout(t *testing.T) {
	old, next := uniformSet(4, 10), newTestSet([]int{1, 2, 3, 4}, []uint64{20, 10, 10, 30})
	for _, rotate := range []bool{false, true} {
		target := old
		if rotate {
			target = next
		}
		cp := testCheckpoint(t, 3, old, target)
		sigs := old.sign(cp, 0, 2, 3)
		var ns []Validator
		if rotate {
			ns = next.validators()
		}
		body, err := SubmitBody(42, cp, sigs, ns)
		if err != nil {
			t.Fatal(err)
		}
		s := body.BeginParse()
		if op := s.MustLoadUInt(32); op != OpSubmitCheckpoint {
			t.Fatalf("op %#x", op)
		}
		if q := s.MustLoadUInt(64); q != 42 {
			t.Fatalf("query id %d", q)
		}
		cpCell := s.MustLoadRef().MustToCell()
		if got, err := Parse(cpCell); err != nil || got != cp {
			t.Fatalf("checkpoint ref: %v %+v", err, got)
		}
		n := s.MustLoadRef()
		for i, want := range sigs {
			if idx := n.MustLoadUInt(16); idx != uint64(want.Index) {
				t.Fatalf("signature %d: index %d, want %d", i, idx, want.Index)
			}
			if !bytes.Equal(n.MustLoadSlice(512), want.Sig[:]) {
				t.Fatalf("signature %d differs", i)
			}
			next := n.MustLoadMaybeRef()
			if (next == nil) != (i == len(sigs)-1) {
				t.Fatalf("signature %d: next present = %v", i, next != nil)
			}
			n = next
		}
		set := s.MustLoadMaybeRef()
		if (set != nil) != rotate {
			t.Fatalf("rotate=%v but new set present=%v", rotate, set != nil)
		}
		if rotate {
			c := set.MustToCell()
			if h := target.hash(t); !bytes.Equal(c.Hash(), h[:]) {
				t.Fatal("attached set does not hash to next_valset_hash")
			}
		}
		if s.BitsLeft() != 0 || s.RefsNum() != 0 {
			t.Fatalf("trailing data: %d bits %d refs", s.BitsLeft(), s.RefsNum())
		}
	}
}

func TestSubmitBodyRejects(t *testing.T) {
	old, next := uniformSet(4, 10), newTestSet([]int{1, 2, 3, 4}, []uint64{20, 10, 10, 30})
	same := testCheckpoint(t, 1, old, old)
	rot := testCheckpoint(t, 1, old, next)
	tooMany := make([]Signature, MaxValidators+1)
	for i := range tooMany {
		tooMany[i].Index = uint16(i)
	}
	wrongSet := next.validators()
	wrongSet[3].Power++
	cases := []struct {
		name   string
		cp     Checkpoint
		sigs   []Signature
		newSet []Validator
		want   error
	}{
		{"no signatures", same, nil, nil, ErrBadMessage},
		{"unsorted", same, old.sign(same, 1, 0, 2), nil, ErrBadMessage},
		{"duplicate", same, old.sign(same, 0, 1, 1), nil, ErrBadMessage},
		{"too many", same, tooMany, nil, ErrBadMessage},
		{"rotation without set", rot, old.sign(rot, 0, 1, 2), nil, ErrBadMessage},
		{"set without rotation", same, old.sign(same, 0, 1, 2), next.validators(), ErrBadMessage},
		{"set hash mismatch", rot, old.sign(rot, 0, 1, 2), wrongSet, ErrBadMessage},
		{"invalid set", rot, old.sign(rot, 0, 1, 2), []Validator{{PubKey: make(ed25519.PublicKey, 32)}}, ErrInvalidSet},
	}
	for _, c := range cases {
		if _, err := SubmitBody(0, c.cp, c.sigs, c.newSet); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

func TestInitialDataLayout(t *testing.T) {
	set := newTestSet([]int{0, 1, 2}, []uint64{5, 6, 7})
	data, err := InitialData(42, 9, set.validators())
	if err != nil {
		t.Fatal(err)
	}
	s := data.BeginParse()
	if s.MustLoadUInt(64) != 42 || s.MustLoadUInt(64) != 9 || s.MustLoadUInt(64) != 18 {
		t.Fatal("chain id / last epoch / total power")
	}
	vs := s.MustLoadMaybeRef()
	if vs == nil {
		t.Fatal("no set")
	}
	if h := set.hash(t); !bytes.Equal(vs.MustToCell().Hash(), h[:]) {
		t.Fatal("stored set is not the valset cell")
	}
	if s.MustLoadMaybeRef() != nil {
		t.Fatal("checkpoints not empty")
	}
	if _, err := InitialData(1, 0, nil); !errors.Is(err, ErrInvalidSet) {
		t.Fatalf("empty set: %v", err)
	}
}

func TestExitClassification(t *testing.T) {
	for code, want := range map[int][2]bool{
		ExitOK: {true, false}, ExitAlreadyAnchored: {true, false}, ExitStaleEpoch: {false, true},
		ExitBadSignature: {false, false}, ExitInsufficient: {false, false}, ExitCellUnderflow: {false, false},
	} {
		if Landed(code) != want[0] || Superseded(code) != want[1] {
			t.Errorf("exit %d: landed=%v superseded=%v", code, Landed(code), Superseded(code))
		}
	}
}

func TestParseSubmitBodyRoundTripAndRejects(t *testing.T) {
	old, next := uniformSet(4, 10), newTestSet([]int{1, 2, 3, 4}, []uint64{20, 10, 10, 30})
	rot := testCheckpoint(t, 2, old, next)
	sigs := old.sign(rot, 0, 1, 3)
	body, err := SubmitBody(9, rot, sigs, next.validators())
	if err != nil {
		t.Fatal(err)
	}
	sub, err := ParseSubmitBOC(body.ToBOC())
	if err != nil {
		t.Fatal(err)
	}
	if sub.QueryID != 9 || sub.Checkpoint != rot || len(sub.Signatures) != 3 || len(sub.NewSet) != 4 {
		t.Fatalf("parsed %+v", sub)
	}
	for i := range sigs {
		if sub.Signatures[i] != sigs[i] {
			t.Fatalf("signature %d differs", i)
		}
	}

	same := testCheckpoint(t, 1, old, old)
	sameSigs := signatureChain(old.sign(same, 0, 1, 2))
	nextCell, _ := ValsetCell(next.validators())
	cases := map[string]*cell.Cell{
		"wrong op":          cell.BeginCell().MustStoreUInt(1, 32).MustStoreUInt(0, 64).MustStoreMaybeRef(nil).MustStoreRef(same.Cell()).MustStoreRef(sameSigs).EndCell(),
		"unsorted":          rawSubmitBody(0, same.Cell(), signatureChain(old.sign(same, 1, 0, 2)), nil),
		"duplicate":         rawSubmitBody(0, same.Cell(), signatureChain(old.sign(same, 1, 1)), nil),
		"set not rotating":  rawSubmitBody(0, same.Cell(), sameSigs, nextCell),
		"rotating, no set":  rawSubmitBody(0, rot.Cell(), sameSigs, nil),
		"bad checkpoint":    rawSubmitBody(0, cell.BeginCell().EndCell(), sameSigs, nil),
		"signature too big": rawSubmitBody(0, same.Cell(), cell.BeginCell().MustStoreUInt(0, 16).MustStoreSlice(make([]byte, 65), 520).MustStoreMaybeRef(nil).EndCell(), nil),
	}
	for name, c := range cases {
		if _, err := ParseSubmitBody(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
