// Package keeper reads and writes accounts and runs the checks every
// transaction passes before its action: nonce and fee ("ante").
package keeper

import (
	"fmt"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// KV is the slice of the state store this module needs.
type KV interface {
	Get(key []byte) ([]byte, error)
	Set(key, value []byte)
}

// GetAccount returns the account, or the zero account (nonce 0, balance 0)
// if the address has never received anything.
func GetAccount(kv KV, a types.Address) (types.Account, error) {
	b, err := kv.Get(types.AccountKey(a))
	if err != nil {
		return types.Account{}, codes.Wrapf(codes.Internal, "read account %s: %v", a, err)
	}
	if b == nil {
		return types.Account{}, nil
	}
	acc, err := types.UnmarshalAccount(b)
	if err != nil {
		return acc, codes.Wrapf(codes.Internal, "account %s: %v", a, err)
	}
	return acc, nil
}

// SetAccount stages the account.
func SetAccount(kv KV, a types.Address, acc *types.Account) {
	kv.Set(types.AccountKey(a), acc.Marshal())
}

// Ante checks the nonce and fee of tx from sender, then increments the nonce
// and deducts the fee. minFee is the floor the caller enforces (consensus
// parameter in blocks; max(parameter, local mempool floor) in CheckTx).
func Ante(kv KV, tx *types.Tx, minFee *uint256.Int) error {
	if tx.Fee.Lt(minFee) {
		return codes.Wrapf(types.ErrFeeTooLow, "fee %s < minimum %s upingo", tx.Fee.Dec(), minFee.Dec())
	}
	acc, err := GetAccount(kv, tx.From)
	if err != nil {
		return err
	}
	switch {
	case tx.Nonce < acc.Nonce:
		return codes.Wrapf(types.ErrNonceTooLow, "got %d, account %s expects %d", tx.Nonce, tx.From, acc.Nonce)
	case tx.Nonce > acc.Nonce:
		return codes.Wrapf(types.ErrNonceTooHigh, "got %d, account %s expects %d", tx.Nonce, tx.From, acc.Nonce)
	}
	if acc.Balance.Lt(&tx.Fee) {
		return codes.Wrapf(types.ErrInsufficientFee, "balance %s < fee %s upingo", acc.Balance.Dec(), tx.Fee.Dec())
	}
	acc.Balance.Sub(&acc.Balance, &tx.Fee)
	if acc.Nonce == ^uint64(0) {
		return codes.Wrap(types.ErrNonceTooHigh, fmt.Sprintf("account %s exhausted its nonces", tx.From))
	}
	acc.Nonce++
	SetAccount(kv, tx.From, &acc)
	return nil
}
