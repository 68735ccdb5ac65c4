package app

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// depositTx is a ReportDeposit (or any msg) signed by the funded
// non-validator account.
func depositTx(t testing.TB, nonce uint64, m auth.Msg) []byte {
	t.Helper()
	ek, err := crypto.ToECDSA(testOperatorKey(1000))
	if err != nil {
		t.Fatal(err)
	}
	tx := &auth.Tx{ChainID: testChainID, Msg: m}
	tx.Nonce = nonce
	tx.Fee.SetUint64(100_000)
	if err := tx.Sign(ek); err != nil {
		t.Fatal(err)
	}
	raw, err := tx.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func depositMsg(hash byte, lt uint64, to auth.Address, amount uint64) *bridge.ReportDeposit {
	m := &bridge.ReportDeposit{TONTxHash: hash32(hash), TONLt: lt, Recipient: to}
	m.Amount.SetUint64(amount)
	return m
}

// dblock is v.block followed by the supply invariant.
func (v *vnet) dblock(txs ...[]byte) *abci.ResponseFinalizeBlock {
	v.t.Helper()
	res := v.block(txs...)
	if err := v.a.CheckInvariants(); err != nil {
		v.t.Fatalf("height %d: %v", v.h, err)
	}
	return res
}

func (v *vnet) balance(a auth.Address) uint256.Int {
	v.t.Helper()
	acc, err := authkeeper.GetAccount(kvReader{v.a.tree}, a)
	if err != nil {
		v.t.Fatal(err)
	}
	return acc.Balance
}

func (v *vnet) supply() uint256.Int {
	v.t.Helper()
	s, err := bankkeeper.Supply(kvReader{v.a.tree})
	if err != nil {
		v.t.Fatal(err)
	}
	return s
}

func (v *vnet) deposit(hash byte, lt uint64) (bridge.DepositRecord, bool) {
	v.t.Helper()
	r, found, err := bridgekeeper.GetDeposit(kvReader{v.a.tree}, hash32(hash), lt)
	if err != nil {
		v.t.Fatal(err)
	}
	return r, found
}

// voteFor makes validators `who` (by index) confirm exactly ids.
func (v *vnet) voteFor(who []int, ids ...bridge.Hash32) {
	v.confirm = func(i int, id bridge.Hash32) bool {
		in := false
		for _, w := range who {
			in = in || w == i
		}
		for _, x := range ids {
			if in && x == id {
				return true
			}
		}
		return false
	}
}

// TestBridgeDepositCreditsOnce: powers 10/20/30/40. A deposit reported
// twice is one pending fact; 60 of 100 do not credit it, 90 do: balance and
// supply up by the amount, deposited_total too, the record credited with
// the power that confirmed it. A later report of the same TON transaction
// (with the same or any other content) is bridge/51 and changes nothing.
func TestBridgeDepositCreditsOnce(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = 4 })
	to := auth.Address{0xde, 0xad}
	m := depositMsg(0xab, 1000, to, 5_000_000_000)
	id := m.Fact().ID()
	v.dblock(depositTx(t, 0, m))
	if r, found := v.deposit(0xab, 1000); !found || r.Status != bridge.DepositReported || len(r.Facts) != 1 || r.Facts[0] != id {
		t.Fatalf("after the report: %+v %v", r, found)
	}
	v.dblock(depositTx(t, 1, m)) // the same claim: a no-op
	if l := v.pendingFacts(); len(l) != 1 {
		t.Fatalf("duplicate report added a fact: %+v", l)
	}
	supply0 := v.supply()
	v.voteFor([]int{0, 1, 2}, id) // 60 of 100
	v.dblock()
	v.dblock()
	if b := v.balance(to); !b.IsZero() {
		t.Fatalf("credited with 60%% of the power: %s", b.Dec())
	}
	v.voteFor([]int{1, 2, 3}, id) // 90 of 100
	v.dblock()
	res := v.dblock()
	if !hasEvent(res, "deposit_credited") {
		t.Fatal("no deposit_credited event")
	}
	if b := v.balance(to); b.Uint64() != 5_000_000_000 {
		t.Fatalf("balance %s", b.Dec())
	}
	s := v.supply()
	if d := new(uint256.Int).Sub(&s, &supply0); d.Uint64() != 5_000_000_000 {
		t.Fatalf("supply grew by %s", d.Dec())
	}
	dt, _ := bridgekeeper.DepositedTotal(kvReader{v.a.tree})
	if dt.Uint64() != 5_000_000_000 {
		t.Fatalf("deposited_total %s", dt.Dec())
	}
	r, _ := v.deposit(0xab, 1000)
	if r.Status != bridge.DepositCredited || r.Recipient == nil || *r.Recipient != to || r.Amount.Uint64() != 5_000_000_000 ||
		r.SignedPower != 90 || r.TotalPower != 100 || r.AppliedHeight != v.h || len(r.Facts) != 0 || *r.Fact != id {
		t.Fatalf("record %+v", r)
	}
	if len(v.pendingFacts()) != 0 {
		t.Fatal("applied fact still pending")
	}
	// Votes keep coming for a while (a watcher's cache): nothing more happens.
	v.dblock()
	if b := v.balance(to); b.Uint64() != 5_000_000_000 {
		t.Fatalf("credited twice: %s", b.Dec())
	}
	// Replays: the same report, and the same transaction with other content.
	for name, rm := range map[string]*bridge.ReportDeposit{
		"same":       m,
		"other-to":   depositMsg(0xab, 1000, auth.Address{1}, 5_000_000_000),
		"refundable": depositMsg(0xab, 1000, auth.Address{}, 7),
	} {
		before := string(v.a.tree.Hash())
		raw := depositTx(t, 2, rm)
		res, err := v.a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		if err != nil {
			t.Fatal(err)
		}
		if res.Codespace != bridge.Codespace || res.Code != bridge.ErrDepositProcessed.Code() {
			t.Errorf("%s: CheckTx %s/%d %s", name, res.Codespace, res.Code, res.Log)
		}
		if st := v.process([][]byte{raw}); st != abci.ResponseProcessProposal_REJECT {
			t.Errorf("%s: a block with the replay accepted", name)
		}
		if before != string(v.a.tree.Hash()) {
			t.Errorf("%s: state changed", name)
		}
	}
}

