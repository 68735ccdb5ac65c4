package keeper

import (
	"errors"
	"testing"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bridge/types"
)

// TestDepositExportImport: final deposits (one credited, one returned, one
// refundable) survive an export and import — records, totals, and the
// replay refusal (bridge/51); a reported-only deposit is not exported;
// genesis refuses a non-final or duplicated record, and a refundable one
// without refund_to.
func TestDepositExportImport(t *testing.T) {
	kv := memKV{}
	kv.Set(types.ParamsKey, types.DefaultParams().Marshal())
	kv.Set(types.AnchoredSetKey, types.MarshalSet([]types.SetEntry{{Power: 1}})) // a set signs: refunds have room
	apply := func(f types.Fact) {
		if _, err := reportDeposit(kv, auth.Address{9}, f, 5); err != nil {
			t.Fatal(err)
		}
		f.ReportedHeight = 5
		if _, err := applyDeposit(kv, &f, f.ID(), 3, 4, 7); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []*types.ReportDeposit{
		{TONTxHash: types.Hash32{1}, TONLt: 1, Recipient: auth.Address{0xaa}, Amount: *uint256.NewInt(50)},
		{TONTxHash: types.Hash32{2}, TONLt: 2, Amount: *uint256.NewInt(7)},
	} {
		apply(m.Fact())
	}
	apply((&types.ReportRefund{TONTxHash: types.Hash32{5}, TONLt: 5, Amount: *uint256.NewInt(11)}).Fact())
	pending := &types.ReportDeposit{TONTxHash: types.Hash32{3}, TONLt: 3, Recipient: auth.Address{1}, Amount: *uint256.NewInt(1)}
	if _, err := reportDeposit(kv, auth.Address{9}, pending.Fact(), 6); err != nil {
		t.Fatal(err)
	}
	l, err := exportDeposits(kv)
	if err != nil || len(l) != 3 || l[0].Status != types.DepositCredited || l[1].Status != types.DepositReturned ||
		l[2].Status != types.DepositRefundable || l[2].WithdrawalID != 1 || l[2].RefundTo == nil {
		t.Fatalf("export %+v %v", l, err)
	}
	// The refund's withdrawal has no sealed checkpoint, but export must not
	// credit it back on the L2: its jettons were never minted there.
	if w, err := Unclaimable(kv); err != nil || len(w) != 0 {
		t.Fatalf("unclaimable %+v %v", w, err)
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
	ret, _ := ReturnedTotal(kv2)
	if d.Uint64() != 50 || r.Uint64() != 11 || ret.Uint64() != 7 {
		t.Fatalf("totals after import: %s %s %s", d.Dec(), r.Dec(), ret.Dec())
	}
	replay := &types.ReportDeposit{TONTxHash: types.Hash32{1}, TONLt: 1, Recipient: auth.Address{0xaa}, Amount: *uint256.NewInt(50)}
	if _, err := reportDeposit(kv2, auth.Address{9}, replay.Fact(), 1); !errors.Is(err, types.ErrDepositProcessed) {
		t.Fatalf("replay after import: %v", err)
	}
	if again, err := exportDeposits(kv2); err != nil || len(again) != 3 || again[0].TONTxHash != l[0].TONTxHash {
		t.Fatalf("re-export %+v %v", again, err)
	}
	for name, bad := range map[string][]types.DepositRecord{
		"twice":                        {l[0], l[0]},
		"reported":                     {{TONTxHash: types.Hash32{4}, TONLt: 4, Status: types.DepositReported, Amount: uint256.NewInt(1)}},
		"no amount":                    {{TONTxHash: types.Hash32{4}, TONLt: 4, Status: types.DepositRefundable}},
		"refundable without refund_to": {{TONTxHash: types.Hash32{4}, TONLt: 4, Status: types.DepositRefundable, Amount: uint256.NewInt(1)}},
	} {
		g := types.Genesis{Params: types.DefaultParams(), Deposits: bad}
		if err := g.Validate(); !errors.Is(err, types.ErrInvalidGenesis) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
