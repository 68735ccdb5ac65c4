package keeper_test

import (
	"errors"
	"testing"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/stretchr/testify/require"
)

type recKV map[string][]byte

func (m recKV) Get(k []byte) ([]byte, error) {
	if string(k) == "broken" {
		return nil, errors.New("disk")
	}
	return m[string(k)], nil
}
func (m recKV) Set(k, v []byte) { m[string(k)] = v }

// The shared record helpers: absent reads as zero, a round trip keeps the
// value, a wrong length or a failing store is codes.Internal.
func TestRecordHelpers(t *testing.T) {
	kv := recKV{"short": {1, 2, 3}}
	keeper.SetUint(kv, []byte("u"), uint256.NewInt(7))
	keeper.SetU64(kv, []byte("n"), 9)
	cases := []struct {
		key     string
		wantU   uint64
		wantN   uint64
		uintErr bool
		u64Err  bool
	}{
		{"absent", 0, 0, false, false},
		{"u", 7, 0, false, true},
		{"n", 0, 9, true, false},
		{"short", 0, 0, true, true},
		{"broken", 0, 0, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			u, err := keeper.GetUint(kv, []byte(tc.key))
			if tc.uintErr {
				require.ErrorIs(t, err, codes.Internal)
			} else {
				require.NoError(t, err)
				require.Equal(t, tc.wantU, u.Uint64())
			}
			n, err := keeper.GetU64(kv, []byte(tc.key))
			if tc.u64Err {
				require.ErrorIs(t, err, codes.Internal)
			} else {
				require.NoError(t, err)
				require.Equal(t, tc.wantN, n)
			}
		})
	}
	require.ErrorIs(t, keeper.Corrupt([]byte("k"), errors.New("bad")), codes.Internal)
}
