package checkpoint

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

func TestValsetRejects(t *testing.T) {
	key := uniformSet(1, 1).validators()[0].PubKey
	big := make([]Validator, MaxValidators+1)
	for i := range big {
		big[i] = Validator{PubKey: key, Power: 1}
	}
	cases := map[string][]Validator{
		"empty":       nil,
		"too many":    big,
		"zero power":  {{PubKey: key, Power: 1}, {PubKey: key, Power: 0}},
		"short key":   {{PubKey: key[:31], Power: 1}},
		"overflowing": {{PubKey: key, Power: math.MaxUint64}, {PubKey: key, Power: 1}},
	}
	for name, set := range cases {
		if _, err := ValsetHash(set); !errors.Is(err, ErrInvalidSet) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := ValsetHash(big[:MaxValidators]); err != nil {
		t.Fatalf("%d validators: %v", MaxValidators, err)
	}
}

func TestValsetHashIsOrderAndPowerSensitive(t *testing.T) {
	a := uniformSet(3, 10)
	b := testSet{a[1], a[0], a[2]}
	c := uniformSet(3, 10)
	c[2].power = 11
	ha, hb, hc := a.hash(t), b.hash(t), c.hash(t)
	if ha == hb || ha == hc || hb == hc {
		t.Fatal("distinct sets share a hash")
	}
}

func TestParseValsetRoundTripAndRejects(t *testing.T) {
	set := newTestSet([]int{3, 1, 4, 1, 5}, []uint64{9, 2, 6, 5, 3}).validators()
	root, err := ValsetCell(set)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseValset(root)
	if err != nil {
		t.Fatal(err)
	}
	for i := range set {
		if !got[i].PubKey.Equal(set[i].PubKey) || got[i].Power != set[i].Power {
			t.Fatalf("entry %d differs", i)
		}
	}

	entry := func(p uint64) *cell.Cell {
		return cell.BeginCell().MustStoreSlice(set[0].PubKey, 256).MustStoreUInt(p, 64).EndCell()
	}
	dict := func(keys []int64, vals []*cell.Cell) *cell.Cell {
		d := cell.NewDict(16)
		for i, k := range keys {
			if err := d.SetIntKey(new(big.Int).SetInt64(k), vals[i]); err != nil {
				t.Fatal(err)
			}
		}
		return d.AsCell()
	}
	cases := map[string]*cell.Cell{
		"nil":         nil,
		"index gap":   dict([]int64{0, 2}, []*cell.Cell{entry(1), entry(1)}),
		"zero power":  dict([]int64{0, 1}, []*cell.Cell{entry(1), entry(0)}),
		"short value": dict([]int64{0}, []*cell.Cell{cell.BeginCell().MustStoreSlice(set[0].PubKey, 256).EndCell()}),
		"value ref":   dict([]int64{0}, []*cell.Cell{cell.BeginCell().MustStoreSlice(set[0].PubKey, 256).MustStoreUInt(1, 64).MustStoreRef(entry(1)).EndCell()}),
		"not a dict":  cell.BeginCell().MustStoreUInt(0xffff, 16).EndCell(),
	}
	for name, c := range cases {
		if _, err := ParseValset(c); !errors.Is(err, ErrInvalidSet) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
