package app

import (
	"context"
	"encoding/binary"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// Deposit status (voted, with the tally) and refunds of unparseable
// deposits whose anchor transaction failed (x/bridge README "Deposits").

// wdTon is a TON owner on the basechain.
func wdTon(b byte) bridge.TONAddr { return bridge.TONAddr{4: b, 35: 1} }

func refundMsg(hash byte, lt uint64, sender bridge.TONAddr, amount uint64) *bridge.ReportRefund {
	m := &bridge.ReportRefund{TONTxHash: hash32(hash), TONLt: lt, Sender: sender}
	m.Amount.SetUint64(amount)
	return m
}

func (v *vnet) nextWithdrawalID() uint64 {
	v.t.Helper()
	b, err := kvReader{v.a.tree}.Get(bridge.NextWithdrawalIDKey)
	if err != nil {
		v.t.Fatal(err)
	}
	if len(b) != 8 {
		return 1
	}
	return binary.BigEndian.Uint64(b)
}

func (v *vnet) fact(id bridge.Hash32) (bridge.Fact, bool) {
	v.t.Helper()
	f, ok, err := bridgekeeper.GetFact(kvReader{v.a.tree}, id)
	if err != nil {
		v.t.Fatal(err)
	}
	return f, ok
}

// proven queries path with a proof and verifies it against the last
// committed AppHash.
func (v *vnet) proven(path string) []byte {
	v.t.Helper()
	res, err := v.a.Query(context.Background(), &abci.RequestQuery{Path: path, Prove: true})
	if err != nil || res.Code != 0 || res.ProofOps == nil || len(res.ProofOps.Ops) != 1 {
		v.t.Fatalf("%s: %v %+v", path, err, res)
	}
	var p ics23.CommitmentProof
	if err := p.Unmarshal(res.ProofOps.Ops[0].Data); err != nil {
		v.t.Fatal(err)
	}
	root := v.a.tree.Hash()
	ok := false
	if res.Value == nil {
		ok = ics23.VerifyNonMembership(ics23.IavlSpec, root, &p, res.Key)
	} else {
		ok = ics23.VerifyMembership(ics23.IavlSpec, root, &p, res.Key, res.Value)
	}
	if !ok {
		v.t.Fatalf("%s: proof does not verify", path)
	}
	return res.Value
}

// TestBridgeDepositVotedStatus: powers 10/20/30/40. A reported deposit is
// `reported` with no power; once a block counts votes for its fact (≤ 2/3)
// the record is `voted` with that block's signed and total power, read
// with a proof, and so is the fact; a later tally with more power updates
// both; blocks without votes keep the last tally; the credit replaces the
// tally with the applying power. A second report of the same transaction
// (other content) never voted does not lower the record's power; when the
// voted fact expires, the record falls back to `reported`.
func TestBridgeDepositVotedStatus(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 4
		g.Bridge.Params.FactExpiryBlocks = 12
	})
	to := auth.Address{0xd1}
	m := depositMsg(0x44, 77, to, 9_000)
	wrong := depositMsg(0x44, 77, auth.Address{0x66}, 9_000)
	id := m.Fact().ID()
	v.dblock(depositTx(t, 0, m), depositTx(t, 1, wrong))
	th, _ := hash32(0x44).MarshalText()
	path := "/bridge/deposit/" + string(th) + "/77"
	read := func() bridge.DepositRecord {
		r, err := bridge.UnmarshalDeposit(v.proven(path))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := read(); r.Status != bridge.DepositReported || r.SignedPower != 0 || len(r.Facts) != 2 {
		t.Fatalf("reported: %+v", r)
	}
	v.voteFor([]int{0, 1}, id) // 30 of 100
	v.dblock()
	v.dblock() // extensions of the previous height carry the votes
	r := read()
	if r.Status != bridge.DepositVoted || r.SignedPower != 30 || r.TotalPower != 100 || r.VotedHeight != v.h {
		t.Fatalf("voted 30: %+v", r)
	}
	votedAt := r.VotedHeight
	if f, ok := v.fact(id); !ok || f.SignedPower != 30 || f.TotalPower != 100 || f.VotedHeight != votedAt || f.ID() != id {
		t.Fatalf("fact after a tally: %+v %v", f, ok)
	}
	v.dblock() // the same tally again: nothing rewritten
	if r := read(); r.VotedHeight != votedAt {
		t.Fatalf("an unchanged tally was rewritten: %+v", r)
	}
	v.voteFor([]int{0, 1, 2}, id) // 60 of 100: still not applied
	v.dblock()
	v.dblock()
	if r := read(); r.Status != bridge.DepositVoted || r.SignedPower != 60 {
		t.Fatalf("voted 60: %+v", r)
	}
	v.voteFor(nil) // the validators' TON views go dark: the last tally stays
	v.dblock()
	v.dblock()
	if r := read(); r.Status != bridge.DepositVoted || r.SignedPower != 60 {
		t.Fatalf("after blocks without votes: %+v", r)
	}
	if b := v.balance(to); !b.IsZero() {
		t.Fatalf("credited below 2/3: %s", b.Dec())
	}
	// Expiry: both facts go, the record with them (absent: report again).
	for len(v.pendingFacts()) > 0 {
		v.dblock()
	}
	if v.proven(path) != nil {
		t.Fatal("record kept after every fact expired")
	}
	// Reported again and credited: the tally gives way to the applying power.
	v.dblock(depositTx(t, 2, m))
	v.voteFor([]int{0, 1}, id)
	v.dblock()
	v.dblock()
	if r := read(); r.Status != bridge.DepositVoted || r.SignedPower != 30 {
		t.Fatalf("voted again: %+v", r)
	}
	v.voteFor([]int{1, 2, 3}, id)
	v.dblock()
	v.dblock()
	if r := read(); r.Status != bridge.DepositCredited || r.SignedPower != 90 || r.TotalPower != 100 || r.VotedHeight != 0 || len(r.Facts) != 0 {
		t.Fatalf("credited: %+v", r)
	}
	if b := v.balance(to); b.Uint64() != 9_000 {
		t.Fatalf("balance %s", b.Dec())
	}
}

