package keeper

import (
	"errors"
	"testing"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bridge/types"
)

// TestDepositExportImport: final deposits (one credited, one refundable)
// survive an export and import — records, totals, and the replay refusal
// (bridge/51); a reported-only deposit is not exported; genesis refuses a
// non-final or duplicated record.
func TestDepositExportImport(t *testing.T) {
	kv := memKV{}
	kv.Set(types.ParamsKey, types.DefaultParams().Marshal())
	apply := func(hash byte, to auth.Address, amt uint64) {
		m := &types.ReportDeposit{TONTxHash: types.Hash32{hash}, TONLt: uint64(hash), Recipient: to}
		m.Amount.SetUint64(amt)
		if _, err := reportDeposit(kv, auth.Address{9}, m, 5); err != nil {
			t.Fatal(err)
		}
		f := m.Fact()
		f.ReportedHeight = 5
		if _, err := applyDeposit(kv, &f, f.ID(), 3, 4, 7); err != nil {
			t.Fatal(err)
		}
	}
	apply(1, auth.Address{0xaa}, 50)
	apply(2, auth.Address{}, 7)
	pending := &types.ReportDeposit{TONTxHash: types.Hash32{3}, TONLt: 3, Recipient: auth.Address{1}, Amount: *uint256.NewInt(1)}
	if _, err := reportDeposit(kv, auth.Address{9}, pending, 6); err != nil {
		t.Fatal(err)
	}
	l, err := exportDeposits(kv)
	if err != nil || len(l) != 2 || l[0].Status != types.DepositCredited || l[1].Status != types.DepositRefundable {
		t.Fatalf("export %+v %v", l, err)
	}
	g := types.Genesis{Params: types.DefaultParams(), Deposits: l}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	kv2 := memKV{}
	kv2.Set(types.ParamsKey, types.DefaultParams().Marshal())
	if err := importDeposits(kv2, l); err != nil {
		t.Fatal(err)
	}
	d, _ := DepositedTotal(kv2)
	r, _ := RefundableTotal(kv2)
	if d.Uint64() != 50 || r.Uint64() != 7 {
		t.Fatalf("totals after import: %s %s", d.Dec(), r.Dec())
	}
	replay := &types.ReportDeposit{TONTxHash: types.Hash32{1}, TONLt: 1, Recipient: auth.Address{0xaa}, Amount: *uint256.NewInt(50)}
	if _, err := reportDeposit(kv2, auth.Address{9}, replay, 1); !errors.Is(err, types.ErrDepositProcessed) {
		t.Fatalf("replay after import: %v", err)
	}
	if again, err := exportDeposits(kv2); err != nil || len(again) != 2 || again[0].TONTxHash != l[0].TONTxHash {
		t.Fatalf("re-export %+v %v", again, err)
	}
	for name, bad := range map[string][]types.DepositRecord{
		"twice":     {l[0], l[0]},
		"reported":  {{TONTxHash: types.Hash32{4}, TONLt: 4, Status: types.DepositReported, Amount: uint256.NewInt(1)}},
		"no amount": {{TONTxHash: types.Hash32{4}, TONLt: 4, Status: types.DepositRefundable}},
	} {
		g := types.Genesis{Params: types.DefaultParams(), Deposits: bad}
		if err := g.Validate(); !errors.Is(err, types.ErrInvalidGenesis) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
