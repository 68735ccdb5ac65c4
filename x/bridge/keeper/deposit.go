package keeper

import (
	"encoding/binary"
	"errors"
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Deposits TON → L2 (x/bridge README "Deposits"): ReportDeposit makes a
// FactDeposit pending and indexes it under its TON transaction; the fact
// mechanism (facts.go) collects the validators' votes; applyDeposit credits
// once per (ton_tx_hash, ton_lt), the deposit record being the only key.

// GetDeposit reads the record of the anchor's transaction (hash, lt).
func GetDeposit(kv KV, hash types.Hash32, lt uint64) (types.DepositRecord, bool, error) {
	key := types.DepositKey(hash, lt)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return types.DepositRecord{}, false, err
	}
	r, err := types.UnmarshalDeposit(b)
	if err != nil {
		return r, false, bankkeeper.Corrupt(key, err)
	}
	return r, true, nil
}

func setDeposit(kv KV, r *types.DepositRecord) {
	kv.Set(types.DepositKey(r.TONTxHash, r.TONLt), r.Marshal())
}

// reportDeposit records f (ReportDeposit's or ReportRefund's fact) as a
// pending FactDeposit. A transaction already final (credited, returned or
// refundable) is ErrDepositProcessed (a replayed TON transaction); the same
// claim while pending is a no-op.
func reportDeposit(kv KV, from auth.Address, f types.Fact, height int64) ([]Event, error) {
	rec, found, err := GetDeposit(kv, f.TONTxHash, f.TONLt)
	if err != nil {
		return nil, err
	}
	if found && rec.Final() {
		return nil, codes.Wrapf(types.ErrDepositProcessed, "TON tx %x lt %d is %s", f.TONTxHash[:], f.TONLt, rec.Status)
	}
	id := f.ID()
	if added, err := addPendingFact(kv, from, &f, height); err != nil || !added {
		return nil, err
	}
	if !found {
		rec = types.DepositRecord{TONTxHash: f.TONTxHash, TONLt: f.TONLt, Status: types.DepositReported, ReportedHeight: height}
	}
	rec.Facts = append(rec.Facts, id) // ≤ MaxPendingFacts: every id is pending
	setDeposit(kv, &rec)
	return []Event{depositEvent("ton_fact_reported", &f, id)}, nil
}

// depositEvent is factEvent with the deposit's content.
func depositEvent(typ string, f *types.Fact, id types.Hash32) Event {
	ev := factEvent(typ, f, id)
	var r auth.Address
	if f.Recipient != nil {
		r = *f.Recipient
	}
	amt := "0"
	if f.Amount != nil {
		amt = f.Amount.Dec()
	}
	ev.Attrs = append(ev.Attrs, [2]string{"recipient", r.Hex()}, [2]string{"amount", amt})
	if f.RefundTo != nil {
		ev.Attrs = append(ev.Attrs, [2]string{"refund_to", f.RefundTo.String()})
	}
	return ev
}

// forgetDepositFact drops an expired fact from its transaction's record,
// deleting the record when nothing reports the transaction any more (so a
// status query says "not reported" and a new report starts afresh).
func forgetDepositFact(kv KV, f *types.Fact, id types.Hash32) error {
	rec, found, err := GetDeposit(kv, f.TONTxHash, f.TONLt)
	if err != nil || !found || rec.Final() {
		return err
	}
	keep := rec.Facts[:0]
	for _, x := range rec.Facts {
		if x != id {
			keep = append(keep, x)
		}
	}
	rec.Facts = keep
	if len(keep) == 0 {
		kv.Delete(types.DepositKey(f.TONTxHash, f.TONLt))
		return nil
	}
	if err := refreshTally(kv, &rec); err != nil {
		return err
	}
	setDeposit(kv, &rec)
	return nil
}

// noteDepositTally records on f's deposit record (still pending) that a
// block counted votes for one of its facts: status voted, with the
// largest tally among its pending facts (each fact holds its own, written
// by noteTally just before).
func noteDepositTally(kv KV, f *types.Fact) error {
	rec, found, err := GetDeposit(kv, f.TONTxHash, f.TONLt)
	if err != nil || !found || rec.Final() {
		return err
	}
	before := string(rec.Marshal())
	if err := refreshTally(kv, &rec); err != nil {
		return err
	}
	if string(rec.Marshal()) != before {
		setDeposit(kv, &rec)
	}
	return nil
}