// TestBridgeDepositVotedFallsBack: two facts name one transaction; only one
// is voted. When the voted one expires first the record keeps the other
// and goes back to `reported` with no power.
func TestBridgeDepositVotedFallsBack(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 4
		g.Bridge.Params.FactExpiryBlocks = 10
	})
	first := depositMsg(0x45, 1, auth.Address{1}, 5)
	v.dblock(depositTx(t, 0, first))
	v.voteFor([]int{3}, first.Fact().ID()) // 40
	v.dblock()
	v.dblock()
	v.dblock(depositTx(t, 1, depositMsg(0x45, 1, auth.Address{2}, 5))) // reported later, expires later
	if r, _ := v.deposit(0x45, 1); r.Status != bridge.DepositVoted || r.SignedPower != 40 || len(r.Facts) != 2 {
		t.Fatalf("%+v", r)
	}
	for len(v.pendingFacts()) == 2 {
		v.dblock()
	}
	if r, _ := v.deposit(0x45, 1); r.Status != bridge.DepositReported || r.SignedPower != 0 || r.VotedHeight != 0 || len(r.Facts) != 1 {
		t.Fatalf("after the voted fact expired: %+v", r)
	}
}

// TestBridgeRefundReincluded: an unparseable deposit whose anchor
// transaction failed, reported by ReportRefund and confirmed by > 2/3, is
// `refundable` with withdrawal_id: a withdrawal of the amount to the TON
// sender (from zero, refund_of naming the deposit) whose leaf is in the
// epoch's checkpoint root, so the anchor pays it with an ordinary claim.
// The L2 supply and withdrawn_total (burned) do not move; refundable_total
// does. A replay of either form is bridge/51 and the refund is made once.
func TestBridgeRefundReincluded(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = 4 })
	sender := wdTon(0x5e)
	m := refundMsg(0x55, 31, sender, 1_234)
	v.dblock(depositTx(t, 0, m))
	supply0 := v.supply()
	v.voteFor([]int{0, 1, 2, 3}, m.Fact().ID())
	v.dblock()
	res := v.dblock()
	if !hasEvent(res, "deposit_refundable") || !hasEvent(res, "withdraw") {
		t.Fatal("events")
	}
	r, _ := v.deposit(0x55, 31)
	if r.Status != bridge.DepositRefundable || r.RefundTo == nil || *r.RefundTo != sender || r.WithdrawalID != 1 || r.Amount.Uint64() != 1_234 {
		t.Fatalf("record %+v", r)
	}
	kv := kvReader{v.a.tree}
	w, ok, err := bridgekeeper.GetWithdrawal(kv, 1)
	if err != nil || !ok || w.To != sender || w.Amount.Uint64() != 1_234 || w.From != (auth.Address{}) ||
		w.RefundOf == nil || w.RefundOf.TONTxHash != hash32(0x55) || w.RefundOf.TONLt != 31 || w.Height != v.h {
		t.Fatalf("withdrawal %+v %v %v", w, ok, err)
	}
	if s := v.supply(); !s.Eq(&supply0) {
		t.Fatalf("supply %s → %s", supply0.Dec(), s.Dec())
	}
	wt, _ := bridgekeeper.WithdrawnTotal(kv)
	rt, _ := bridgekeeper.RefundableTotal(kv)
	ret, _ := bridgekeeper.ReturnedTotal(kv)
	if !wt.IsZero() || rt.Uint64() != 1_234 || !ret.IsZero() {
		t.Fatalf("withdrawn_total %s refundable_total %s returned_total %s", wt.Dec(), rt.Dec(), ret.Dec())
	}
	if b := v.proven("/bridge/refundable_total"); new(uint256.Int).SetBytes(b).Uint64() != 1_234 {
		t.Fatalf("/bridge/refundable_total %x", b)
	}
	// The leaf is in the epoch's root once its checkpoint is taken.
	for v.checkpointStatus(w.Epoch) == "" {
		v.dblock()
	}
	leaves, err := bridgekeeper.EpochLeaves(kvReader{v.a.tree}, w.Epoch)
	if err != nil || len(leaves) != 1 || leaves[0] != w.Leaf {
		t.Fatalf("epoch %d leaves %x %v", w.Epoch, leaves, err)
	}
	// Replays, and votes that keep coming: nothing more.
	v.dblock()
	for i, replay := range []auth.Msg{m, depositMsg(0x55, 31, auth.Address{}, 1_234), refundMsg(0x55, 31, wdTon(1), 1_234)} {
		before := string(v.a.tree.Hash())
		raw := depositTx(t, 1, replay)
		res, _ := v.a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		if res.Code != bridge.ErrDepositProcessed.Code() || res.Codespace != bridge.Codespace {
			t.Errorf("replay %d: %s/%d %s", i, res.Codespace, res.Code, res.Log)
		}
		if st := v.process([][]byte{raw}); st != abci.ResponseProcessProposal_REJECT {
			t.Errorf("replay %d: block accepted", i)
		}
		if before != string(v.a.tree.Hash()) {
			t.Errorf("replay %d: state changed", i)
		}
	}
	if n := v.nextWithdrawalID(); n != 2 {
		t.Fatalf("next withdrawal id %d: refunded twice?", n)
	}
}

