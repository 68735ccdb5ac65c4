// Package keeper runs the compute network: CDN nodes and their bonds, jobs
// and their escrow, attestations, receipts, the incentive pool and the
// network contribution jobs it pays for.
//
// Every function takes the KV it works on. Actions and block hooks only do
// point reads (see the design note in types/keys.go); nothing iterates a Go
// map to decide a result; nothing reads a clock. Amounts are uint256 with
// checked arithmetic.
package keeper

import (
	"encoding/binary"
	"sort"

	"github.com/holiman/uint256"
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/types"
)

// KV is the slice of the state store this module needs (store.Cache fits).
type KV interface {
	Get(key []byte) ([]byte, error)
	Set(key, value []byte)
	Delete(key []byte)
}

// Iterator walks a key range of committed state in ascending order.
type Iterator = bankkeeper.Iterator

// Event is bank's typed event; the app turns it into an ABCI event.
type Event = bankkeeper.Event

func addUint(kv KV, key []byte, amt *uint256.Int) error {
	if amt.IsZero() {
		return nil
	}
	v, err := bankkeeper.GetUint(kv, key)
	if err != nil {
		return err
	}
	if _, of := v.AddOverflow(&v, amt); of {
		return codes.Wrapf(types.ErrOverflow, "record %x", key)
	}
	bankkeeper.SetUint(kv, key, &v)
	return nil
}

// subUint lowers a running total; going below zero is a broken invariant.
func subUint(kv KV, key []byte, amt *uint256.Int) error {
	if amt.IsZero() {
		return nil
	}
	v, err := bankkeeper.GetUint(kv, key)
	if err != nil {
		return err
	}
	if v.Lt(amt) {
		return codes.Wrapf(codes.Internal, "record %x: %s < %s", key, v.Dec(), amt.Dec())
	}
	v.Sub(&v, amt)
	bankkeeper.SetUint(kv, key, &v)
	return nil
}

// nextID returns the next id of a counter (starting at 1) and advances it.
func nextID(kv KV, key []byte) (uint64, error) {
	id, err := bankkeeper.GetU64(kv, key)
	if err != nil {
		return 0, err
	}
	if id == 0 {
		id = 1
	}
	bankkeeper.SetU64(kv, key, id+1)
	return id, nil
}

// GetParams reads compute's parameters.
func GetParams(kv KV) (types.Params, error) {
	b, err := bankkeeper.Get(kv, types.ParamsKey)
	if err != nil {
		return types.Params{}, err
	}
	if b == nil {
		return types.Params{}, codes.Wrap(codes.Internal, "compute params missing")
	}
	p, err := types.UnmarshalParams(b)
	if err != nil {
		return p, bankkeeper.Corrupt(types.ParamsKey, err)
	}
	return p, nil
}

// IncentivePool is the upingo left for network-job emission.
func IncentivePool(kv KV) (uint256.Int, error) { return bankkeeper.GetUint(kv, types.IncentivePoolKey) }

// GetNode returns op's node; found is false if none.
func GetNode(kv KV, op auth.Address) (n types.Node, found bool, err error) {
	key := types.NodeKey(op)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return n, false, err
	}
	if n, err = types.UnmarshalNode(b); err != nil {
		return n, false, bankkeeper.Corrupt(key, err)
	}
	return n, true, nil
}

func setNode(kv KV, n *types.Node) { kv.Set(types.NodeKey(n.Operator), n.Marshal()) }

// NodeList is every operator that ever registered, ascending.
func NodeList(kv KV) ([]auth.Address, error) {
	b, err := bankkeeper.Get(kv, types.NodeListKey)
	if err != nil {
		return nil, err
	}
	if len(b)%auth.AddressLen != 0 {
		return nil, bankkeeper.Corrupt(types.NodeListKey, errLen)
	}
	as := make([]auth.Address, len(b)/auth.AddressLen)
	for i := range as {
		copy(as[i][:], b[i*auth.AddressLen:])
	}
	return as, nil
}

func setNodeList(kv KV, as []auth.Address) {
	out := make([]byte, 0, len(as)*auth.AddressLen)
	for _, a := range as {
		out = append(out, a[:]...)
	}
	kv.Set(types.NodeListKey, out)
}

// GetJob returns job id; found is false if none.
func GetJob(kv KV, id uint64) (j types.Job, found bool, err error) {
	key := types.JobKey(id)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return j, false, err
	}
	if j, err = types.UnmarshalJob(b); err != nil {
		return j, false, bankkeeper.Corrupt(key, err)
	}
	return j, true, nil
}

func setJob(kv KV, j *types.Job) { kv.Set(types.JobKey(j.ID), j.Marshal()) }

// GetReceipt returns receipt id; found is false if none.
func GetReceipt(kv KV, id uint64) (r types.Receipt, found bool, err error) {
	key := types.ReceiptKey(id)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return r, false, err
	}
	if r, err = types.UnmarshalReceipt(b); err != nil {
		return r, false, bankkeeper.Corrupt(key, err)
	}
	return r, true, nil
}

