// Package keeper runs staking: validators, delegations, unbonding,
// slashing, liveness, rewards and the validator set sent to CometBFT.
//
// Every function takes the KV it works on, like x/bank/keeper. The block
// hooks (BeginBlock, EndBlock) and Holdings reach every record they need by
// point reads through explicit index records (validator list, unbonding
// height list, per-validator unbonding heights), because the Iterator the app
// passes reads committed state and does not see writes staged earlier in the
// same block. Only ExportGenesis iterates (delegations), on committed state.
// No function iterates a Go map to decide a result; nothing reads a clock.
package keeper

import (
	"sort"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/staking/types"
)

// KV is the slice of the state store this module needs (store.Cache fits).
type KV interface {
	Get(key []byte) ([]byte, error)
	Set(key, value []byte)
	Delete(key []byte)
}

// Iterator walks a key range of committed state in ascending order (the
// same shape as x/bank/keeper.Iterator).
type Iterator = bankkeeper.Iterator

// Event is bank's typed event; the app turns it into an ABCI event.
type Event = bankkeeper.Event

// Aliases so callers need not import types for the hook signatures.
type (
	BlockInfo       = types.BlockInfo
	Vote            = types.Vote
	Evidence        = types.Evidence
	ValidatorUpdate = types.ValidatorUpdate
)

// GetParams reads staking's parameters.
func GetParams(kv KV) (types.Params, error) {
	b, err := bankkeeper.Get(kv, types.ParamsKey)
	if err != nil {
		return types.Params{}, err
	}
	if b == nil {
		return types.Params{}, codes.Wrap(codes.Internal, "staking params missing")
	}
	p, err := types.UnmarshalParams(b)
	if err != nil {
		return p, bankkeeper.Corrupt(types.ParamsKey, err)
	}
	return p, nil
}

// SetParams stores the parameters.
func SetParams(kv KV, p types.Params) { kv.Set(types.ParamsKey, p.Marshal()) }

// RewardReserve is the upingo left to pay block rewards.
func RewardReserve(kv KV) (uint256.Int, error) { return bankkeeper.GetUint(kv, types.RewardReserveKey) }

// Dust is the undistributed remainder carried into the next distribution.
func Dust(kv KV) (uint256.Int, error) { return bankkeeper.GetUint(kv, types.DustKey) }

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

// ClearFeePool zeroes bank's fee pool (32 zero bytes at bank's FeePoolKey)
// after BeginBlock has distributed it. bank owns the key; this is the one
// write staking makes to it.
func ClearFeePool(kv KV) {
	var z uint256.Int
	bankkeeper.SetUint(kv, bank.FeePoolKey, &z)
}

// addToSupply raises bank's supply record (genesis only: upingo that staking
// holds from genesis without taking it from a balance).
func addToSupply(kv KV, amt *uint256.Int) error { return addUint(kv, bank.SupplyKey, amt) }

// GetValidator returns the validator operated by op; found is false if none.
func GetValidator(kv KV, op auth.Address) (v types.Validator, found bool, err error) {
	key := types.ValidatorKey(op)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return v, false, err
	}
	v, err = types.UnmarshalValidator(b)
	if err != nil {
		return v, false, bankkeeper.Corrupt(key, err)
	}
	return v, true, nil
}

// SetValidator stores v.
func SetValidator(kv KV, v *types.Validator) { kv.Set(types.ValidatorKey(v.Operator), v.Marshal()) }

// ValidatorList is every validator operator, ascending.
func ValidatorList(kv KV) ([]auth.Address, error) {
	b, err := bankkeeper.Get(kv, types.ValidatorListKey)
	if err != nil {
		return nil, err
	}
	as, err := types.UnmarshalAddresses(b)
	if err != nil {
		return nil, bankkeeper.Corrupt(types.ValidatorListKey, err)
	}
	return as, nil
}

func addToValidatorList(kv KV, op auth.Address) error {
	as, err := ValidatorList(kv)
	if err != nil {
		return err
	}
	i := sort.Search(len(as), func(i int) bool { return string(as[i][:]) >= string(op[:]) })
	if i < len(as) && as[i] == op {
		return nil
	}
	as = append(as, auth.Address{})
	copy(as[i+1:], as[i:])
	as[i] = op
	kv.Set(types.ValidatorListKey, types.MarshalAddresses(as))
	return nil
}

