package types_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// Receipts and jobs written by #4 (without the proof fields) still decode:
// the new fields are optional trailing RLP fields, read as zero.
func TestOldRecordsDecode(t *testing.T) {
	type oldReceipt struct {
		ID, JobID     uint64
		AttestationID types.Hash
		Node          auth.Address
		Start, End    uint64
		OutputRoot    types.Hash
		Shares        []types.ReceiptShare
		NodePaid      uint256.Int
		Height, Epoch uint64
		Status        types.ReceiptStatus
	}
	b, err := rlp.EncodeToBytes(&oldReceipt{ID: 7, Start: 1, End: 9, Status: types.ReceiptFinal,
		Shares: []types.ReceiptShare{{Units: 8}}})
	require.NoError(t, err)
	r, err := types.UnmarshalReceipt(b)
	require.NoError(t, err)
	require.Equal(t, uint64(7), r.ID)
	require.Equal(t, types.VerdictNone, r.Verdict)
	require.Zero(t, r.K)

	j := types.Job{ID: 3, Units: 10, State: types.JobOpen}
	full := j.Marshal()
	// A #4 job is the same list without the two trailing counters (both
	// zero, which canonical RLP omits as optional fields).
	got, err := types.UnmarshalJob(full)
	require.NoError(t, err)
	require.Equal(t, uint64(3), got.ID)
	j.UnitsPending = 5
	got, err = types.UnmarshalJob(j.Marshal())
	require.NoError(t, err)
	require.Equal(t, uint64(5), got.UnitsPending)
}

// Shares cover consecutive runs of the range in order.
func TestReceiptShare(t *testing.T) {
	r := types.Receipt{Start: 10, End: 20, Shares: []types.ReceiptShare{{Units: 3}, {Units: 7}}}
	for idx, want := range map[uint64][2]uint64{10: {0, 10}, 12: {0, 10}, 13: {1, 13}, 19: {1, 13}} {
		i, first := r.Share(idx)
		require.Equal(t, want, [2]uint64{uint64(i), first}, "unit %d", idx)
	}
	i, _ := r.Share(20)
	require.Equal(t, -1, i)
}
