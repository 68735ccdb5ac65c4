package checkpoint

// Deposits TON → L2 (issue #7). A user sends PINGO jettons to the anchor with
// the L2 recipient in the forward payload; the anchor's jetton wallet then
// sends the anchor a TEP-74 transfer_notification, which the validators'
// TON watchers read from the anchor's transaction and key by (tx hash, lt).
// The anchor and this file apply the same rule to the payload, so a deposit
// the L2 credits is exactly one the anchor kept (and did not refund):
//
//	deposit_payload#504e4744 l2_address:bits160 = DepositPayload;  // "PNGD", 192 bits, no refs
//
// carried in the notification's forward_payload:(Either Cell ^Cell):
//   - bit 0: the rest of the notification body is the payload: exactly
//     192 bits and no refs;
//   - bit 1: the payload is the ref, exactly 192 bits and no refs (anything
//     after the ref in the body is ignored, as TEP-74 puts nothing there);
//   - no bit at all (empty forward payload), bit 1 without a ref, another
//     tag, another length, or the all-zero address: unparseable, and the
//     anchor keeps the jettons as refundable to the notification's sender
//     (bridge/contracts/README.md "Deposits").

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

// TEP-74 opcodes.
const (
	OpJettonTransfer       = 0x0f8a7ea5
	OpTransferNotification = 0x7362d09c
	OpJettonExcesses       = 0xd53276db
)

// DepositTag is the payload's prefix, ASCII "PNGD".
const DepositTag = 0x504e4744

const depositPayloadBits = 32 + 160

// ErrUnparseableDeposit: the jettons arrived, but the payload names no L2
// recipient. Nothing is credited; the deposit is refundable on TON.
var ErrUnparseableDeposit = errors.New("checkpoint: unparseable deposit payload")

// DepositPayload builds the forward payload a depositor attaches to its
// jetton transfer (inline or as a ref; both are read the same).
func DepositPayload(l2 [20]byte) *cell.Cell {
	return cell.BeginCell().MustStoreUInt(DepositTag, 32).MustStoreSlice(l2[:], 160).EndCell()
}

// ParseDepositPayload reads the L2 recipient from a forward payload cell (the
// ForwardPayload of a parsed TransferNotification). Anything but the exact
// 192-bit, ref-less "PNGD" layout with a non-zero address is
// ErrUnparseableDeposit.
func ParseDepositPayload(fp *cell.Cell) ([20]byte, error) {
	var a [20]byte
	if fp == nil {
		return a, fmt.Errorf("%w: no forward payload", ErrUnparseableDeposit)
	}
	if fp.GetType() != cell.OrdinaryCellType || fp.BitsSize() != depositPayloadBits || fp.RefsNum() != 0 {
		return a, fmt.Errorf("%w: payload of %d bits, %d refs (want %d, 0)", ErrUnparseableDeposit, fp.BitsSize(), fp.RefsNum(), depositPayloadBits)
	}
	s := fp.BeginParse()
	if tag := s.MustLoadUInt(32); tag != DepositTag {
		return a, fmt.Errorf("%w: tag %#08x", ErrUnparseableDeposit, tag)
	}
	copy(a[:], s.MustLoadSlice(160))
	if a == ([20]byte{}) {
		return a, fmt.Errorf("%w: zero L2 address", ErrUnparseableDeposit)
	}
	return a, nil
}

// TransferNotification is a parsed TEP-74 transfer_notification:
//
//	transfer_notification#7362d09c query_id:uint64 amount:(VarUInteger 16)
//	    sender:MsgAddress forward_payload:(Either Cell ^Cell) = InternalMsgBody;
type TransferNotification struct {
	QueryID uint64
	Amount  *big.Int
	Sender  *address.Address // the owner who sent the jettons (refunds go here)
	// ForwardPayload is the payload cell: the ref when the Either bit is 1,
	// else the rest of the body as a cell; nil when absent (no Either bit,
	// or bit 1 without a ref).
	ForwardPayload *cell.Cell
}

// ParseTransferNotification reads a notification body. It fails only when
// the body is not a notification (op, truncated header); a notification
// whose payload does not parse is still a notification: the jettons
// arrived, and Recipient reports ErrUnparseableDeposit.
func ParseTransferNotification(body *cell.Cell) (n TransferNotification, err error) {
	if body == nil {
		return n, fmt.Errorf("%w: nil notification", ErrMalformed)
	}
	defer func() {
		if r := recover(); r != nil {
			n, err = TransferNotification{}, fmt.Errorf("%w: notification: %v", ErrMalformed, r)
		}
	}()
	s := body.BeginParse()
	op, err := s.LoadUInt(32)
	if err != nil || op != OpTransferNotification {
		return n, fmt.Errorf("%w: not a transfer_notification", ErrMalformed)
	}
	if n.QueryID, err = s.LoadUInt(64); err != nil {
		return n, fmt.Errorf("%w: query_id: %v", ErrMalformed, err)
	}
	if n.Amount, err = s.LoadBigCoins(); err != nil {
		return n, fmt.Errorf("%w: amount: %v", ErrMalformed, err)
	}
	if n.Sender, err = s.LoadAddr(); err != nil {
		return n, fmt.Errorf("%w: sender: %v", ErrMalformed, err)
	}
	if s.BitsLeft() == 0 {
		return n, nil // no Either bit: no payload
	}
	inRef := s.MustLoadBoolBit()
	switch {
	case inRef && s.RefsNum() > 0:
		n.ForwardPayload = s.MustLoadRef().MustToCell()
	case !inRef:
		if n.ForwardPayload, err = s.ToCell(); err != nil {
			return n, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
		}
	}
	return n, nil
}

