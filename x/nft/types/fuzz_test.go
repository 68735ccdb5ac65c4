package types_test

import (
	"bytes"
	"testing"

	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/nft/types"
)

// FuzzDecodeTransferNFT: no body panics the decoder; an accepted body is
// canonical (re-encodes to itself); checks and hashing never panic. Also
// fuzzes the stored NFT record decoder.
func FuzzDecodeTransferNFT(f *testing.F) {
	m := &types.TransferNFT{ID: 7, To: testutil.Addr(testutil.Key(1))}
	b, _ := m.EncodeBody()
	f.Add(b)
	n := types.NFT{ID: 1, Units: 5, Tier: 1, Receipts: 2}
	f.Add(n.Marshal())
	f.Fuzz(func(t *testing.T, body []byte) {
		if rec, err := types.UnmarshalNFT(body); err == nil && !bytes.Equal(rec.Marshal(), body) {
			t.Fatalf("non-canonical nft record accepted: %x", body)
		}
		msg, err := types.DecodeTransferNFT(body)
		if err != nil {
			return
		}
		again, err := msg.EncodeBody()
		if err != nil || !bytes.Equal(again, body) {
			t.Fatalf("non-canonical body accepted: %x (%v)", body, err)
		}
		h := &auth.Header{From: testutil.Addr(testutil.Key(0))}
		_ = msg.ValidateBasic(h)
		_ = msg.HashStruct(h)
		_ = msg.Message(h)
	})
}