func getIDs(kv KV, key []byte) ([]uint64, error) {
	b, err := bankkeeper.Get(kv, key)
	if err != nil {
		return nil, err
	}
	ids, ok := types.UnmarshalIDs(b)
	if !ok {
		return nil, bankkeeper.Corrupt(key, errLen)
	}
	return ids, nil
}

func setIDs(kv KV, key []byte, ids []uint64) {
	if len(ids) == 0 {
		kv.Delete(key)
		return
	}
	kv.Set(key, types.MarshalIDs(ids))
}

// JobSet lists the live jobs in state s (open or assigned), ascending.
func JobSet(kv KV, s types.JobState) ([]uint64, error) { return getIDs(kv, types.JobSetKey(s)) }

func addToSet(kv KV, s types.JobState, id uint64) error {
	ids, err := JobSet(kv, s)
	if err != nil {
		return err
	}
	i := sort.Search(len(ids), func(i int) bool { return ids[i] >= id })
	if i < len(ids) && ids[i] == id {
		return nil
	}
	ids = append(ids, 0)
	copy(ids[i+1:], ids[i:])
	ids[i] = id
	setIDs(kv, types.JobSetKey(s), ids)
	return nil
}

func removeFromSet(kv KV, s types.JobState, id uint64) error {
	ids, err := JobSet(kv, s)
	if err != nil {
		return err
	}
	i := sort.Search(len(ids), func(i int) bool { return ids[i] >= id })
	if i < len(ids) && ids[i] == id {
		setIDs(kv, types.JobSetKey(s), append(ids[:i], ids[i+1:]...))
	}
	return nil
}

// appendList adds id to the paged list (kind, subject).
func appendList(kv KV, kind byte, subject []byte, id uint64) error {
	head := types.ListHeadKey(kind, subject)
	n, err := bankkeeper.GetU64(kv, head)
	if err != nil {
		return err
	}
	page := types.ListPageKey(kind, subject, uint32(n/types.ListPageSize))
	if _, err := appendID(kv, page, id, -1, 8*types.ListPageSize); err != nil {
		return err
	}
	bankkeeper.SetU64(kv, head, n+1)
	return nil
}

// appendID stages key's value followed by id (8 bytes BE). wantLen ≥ 0
// requires the value to be that long (false, nothing staged, if not); -1
// takes any length. capHint is the value's usual final size (0: grow by
// doubling). Through the block's overlays (appender) the value is extended
// in place rather than copied per append — a receipt's settlement appends
// to 16 contributors' pages, a block of attestations to one deadline
// queue — with the same bytes either way.
func appendID(kv KV, key []byte, id uint64, wantLen, capHint int) (bool, error) {
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], id)
	return appendBytes(kv, key, e[:], wantLen, capHint)
}

// appendBytes is appendID for any suffix (several ids at once).
func appendBytes(kv KV, key, suffix []byte, wantLen, capHint int) (bool, error) {
	if a, ok := kv.(appender); ok {
		ok, err := a.Append(key, suffix, wantLen, capHint)
		if err != nil {
			return false, codes.Wrapf(codes.Internal, "read %x: %v", key, err)
		}
		return ok, nil
	}
	b, err := bankkeeper.Get(kv, key)
	if err != nil {
		return false, err
	}
	if wantLen >= 0 && len(b) != wantLen {
		return false, nil
	}
	kv.Set(key, append(append(make([]byte, 0, len(b)+len(suffix)), b...), suffix...))
	return true, nil
}

// appender is the block overlay's in-place append (store.Cache.Append).
type appender interface {
	Append(key, suffix []byte, wantLen, capHint int) (bool, error)
}

// ListCount is the length of list (kind, subject).
func ListCount(kv KV, kind byte, subject []byte) (uint64, error) {
	return bankkeeper.GetU64(kv, types.ListHeadKey(kind, subject))
}

// ListPage is page n of list (kind, subject).
func ListPage(kv KV, kind byte, subject []byte, n uint32) ([]uint64, error) {
	return getIDs(kv, types.ListPageKey(kind, subject, n))
}

type lenErr struct{}

func (lenErr) Error() string { return "length is not a multiple of the entry size" }

var errLen = lenErr{}

func getAccount(kv KV, a auth.Address) (auth.Account, error) { return authkeeper.GetAccount(kv, a) }

// debit takes amt from a's balance or fails with ErrInsufficientFunds.
func debit(kv KV, a auth.Address, amt *uint256.Int) error {
	acc, err := getAccount(kv, a)
	if err != nil {
		return err
	}
	if acc.Balance.Lt(amt) {
		return codes.Wrapf(types.ErrInsufficientFunds, "%s has %s upingo after fee, needs %s", a, acc.Balance.Dec(), amt.Dec())
	}
	acc.Balance.Sub(&acc.Balance, amt)
	authkeeper.SetAccount(kv, a, &acc)
	return nil
}

// credit adds amt to a's balance.
func credit(kv KV, a auth.Address, amt *uint256.Int) error {
	if amt.IsZero() {
		return nil
	}
	acc, err := getAccount(kv, a)
	if err != nil {
		return err
	}
	if _, of := acc.Balance.AddOverflow(&acc.Balance, amt); of {
		return codes.Wrapf(types.ErrOverflow, "balance of %s", a)
	}
	authkeeper.SetAccount(kv, a, &acc)
	return nil
}
