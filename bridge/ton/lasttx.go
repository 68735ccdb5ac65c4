package ton

import (
	"context"
	"errors"
	"fmt"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tl"
	lite "github.com/xssnick/tonutils-go/ton"
)

// lastTx is an account's last transaction (lt, hash) at block, read from
// the account-state proof's ShardAccount — checked under the client's
// proof policy exactly as tonutils-go's GetAccount checks it — without
// parsing the account itself.
//
// Why not GetAccount: since TON's 2025 storage statistics, a large
// account's StorageInfo carries storage_extra_info, which tonutils-go
// v1.12.0 (the newest version the module proxy serves) cannot parse
// ("failed to load frozen state hash"), and the anchor is such an account.
// GetAccount fails only after the proof check, at the parse this function
// skips. lt 0 means the account has no transaction (or does not exist).
func lastTx(ctx context.Context, api API, unsafe bool, block *lite.BlockIDExt, addr *address.Address) (uint64, []byte, error) {
	var resp tl.Serializable
	err := api.Client().QueryLiteserver(ctx, lite.GetAccountState{
		ID:      block,
		Account: lite.AccountID{Workchain: addr.Workchain(), ID: addr.Data()},
	}, &resp)
	if err != nil {
		return 0, nil, err
	}
	switch t := resp.(type) {
	case lite.AccountState:
		if !t.ID.Equals(block) {
			return 0, nil, fmt.Errorf("bridge/ton: account state for another block")
		}
		if t.Proof == nil {
			return 0, nil, fmt.Errorf("bridge/ton: account state without proof")
		}
		var shardHash []byte
		if !unsafe && addr.Workchain() != address.MasterchainID && block.Workchain == address.MasterchainID {
			if len(t.ShardProof) == 0 || t.Shard == nil || len(t.Shard.RootHash) != 32 {
				return 0, nil, lite.ErrNoProof
			}
			shardHash = t.Shard.RootHash
		}
		sa, _, err := lite.CheckAccountStateProof(addr, block, t.Proof, t.ShardProof, shardHash, unsafe)
		if errors.Is(err, lite.ErrNoAddrInProof) && t.State == nil {
			return 0, nil, nil
		}
		if err != nil {
			return 0, nil, fmt.Errorf("bridge/ton: account state proof: %w", err)
		}
		if t.State == nil || sa.Account == nil || string(sa.Account.Hash(0)) != string(t.State.Hash()) {
			return 0, nil, fmt.Errorf("bridge/ton: account state does not match its proof")
		}
		return sa.LastTransLT, sa.LastTransHash, nil
	case lite.LSError:
		return 0, nil, t
	}
	return 0, nil, fmt.Errorf("bridge/ton: unexpected response %T", resp)
}