// refreshTally sets a pending record's status and power from its pending
// facts (in the record's order; the first largest wins): voted with that
// fact's last tally if any fact has one, reported otherwise.
func refreshTally(kv KV, rec *types.DepositRecord) error {
	rec.Status, rec.SignedPower, rec.TotalPower, rec.VotedHeight = types.DepositReported, 0, 0, 0
	for _, id := range rec.Facts {
		f, ok, err := GetFact(kv, id)
		if err != nil {
			return err
		}
		if ok && f.SignedPower > rec.SignedPower {
			rec.Status, rec.SignedPower, rec.TotalPower, rec.VotedHeight = types.DepositVoted, f.SignedPower, f.TotalPower, f.VotedHeight
		}
	}
	return nil
}

// refundRoom: a refund fact can be applied only when its withdrawal leaf
// fits in the current epoch (and some set signs its checkpoint); until
// then it stays pending and a later block's tally applies it. Never an
// error for the block: a refusal here only defers.
func refundRoom(kv KV, f *types.Fact, height int64) (bool, error) {
	if f.Kind != types.FactDeposit || f.RefundTo == nil {
		return true, nil
	}
	p, err := GetParams(kv)
	if err != nil {
		return false, err
	}
	err = withdrawalRoom(kv, p, height)
	if errors.Is(err, types.ErrEpochFull) || errors.Is(err, types.ErrBridgeInactive) {
		return false, nil
	}
	return err == nil, err
}

// applyDeposit applies a FactDeposit that > 2/3 of the power confirmed,
// once per TON transaction: mints Amount to Recipient (credited); with no
// recipient, records it returned (the anchor's transaction succeeded: TON
// handled it) or, for a ReportRefund's fact (RefundTo set: the anchor's
// transaction failed), refundable with a withdrawal of Amount to RefundTo
// (refundRoom checked the epoch takes it). The other facts naming
// the same transaction stay pending and expire (their record entry is
// gone; a later report of the transaction is ErrDepositProcessed).
func applyDeposit(kv KV, f *types.Fact, id types.Hash32, power, total uint64, height int64) ([]Event, error) {
	rec, found, err := GetDeposit(kv, f.TONTxHash, f.TONLt)
	if err != nil {
		return nil, err
	}
	if found && rec.Final() {
		return nil, nil // another report of this transaction was applied first
	}
	if f.Amount == nil || f.Amount.IsZero() || f.Recipient == nil {
		return nil, codes.Wrapf(codes.Internal, "deposit fact %x without content", id[:])
	}
	if !found {
		rec = types.DepositRecord{TONTxHash: f.TONTxHash, TONLt: f.TONLt, ReportedHeight: f.ReportedHeight}
	}
	amt := *f.Amount
	fid := id
	rec.Facts, rec.Amount, rec.Fact = nil, &amt, &fid
	rec.AppliedHeight, rec.SignedPower, rec.TotalPower, rec.VotedHeight = height, power, total, 0
	var totalKey []byte
	var typ string
	var evs []Event
	switch {
	case *f.Recipient != (auth.Address{}):
		if err := bankkeeper.Mint(kv, *f.Recipient, &amt); err != nil {
			return nil, err
		}
		r := *f.Recipient
		rec.Status, rec.Recipient = types.DepositCredited, &r
		totalKey, typ = types.DepositedTotalKey, "deposit_credited"
	case f.RefundTo == nil:
		// The anchor's transaction succeeded: TON returned the jettons or
		// holds them for claim_refund. The L2 owes nothing.
		rec.Status = types.DepositReturned
		totalKey, typ = types.ReturnedTotalKey, "deposit_returned"
	default:
		// The anchor's transaction failed: nothing on TON owes the
		// jettons. Pay them back with an ordinary withdrawal leaf
		// (refundRoom checked the epoch has room).
		p, err := GetParams(kv)
		if err != nil {
			return nil, err
		}
		to := *f.RefundTo
		w, wev, err := appendWithdrawal(kv, p, auth.Address{}, to, &amt, height,
			&types.DepositRef{TONTxHash: f.TONTxHash, TONLt: f.TONLt})
		if err != nil {
			return nil, err
		}
		wev.Attrs = append(wev.Attrs, [2]string{"refund_of", depositRefString(f)})
		evs = append(evs, wev)
		rec.Status, rec.RefundTo, rec.WithdrawalID = types.DepositRefundable, &to, w.ID
		totalKey, typ = types.RefundableTotalKey, "deposit_refundable"
	}
	t, err := getU256(kv, totalKey)
	if err != nil {
		return nil, err
	}
	t.Add(&t, &amt) // each term ≤ 2^120; 2^136 deposits to overflow
	tb := t.Bytes32()
	kv.Set(totalKey, tb[:])
	setDeposit(kv, &rec)
	if err := indexFinal(kv, &rec); err != nil {
		return nil, err
	}
	ev := depositEvent(typ, f, id)
	ev.Attrs = append(ev.Attrs, [2]string{"signed_power", strconv.FormatUint(power, 10)},
		[2]string{"total_power", strconv.FormatUint(total, 10)})
	if rec.WithdrawalID != 0 {
		ev.Attrs = append(ev.Attrs, [2]string{"withdrawal_id", strconv.FormatUint(rec.WithdrawalID, 10)})
	}
	return append([]Event{ev}, evs...), nil
}

