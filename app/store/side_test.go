package store_test

import (
	"testing"

	"github.com/pingo-chain/pingo/app/store"
	"github.com/stretchr/testify/require"
)

// ints is a test side value: the ids staged, in order.
type ints struct{ ids []int }

func (s *ints) MergeFrom(src any) { s.ids = append(s.ids, src.(*ints).ids...) }

func newInts() store.Merger { return &ints{} }

func stage(c *store.Cache, ids ...int) {
	v := c.Side("t", newInts).(*ints)
	v.ids = append(v.ids, ids...)
}

// Side values travel with the writes: Write hands a tx's to the parent
// (adopted, or merged after the parent's own), Discard and Release drop
// them, TakeSide consumes them, and WriteTo refuses a value nobody took.
func TestSideTravelsWithWrites(t *testing.T) {
	cases := []struct {
		name string
		run  func(blk *store.Cache)
		want []int
	}{
		{"written", func(blk *store.Cache) {
			tx := store.NewCache(blk)
			stage(tx, 1, 2)
			tx.Write()
		}, []int{1, 2}},
		{"merged in tx order", func(blk *store.Cache) {
			stage(blk, 0)
			for _, id := range []int{1, 2} {
				tx := store.AcquireCache(blk)
				stage(tx, id)
				tx.Write()
				tx.Release()
			}
		}, []int{0, 1, 2}},
		{"discarded", func(blk *store.Cache) {
			tx := store.NewCache(blk)
			stage(tx, 1)
			tx.Discard()
			tx2 := store.AcquireCache(blk)
			stage(tx2, 2)
			tx2.Release() // never written
			tx3 := store.NewCache(blk)
			stage(tx3, 3)
			tx3.Write()
		}, []int{3}},
		{"none", func(*store.Cache) {}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			blk := store.NewCache(newMem()).Memoize()
			tc.run(blk)
			v := blk.TakeSide("t")
			if tc.want == nil {
				require.Nil(t, v)
			} else {
				require.Equal(t, tc.want, v.(*ints).ids)
			}
			require.Nil(t, blk.TakeSide("t"), "taken once")
			blk.WriteTo(newMem()) // nothing left: no panic
		})
	}
	blk := store.NewCache(newMem())
	stage(blk, 1)
	require.Panics(t, func() { blk.WriteTo(newMem()) }, "a side value left at the flush would be lost")
}