// TestBridgeDepositReturned: a report with no recipient (the payload named
// no L2 address) and no refund_to (the anchor's transaction succeeded, so
// TON sent the jettons back or holds them for claim_refund) confirmed by
// > 2/3 is recorded returned: no balance or supply change, returned_total
// up, refundable_total (what the L2 owes) untouched, no withdrawal; a
// replay — also as a ReportRefund — is bridge/51.
func TestBridgeDepositReturned(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = 4 })
	m := depositMsg(0x11, 5, auth.Address{}, 42)
	v.dblock(depositTx(t, 0, m))
	supply0 := v.supply()
	v.voteFor([]int{0, 1, 2, 3}, m.Fact().ID())
	v.dblock()
	res := v.dblock()
	if !hasEvent(res, "deposit_returned") || hasEvent(res, "deposit_credited") || hasEvent(res, "deposit_refundable") {
		t.Fatal("events")
	}
	r, _ := v.deposit(0x11, 5)
	if r.Status != bridge.DepositReturned || r.Recipient != nil || r.Amount.Uint64() != 42 || r.WithdrawalID != 0 || r.RefundTo != nil {
		t.Fatalf("record %+v", r)
	}
	if s := v.supply(); !s.Eq(&supply0) {
		t.Fatalf("supply changed: %s → %s", supply0.Dec(), s.Dec())
	}
	kv := kvReader{v.a.tree}
	rt, _ := bridgekeeper.RefundableTotal(kv)
	ret, _ := bridgekeeper.ReturnedTotal(kv)
	dt, _ := bridgekeeper.DepositedTotal(kv)
	if !rt.IsZero() || ret.Uint64() != 42 || !dt.IsZero() {
		t.Fatalf("refundable_total %s returned_total %s deposited_total %s", rt.Dec(), ret.Dec(), dt.Dec())
	}
	if next := v.nextWithdrawalID(); next != 1 {
		t.Fatalf("a returned deposit made withdrawal %d", next-1)
	}
	for i, replay := range []auth.Msg{m, refundMsg(0x11, 5, wdTon(7), 42)} {
		res2, _ := v.a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: depositTx(t, 1, replay), Type: abci.CheckTxType_New})
		if res2.Code != bridge.ErrDepositProcessed.Code() {
			t.Fatalf("replay %d: %d %s", i, res2.Code, res2.Log)
		}
	}
}