// TestBridgeRefundWaitsForRoom: with max_withdrawals_per_epoch 1 and the
// epoch's one leaf taken by a Withdraw, a refund confirmed by > 2/3 is not
// applied (no block error): it stays pending, shown `voted` with its
// tally, and a block of the next epoch whose tally holds > 2/3 applies
// it there.
func TestBridgeRefundWaitsForRoom(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 8
		g.Bridge.Params.MaxWithdrawalsPerEpoch = 1
	})
	v.dblock()
	wd := &bridge.Withdraw{To: wdTon(9)}
	wd.Amount.SetUint64(1_000)
	m := refundMsg(0x56, 2, wdTon(0x5e), 77)
	v.dblock(depositTx(t, 0, wd), depositTx(t, 1, m)) // height 2: epoch 1 is full
	v.voteFor([]int{0, 1, 2, 3}, m.Fact().ID())
	v.dblock()
	v.dblock()
	if bridgekeeper.EpochOf(v.h, 8) != 1 {
		t.Fatalf("test assumes height %d in epoch 1", v.h)
	}
	r, _ := v.deposit(0x56, 2)
	if r.Status != bridge.DepositVoted || r.SignedPower != 100 || len(v.pendingFacts()) != 1 {
		t.Fatalf("refund applied into a full epoch: %+v", r)
	}
	for bridgekeeper.EpochOf(v.h, 8) == 1 {
		v.dblock()
	}
	// ExtendVote(h) skips the facts block h's vote tx carries > 2/3 for
	// (keeper.AppliedFacts), which cannot know that a refund was deferred,
	// so the extensions of the last block of epoch 1 left it out: the
	// second block of epoch 2 applies it.
	v.dblock()
	r, _ = v.deposit(0x56, 2)
	if r.Status != bridge.DepositRefundable || r.WithdrawalID != 2 {
		t.Fatalf("after the epoch turned: %+v (height %d)", r, v.h)
	}
	w, _, _ := bridgekeeper.GetWithdrawal(kvReader{v.a.tree}, 2)
	if w.Epoch != 2 || w.Index != 0 {
		t.Fatalf("refund withdrawal %+v", w)
	}
}

