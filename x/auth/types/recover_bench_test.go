package types_test

import (
	"testing"

	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
)

func BenchmarkRecoverSender(b *testing.B) {
	c := auth.NewCodec()
	bank.Register(c)
	raw := testutil.Transfer(testutil.Key(1), 7447, 0, 10000, testutil.Addr(testutil.Key(2)), 5)
	tx, err := c.Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tx.RecoverSender(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	c := auth.NewCodec()
	bank.Register(c)
	raw := testutil.Transfer(testutil.Key(1), 7447, 0, 10000, testutil.Addr(testutil.Key(2)), 5)
	for i := 0; i < b.N; i++ {
		if _, err := c.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
