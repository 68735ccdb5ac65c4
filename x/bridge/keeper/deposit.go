package keeper

import (
	"encoding/binary"
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

// reportDeposit records m as a pending FactDeposit. A transaction already
// credited or recorded refundable is ErrDepositProcessed (a replayed TON
// transaction); the same claim while pending is a no-op.
func reportDeposit(kv KV, from auth.Address, m *types.ReportDeposit, height int64) ([]Event, error) {
	rec, found, err := GetDeposit(kv, m.TONTxHash, m.TONLt)
	if err != nil {
		return nil, err
	}
	if found && rec.Final() {
		return nil, codes.Wrapf(types.ErrDepositProcessed, "TON tx %x lt %d is %s", m.TONTxHash[:], m.TONLt, rec.Status)
	}
	f := m.Fact()
	id := f.ID()
	if _, pending, err := GetFact(kv, id); err != nil || pending {
		return nil, err
	}
	l, err := PendingFacts(kv)
	if err != nil {
		return nil, err
	}
	if len(l) >= types.MaxPendingFacts {
		return nil, codes.Wrapf(types.ErrTooManyFacts, "%d pending", len(l))
	}
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	f.Reporter, f.ReportedHeight, f.ExpiresHeight = from, height, height+int64(p.FactExpiry())
	kv.Set(types.FactKey(id), f.Marshal())
	setPendingFacts(kv, append(l, types.PendingFact{ID: id, ExpiresHeight: f.ExpiresHeight}))
	if !found {
		rec = types.DepositRecord{TONTxHash: m.TONTxHash, TONLt: m.TONLt, Status: types.DepositReported, ReportedHeight: height}
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
	setDeposit(kv, &rec)
	return nil
}

// applyDeposit applies a FactDeposit that > 2/3 of the power confirmed:
// mints Amount to Recipient (or records the deposit refundable when the
// payload named none), once per TON transaction. The other facts naming
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
	rec.AppliedHeight, rec.SignedPower, rec.TotalPower = height, power, total
	totalKey := types.RefundableTotalKey
	typ := "deposit_refundable"
	if *f.Recipient == (auth.Address{}) {
		rec.Status = types.DepositRefundable
	} else {
		if err := bankkeeper.Mint(kv, *f.Recipient, &amt); err != nil {
			return nil, err
		}
		r := *f.Recipient
		rec.Status, rec.Recipient = types.DepositCredited, &r
		totalKey, typ = types.DepositedTotalKey, "deposit_credited"
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
	return []Event{ev}, nil
}

// DepositedTotal is the upingo minted for credited deposits since genesis.
func DepositedTotal(kv KV) (uint256.Int, error) { return getU256(kv, types.DepositedTotalKey) }

// RefundableTotal is the jetton units of deposits recorded refundable.
func RefundableTotal(kv KV) (uint256.Int, error) { return getU256(kv, types.RefundableTotalKey) }

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
	var credited, refundable uint256.Int
	for i := range l {
		r := l[i]
		r.Facts = nil
		setDeposit(kv, &r)
		if err := indexFinal(kv, &r); err != nil {
			return err
		}
		if r.Status == types.DepositCredited {
			credited.Add(&credited, r.Amount)
		} else {
			refundable.Add(&refundable, r.Amount)
		}
	}
	for _, t := range []struct {
		key []byte
		v   *uint256.Int
	}{{types.DepositedTotalKey, &credited}, {types.RefundableTotalKey, &refundable}} {
		if !t.v.IsZero() {
			b := t.v.Bytes32()
			kv.Set(t.key, b[:])
		}
	}
	return nil
}
