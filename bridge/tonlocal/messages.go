package tonlocal

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tl"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

type sendReply struct {
	Txs []struct {
		Address string `json:"address"`
		LT      string `json:"lt"`
		Hash    string `json:"hash"`
		BOC     string `json:"boc"`
	} `json:"txs"`
}

// maxMessageBytes bounds an external message's BOC; TON's own limit for
// external messages is 64 KiB.
const maxMessageBytes = 64 << 10

// parseExternalMessage checks what a client sent to liteServer.sendMessage
// before it reaches the sandbox: a bounded single-root BOC whose root is an
// external inbound message (ext_in_msg_info$10) with a destination and a
// body, as tlb.Message reads it. The bytes come from any client.
//
// tonutils-go's BOC decoder panics on some malformed input and allocates by
// the header's counts (the fuzz corpus in testdata/ has both), so the BOC
// goes through checkpoint.DecodeBOC's guards, and a panic in reading the
// message is turned into a refusal.
func parseExternalMessage(body []byte) (_ *cell.Cell, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bad message BOC: %v", r)
		}
	}()
	if len(body) > maxMessageBytes {
		return nil, errors.New("message too large")
	}
	msg, err := checkpoint.DecodeBOC(body)
	if err != nil {
		return nil, err
	}
	var m tlb.Message
	if err := tlb.LoadFromCell(&m, msg.BeginParse()); err != nil {
		return nil, fmt.Errorf("bad message: %w", err)
	}
	if m.MsgType != tlb.MsgTypeExternalIn {
		return nil, errors.New("not an external inbound message")
	}
	if ext := m.AsExternalIn(); ext.DstAddr == nil || ext.DstAddr.Type() != address.StdAddress {
		return nil, errors.New("external message without a standard destination")
	}
	return msg, nil
}

// sendMessage executes an external message at once, with everything it
// causes (the wallet's transaction and the internal messages that follow),
// and files the transactions for the next block. A message the contract
// does not accept (bad seqno or signature, expired) is refused with an
// error and leaves no transaction, as on TON, where it would never make it
// into a block and costs nothing.
func (e *Endpoint) sendMessage(ctx context.Context, body []byte) (tl.Serializable, error) {
	msg, err := parseExternalMessage(body)
	if err != nil {
		return nil, ton.LSError{Code: lsErrRefused, Text: err.Error()}
	}
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	var r sendReply
	err = e.sc.call(ctx, "send", map[string]string{"boc": base64.StdEncoding.EncodeToString(msg.ToBOCWithFlags(false))}, &r)
	if errors.Is(err, errSidecar) {
		e.logf("external message refused: %v", err)
		return nil, ton.LSError{Code: lsErrRefused, Text: err.Error()}
	}
	if err != nil {
		return nil, err
	}
	recs := make([]*txRecord, 0, len(r.Txs))
	for _, t := range r.Txs {
		lt, err := strconv.ParseUint(t.LT, 10, 64)
		if err != nil {
			return nil, err
		}
		h, err := hex.DecodeString(t.Hash)
		if err != nil {
			return nil, err
		}
		b, err := base64.StdEncoding.DecodeString(t.BOC)
		if err != nil {
			return nil, err
		}
		recs = append(recs, &txRecord{Account: t.Address, LT: lt, Hash: h, BOC: b})
	}
	e.ledger.record(recs)
	if err := e.save(ctx); err != nil {
		e.logf("save state: %v", err)
	}
	return ton.SendMessageStatus{Status: 1}, nil
}

// transactions answers getTransactions: up to Limit transactions of the
// account, from (lt, hash) back in time, newest first, as one multi-root BOC.
func (e *Endpoint) transactions(q ton.GetTransactions) (tl.Serializable, error) {
	if q.AccID == nil || len(q.AccID.ID) != 32 {
		return nil, ton.LSError{Code: lsErrUnsupported, Text: "bad account id"}
	}
	limit := int(q.Limit)
	if limit <= 0 || limit > 16 {
		limit = 16
	}
	recs := e.ledger.history(rawAddr(*q.AccID), uint64(q.LT), q.TxHash, limit)
	if len(recs) == 0 {
		return nil, ton.LSError{Code: 0, Text: "no transactions found"}
	}
	roots := make([]*cell.Cell, 0, len(recs))
	ids := make([]*ton.BlockIDExt, 0, len(recs))
	for _, r := range recs {
		c, err := cell.FromBOC(r.BOC)
		if err != nil {
			return nil, err
		}
		roots = append(roots, c)
		ids = append(ids, blockID(0, r.Seqno))
	}
	return ton.TransactionList{IDs: ids, Transactions: cell.ToBOCWithFlags(roots, false)}, nil
}

// oneTransaction answers getOneTransaction (no proof: see accountProof).
func (e *Endpoint) oneTransaction(q ton.GetOneTransaction) (tl.Serializable, error) {
	if q.AccID == nil || len(q.AccID.ID) != 32 {
		return nil, ton.LSError{Code: lsErrUnsupported, Text: "bad account id"}
	}
	r := e.ledger.byLT(rawAddr(*q.AccID), uint64(q.LT))
	if r == nil {
		return nil, ton.LSError{Code: lsErrUnsupported, Text: fmt.Sprintf("no transaction at lt %d", q.LT)}
	}
	return ton.TransactionInfo{ID: blockID(0, r.Seqno), Proof: []byte{}, Transaction: r.BOC}, nil
}
