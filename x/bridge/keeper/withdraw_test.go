package keeper

import (
	"strconv"
	"testing"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/x/bridge/types"
)

// The epoch a tx at height h belongs to is the one whose checkpoint block
// (epoch·E + 1) comes after it.
func TestEpochOf(t *testing.T) {
	for _, tc := range []struct {
		h    int64
		e    uint64
		want uint64
	}{
		{0, 5, 0}, {1, 5, 1}, {4, 5, 1}, {5, 5, 1}, {6, 5, 2}, {10, 5, 2}, {11, 5, 3},
		{100, 100, 1}, {101, 100, 2}, {1, 2, 1}, {2, 2, 1}, {3, 2, 2},
	} {
		if got := EpochOf(tc.h, tc.e); got != tc.want {
			t.Errorf("EpochOf(%d, %d) = %d, want %d", tc.h, tc.e, got, tc.want)
		}
	}
}

type memKV map[string][]byte

func (m memKV) Get(k []byte) ([]byte, error) { return m[string(k)], nil }
func (m memKV) Set(k, v []byte)              { m[string(k)] = v }
func (m memKV) Delete(k []byte)              { delete(m, string(k)) }

// sealWithdrawals folds the per-index leaves into the epoch's list, deletes
// them, and returns the tree's root; an epoch without withdrawals has the
// zero root and writes nothing; a missing leaf is corruption, not a root.
func TestSealWithdrawals(t *testing.T) {
	kv := memKV{}
	if root, err := sealWithdrawals(kv, 1); err != nil || root != ([32]byte{}) || len(kv) != 0 {
		t.Fatalf("empty epoch: %x %v %d keys", root, err, len(kv))
	}
	leaves := make([][32]byte, 5)
	for i := range leaves {
		leaves[i][0], leaves[i][31] = byte(i+1), 0xaa
		kv.Set(types.EpochLeafKey(2, uint32(i)), leaves[i][:])
	}
	kv.Set(types.EpochCountKey(2), types.EpochWithdrawals{Count: 5, FirstID: 10}.Marshal())
	root, err := sealWithdrawals(kv, 2)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := checkpoint.WithdrawalRoot(leaves)
	if root != want {
		t.Fatalf("root %x, want %x", root, want)
	}
	for i := range leaves {
		if _, ok := kv[string(types.EpochLeafKey(2, uint32(i)))]; ok {
			t.Fatalf("leaf %d not deleted", i)
		}
	}
	got, err := EpochLeaves(kv, 2)
	if err != nil || len(got) != 5 || got[4] != leaves[4] {
		t.Fatalf("leaf list %x %v", got, err)
	}
	kv.Set(types.EpochCountKey(3), types.EpochWithdrawals{Count: 1, FirstID: 15}.Marshal())
	if _, err := sealWithdrawals(kv, 3); err == nil {
		t.Fatal("a missing leaf gave a root")
	}
}

// BenchmarkSealWithdrawals: the checkpoint block's extra work for a full
// epoch (default cap 4096, and the tree's maximum 65536): point reads of
// every leaf, the root, the list write. ExtendVote repeats it once.
func BenchmarkSealWithdrawals(b *testing.B) {
	for _, n := range []int{1, 4096, checkpoint.MaxWithdrawalsPerEpoch} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			base := memKV{}
			for i := 0; i < n; i++ {
				var h [32]byte
				h[0], h[1], h[2] = byte(i), byte(i>>8), 1
				base.Set(types.EpochLeafKey(1, uint32(i)), h[:])
			}
			base.Set(types.EpochCountKey(1), types.EpochWithdrawals{Count: uint32(n), FirstID: 1}.Marshal())
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				if _, err := sealWithdrawals(newScratch(base), 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
