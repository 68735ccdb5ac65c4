package types_test

import (
	"testing"

	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// ReceiptIDOf is part of the protocol (clients derive the receipt id of
// their attestation): BE64(keccak256("pingo/receipt" ‖ id)[0:8]). The
// vectors were computed independently with @noble/hashes' keccak_256.
// Ids that differ in their last byte (nodes often count) must not give
// neighbouring receipt ids.
func TestReceiptIDOf(t *testing.T) {
	var zero, one types.Hash
	one[31] = 1
	cases := []struct {
		id   types.Hash
		want uint64
	}{
		{zero, 13325949532288645892},
		{one, 15198207042117275345},
	}
	for _, c := range cases {
		require.Equal(t, c.want, types.ReceiptIDOf(c.id), "%s", c.id.Hex())
	}
}