// Recipient is the L2 address the deposit credits, or ErrUnparseableDeposit
// (the anchor then holds the amount as refundable to Sender). An amount of
// 0 is never a deposit (the anchor ignores it).
func (n TransferNotification) Recipient() ([20]byte, error) {
	if n.Amount == nil || n.Amount.Sign() <= 0 {
		return [20]byte{}, fmt.Errorf("%w: amount 0", ErrUnparseableDeposit)
	}
	return ParseDepositPayload(n.ForwardPayload)
}

// JettonTransfer is a TEP-74 transfer, what a depositor sends its own
// jetton wallet and what the anchor sends its wallet to pay a claim or a
// refund:
//
//	transfer#0f8a7ea5 query_id:uint64 amount:(VarUInteger 16) destination:MsgAddress
//	    response_destination:MsgAddress custom_payload:(Maybe ^Cell)
//	    forward_ton_amount:(VarUInteger 16) forward_payload:(Either Cell ^Cell) = InternalMsgBody;
type JettonTransfer struct {
	QueryID             uint64
	Amount              *big.Int
	Destination         *address.Address // the new owner (not its wallet)
	ResponseDestination *address.Address // where excess TON goes
	ForwardTON          *big.Int         // TON the notification carries to Destination
	ForwardPayload      *cell.Cell       // nil: empty payload (Either bit 0, nothing after)
}

// Cell builds the transfer body; a payload is stored as a ref (bit 1).
func (t JettonTransfer) Cell() (*cell.Cell, error) {
	if t.Amount == nil || t.Amount.Sign() < 0 || t.Amount.Cmp(maxCoins) > 0 || t.Destination == nil {
		return nil, fmt.Errorf("%w: jetton transfer needs an amount in 0..2^120-1 and a destination", ErrBadMessage)
	}
	fwd := t.ForwardTON
	if fwd == nil {
		fwd = new(big.Int)
	}
	resp := t.ResponseDestination
	if resp == nil {
		resp = address.NewAddressNone()
	}
	b := cell.BeginCell().
		MustStoreUInt(OpJettonTransfer, 32).
		MustStoreUInt(t.QueryID, 64).
		MustStoreBigCoins(t.Amount).
		MustStoreAddr(t.Destination).
		MustStoreAddr(resp).
		MustStoreMaybeRef(nil).
		MustStoreBigCoins(fwd)
	if t.ForwardPayload != nil {
		b.MustStoreBoolBit(true).MustStoreRef(t.ForwardPayload)
	} else {
		b.MustStoreBoolBit(false)
	}
	return b.EndCell(), nil
}

// ParseJettonTransfer reads a transfer body (the anchor's outbound payouts
// and refunds, as a watcher sees them). The forward payload is read as in
// ParseTransferNotification; a custom payload is skipped.
func ParseJettonTransfer(body *cell.Cell) (t JettonTransfer, err error) {
	if body == nil {
		return t, fmt.Errorf("%w: nil transfer", ErrMalformed)
	}
	defer func() {
		if r := recover(); r != nil {
			t, err = JettonTransfer{}, fmt.Errorf("%w: transfer: %v", ErrMalformed, r)
		}
	}()
	s := body.BeginParse()
	op, err := s.LoadUInt(32)
	if err != nil || op != OpJettonTransfer {
		return t, fmt.Errorf("%w: not a jetton transfer", ErrMalformed)
	}
	if t.QueryID, err = s.LoadUInt(64); err != nil {
		return t, fmt.Errorf("%w: query_id: %v", ErrMalformed, err)
	}
	if t.Amount, err = s.LoadBigCoins(); err != nil {
		return t, fmt.Errorf("%w: amount: %v", ErrMalformed, err)
	}
	if t.Destination, err = s.LoadAddr(); err != nil {
		return t, fmt.Errorf("%w: destination: %v", ErrMalformed, err)
	}
	if t.ResponseDestination, err = s.LoadAddr(); err != nil {
		return t, fmt.Errorf("%w: response_destination: %v", ErrMalformed, err)
	}
	if _, err = s.LoadMaybeRef(); err != nil {
		return t, fmt.Errorf("%w: custom_payload: %v", ErrMalformed, err)
	}
	if t.ForwardTON, err = s.LoadBigCoins(); err != nil {
		return t, fmt.Errorf("%w: forward_ton_amount: %v", ErrMalformed, err)
	}
	if s.BitsLeft() == 0 {
		return t, nil
	}
	if s.MustLoadBoolBit() {
		if s.RefsNum() > 0 {
			t.ForwardPayload = s.MustLoadRef().MustToCell()
		}
	} else if s.BitsLeft() > 0 || s.RefsNum() > 0 {
		if t.ForwardPayload, err = s.ToCell(); err != nil {
			return t, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
		}
	}
	return t, nil
}