// OperatorByConsAddr resolves a CometBFT validator address.
func OperatorByConsAddr(kv KV, consAddr []byte) (op auth.Address, found bool, err error) {
	key := types.ConsAddrKey(consAddr)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return op, false, err
	}
	op, err = auth.AddressFromBytes(b)
	if err != nil {
		return op, false, bankkeeper.Corrupt(key, err)
	}
	return op, true, nil
}

// GetDelegation returns delegator's delegation to op; found is false if none.
func GetDelegation(kv KV, delegator, op auth.Address) (d types.Delegation, found bool, err error) {
	key := types.DelegationKey(delegator, op)
	b, err := bankkeeper.Get(kv, key)
	if err != nil || b == nil {
		return d, false, err
	}
	d, err = types.UnmarshalDelegation(b)
	if err != nil {
		return d, false, bankkeeper.Corrupt(key, err)
	}
	return d, true, nil
}

func setDelegation(kv KV, delegator, op auth.Address, d *types.Delegation) {
	key := types.DelegationKey(delegator, op)
	if d.Shares.IsZero() {
		kv.Delete(key)
		return
	}
	kv.Set(key, d.Marshal())
}

// UnbondingHeights lists completion heights with queue records, ascending.
func UnbondingHeights(kv KV) ([]int64, error) {
	b, err := bankkeeper.Get(kv, types.UnbondingHeightsKey)
	if err != nil {
		return nil, err
	}
	hs, err := types.UnmarshalHeights(b)
	if err != nil {
		return nil, bankkeeper.Corrupt(types.UnbondingHeightsKey, err)
	}
	return hs, nil
}

// UnbondingQueue returns the entries maturing at height.
func UnbondingQueue(kv KV, height int64) ([]types.UnbondingEntry, error) {
	key := types.UnbondingQueueKey(height)
	b, err := bankkeeper.Get(kv, key)
	if err != nil {
		return nil, err
	}
	es, err := types.UnmarshalQueue(b)
	if err != nil {
		return nil, bankkeeper.Corrupt(key, err)
	}
	return es, nil
}

func setQueue(kv KV, height int64, es []types.UnbondingEntry) {
	if len(es) == 0 {
		kv.Delete(types.UnbondingQueueKey(height))
		return
	}
	kv.Set(types.UnbondingQueueKey(height), types.MarshalQueue(es))
}

// insertHeight adds h to an ascending list if absent.
func insertHeight(hs []int64, h int64) []int64 {
	i := sort.Search(len(hs), func(i int) bool { return hs[i] >= h })
	if i < len(hs) && hs[i] == h {
		return hs
	}
	hs = append(hs, 0)
	copy(hs[i+1:], hs[i:])
	hs[i] = h
	return hs
}

// appendUnbonding queues e and indexes its height globally and on v (the
// caller stores v).
func appendUnbonding(kv KV, v *types.Validator, e types.UnbondingEntry) error {
	es, err := UnbondingQueue(kv, e.CompletionHeight)
	if err != nil {
		return err
	}
	setQueue(kv, e.CompletionHeight, append(es, e))
	hs, err := UnbondingHeights(kv)
	if err != nil {
		return err
	}
	kv.Set(types.UnbondingHeightsKey, types.MarshalHeights(insertHeight(hs, e.CompletionHeight)))
	v.UnbondingHeights = insertHeight(v.UnbondingHeights, e.CompletionHeight)
	return nil
}

// LastValidatorSet is the set last sent to CometBFT, ascending by operator.
func LastValidatorSet(kv KV) ([]types.LastValidator, error) {
	b, err := bankkeeper.Get(kv, types.LastValidatorSetKey)
	if err != nil {
		return nil, err
	}
	s, err := types.UnmarshalLastSet(b)
	if err != nil {
		return nil, bankkeeper.Corrupt(types.LastValidatorSetKey, err)
	}
	return s, nil
}

func credit(kv KV, to auth.Address, amt *uint256.Int) error {
	if amt.IsZero() {
		return nil
	}
	acc, err := getAccount(kv, to)
	if err != nil {
		return err
	}
	if _, of := acc.Balance.AddOverflow(&acc.Balance, amt); of {
		return codes.Wrapf(types.ErrOverflow, "balance of %s", to)
	}
	setAccount(kv, to, &acc)
	return nil
}