// refundRaw is a ReportRefund with a body built by hand (a sender of any
// length), signed as a ReportRefund.
type refundRaw struct{ body []byte }

func rawRefund(t testing.TB, sender []byte) *refundRaw {
	b, err := rlp.EncodeToBytes(&struct {
		H  [32]byte
		Lt uint64
		S  []byte
		A  *uint256.Int
	}{hash32(1), 1, sender, uint256.NewInt(1)})
	if err != nil {
		t.Fatal(err)
	}
	return &refundRaw{body: b}
}

func (m *refundRaw) Action() uint64                       { return bridge.ActionReportRefund }
func (m *refundRaw) Type() (auth.TypeDef, []auth.TypeDef) { return (&bridge.ReportRefund{}).Type() }
func (m *refundRaw) EncodeBody() ([]byte, error)          { return m.body, nil }
func (m *refundRaw) HashStruct(h *auth.Header) [32]byte {
	return (&bridge.ReportRefund{}).HashStruct(h)
}
func (m *refundRaw) Message(h *auth.Header) map[string]any {
	return (&bridge.ReportRefund{}).Message(h)
}
func (m *refundRaw) ValidateBasic(*auth.Header) error { return nil }

// TestBridgeReportRefundBadInput: each refusal has its stable code and
// changes nothing, in CheckTx and in a block.
func TestBridgeReportRefundBadInput(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = 4 })
	v.dblock()
	tooMuch := refundMsg(1, 1, wdTon(1), 0)
	tooMuch.Amount.AddUint64(bridge.MaxWithdrawAmount, 1)
	badWC := wdTon(1)
	badWC[3] = 5 // workchain 5
	for name, tc := range map[string]struct {
		m    auth.Msg
		code uint32
	}{
		"amount-zero":      {refundMsg(1, 1, wdTon(1), 0), bridge.ErrInvalidDepositAmount.Code()},
		"amount-too-much":  {tooMuch, bridge.ErrInvalidDepositAmount.Code()},
		"zero-hash":        {&bridge.ReportRefund{TONLt: 1, Sender: wdTon(1), Amount: *uint256.NewInt(1)}, bridge.ErrInvalidReport.Code()},
		"zero-lt":          {refundMsg(1, 0, wdTon(1), 1), bridge.ErrInvalidReport.Code()},
		"sender-workchain": {refundMsg(1, 1, badWC, 1), bridge.ErrInvalidTONAddress.Code()},
		"sender-35-bytes":  {rawRefund(t, make([]byte, 35)), bridge.ErrInvalidTONAddress.Code()},
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