// TestBridgeDepositForgedNeverCredited: two reports of one TON transaction
// with different content (a forger's and the true one). Validators vote
// only for what their TON view shows, so only the true one is applied; the
// forged one expires without a trace. A report nobody confirms (a
// notification not from the bridge's jetton wallet: no watcher votes)
// expires, its record is deleted, nothing is credited, and the same
// transaction can be reported again.
func TestBridgeDepositForgedNeverCredited(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 4
		g.Bridge.Params.FactExpiryBlocks = 10
	})
	thief, user := auth.Address{0x66}, auth.Address{0x77}
	forged := depositMsg(0x22, 9, thief, 1_000_000)
	honest := depositMsg(0x22, 9, user, 1_000_000)
	v.dblock(depositTx(t, 0, forged), depositTx(t, 1, honest))
	if r, _ := v.deposit(0x22, 9); len(r.Facts) != 2 {
		t.Fatalf("record %+v", r)
	}
	v.voteFor([]int{0, 1, 2, 3}, honest.Fact().ID())
	v.dblock()
	v.dblock()
	if b := v.balance(user); b.Uint64() != 1_000_000 {
		t.Fatalf("user %s", b.Dec())
	}
	// A forger's report of a transaction that carried nothing for the bridge.
	v.dblock(depositTx(t, 2, depositMsg(0x33, 4, thief, 9_000_000)))
	reported := v.h
	expired := false
	for v.h <= reported+11 {
		expired = hasEvent(v.dblock(), "ton_fact_expired") || expired
	}
	if !expired || len(v.pendingFacts()) != 0 {
		t.Fatalf("forged facts not expired: %+v", v.pendingFacts())
	}
	if b := v.balance(thief); !b.IsZero() {
		t.Fatalf("thief credited %s", b.Dec())
	}
	if _, found := v.deposit(0x33, 4); found {
		t.Fatal("expired report left a record")
	}
	if r, _ := v.deposit(0x22, 9); r.Status != bridge.DepositCredited || *r.Recipient != user {
		t.Fatalf("honest record %+v", r)
	}
	v.dblock(depositTx(t, 3, depositMsg(0x33, 4, thief, 9_000_000))) // may be reported again
}

// TestBridgeReportDepositBadInput: each refusal has its stable code and
// changes nothing, in CheckTx and in a block.
func TestBridgeReportDepositBadInput(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = 4 })
	v.dblock()
	tooMuch := depositMsg(1, 1, auth.Address{1}, 0)
	tooMuch.Amount.AddUint64(bridge.MaxWithdrawAmount, 1)
	for name, tc := range map[string]struct {
		m    *bridge.ReportDeposit
		code uint32
	}{
		"amount-zero":     {depositMsg(1, 1, auth.Address{1}, 0), bridge.ErrInvalidDepositAmount.Code()},
		"amount-too-much": {tooMuch, bridge.ErrInvalidDepositAmount.Code()},
		"zero-hash":       {&bridge.ReportDeposit{TONLt: 1, Recipient: auth.Address{1}, Amount: *uint256.NewInt(1)}, bridge.ErrInvalidReport.Code()},
		"zero-lt":         {depositMsg(1, 0, auth.Address{1}, 1), bridge.ErrInvalidReport.Code()},
	} {
		before := string(v.a.tree.Hash())
		raw := depositTx(t, 0, tc.m)
		res, err := v.a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		if err != nil {
			t.Fatal(err)
		}
		if res.Codespace != bridge.Codespace || res.Code != tc.code {
			t.Errorf("%s: CheckTx %s/%d %s", name, res.Codespace, res.Code, res.Log)
		}
		if st := v.process([][]byte{raw}); st != abci.ResponseProcessProposal_REJECT {
			t.Errorf("%s: block accepted", name)
		}
		if before != string(v.a.tree.Hash()) || len(v.pendingFacts()) != 0 {
			t.Errorf("%s: state changed", name)
		}
	}
}