func depositRefString(f *types.Fact) string {
	th, _ := f.TONTxHash.MarshalText()
	return string(th) + ":" + strconv.FormatUint(f.TONLt, 10)
}

// DepositedTotal is the upingo minted for credited deposits since genesis.
func DepositedTotal(kv KV) (uint256.Int, error) { return getU256(kv, types.DepositedTotalKey) }

// RefundableTotal is the jetton units of deposits recorded refundable:
// owed by the L2 and re-included as withdrawals to their TON senders.
func RefundableTotal(kv KV) (uint256.Int, error) { return getU256(kv, types.RefundableTotalKey) }

// ReturnedTotal is the jetton units of unparseable deposits TON itself
// returned (or holds for claim_refund): not owed by the L2.
func ReturnedTotal(kv KV) (uint256.Int, error) { return getU256(kv, types.ReturnedTotalKey) }

func getU256(kv KV, key []byte) (uint256.Int, error) {
	var v uint256.Int
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return v, err
	}
	if len(b) != 32 {
		return v, bankkeeper.Corrupt(key, nil)
	}
	v.SetBytes32(b)
	return v, nil
}

// indexFinal appends a final record to the export list.
func indexFinal(kv KV, r *types.DepositRecord) error {
	n, err := bankkeeper.GetU64(kv, types.FinalDepositCountKey)
	if err != nil {
		return err
	}
	kv.Set(types.FinalDepositKey(n), append(append([]byte(nil), r.TONTxHash[:]...), u64be(r.TONLt)...))
	kv.Set(types.FinalDepositCountKey, u64be(n+1))
	return nil
}

// exportDeposits reads every final deposit record by point reads.
func exportDeposits(kv KV) ([]types.DepositRecord, error) {
	n, err := bankkeeper.GetU64(kv, types.FinalDepositCountKey)
	if err != nil {
		return nil, err
	}
	out := make([]types.DepositRecord, 0, n)
	for i := uint64(0); i < n; i++ {
		b, err := bankkeeper.Get(kv, types.FinalDepositKey(i))
		if err != nil {
			return nil, err
		}
		if len(b) != 40 {
			return nil, bankkeeper.Corrupt(types.FinalDepositKey(i), nil)
		}
		var h types.Hash32
		copy(h[:], b)
		r, found, err := GetDeposit(kv, h, binary.BigEndian.Uint64(b[32:]))
		if err != nil {
			return nil, err
		}
		if !found || !r.Final() {
			return nil, bankkeeper.Corrupt(types.FinalDepositKey(i), nil)
		}
		out = append(out, r)
	}
	return out, nil
}

// importDeposits writes validated final records, their index and the
// totals derived from them.
func importDeposits(kv KV, l []types.DepositRecord) error {
	var credited, refundable, returned uint256.Int
	for i := range l {
		r := l[i]
		r.Facts = nil
		setDeposit(kv, &r)
		if err := indexFinal(kv, &r); err != nil {
			return err
		}
		switch r.Status {
		case types.DepositCredited:
			credited.Add(&credited, r.Amount)
		case types.DepositReturned:
			returned.Add(&returned, r.Amount)
		default:
			refundable.Add(&refundable, r.Amount)
		}
	}
	for _, t := range []struct {
		key []byte
		v   *uint256.Int
	}{{types.DepositedTotalKey, &credited}, {types.RefundableTotalKey, &refundable}, {types.ReturnedTotalKey, &returned}} {
		if !t.v.IsZero() {
			b := t.v.Bytes32()
			kv.Set(t.key, b[:])
		}
	}
	return nil
}
