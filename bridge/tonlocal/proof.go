package tonlocal

import (
	"fmt"
	"math/big"

	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

// accountProof builds the two-root "proof" liteServer.accountState carries,
// in the shape tonutils-go reads under ProofCheckPolicyUnsafe: root 0 is
// never read (a real liteserver puts the block proof there); root 1's first
// ref is a ShardStateUnsplit whose accounts dictionary maps the account id
// to DepthBalanceInfo ++ ShardAccount. The client takes last_trans_lt/hash
// and the balance from there and checks that the account cell it gets
// separately hashes to the one referenced. Nothing here is a Merkle proof:
// it proves nothing, which is why only the unsafe policy can accept it.
//
// addr is the 32-byte account id; shardAccount nil means the account does
// not exist, and the dictionary then holds only a filler entry (the client
// needs a non-empty dictionary to conclude "not in proof" = inactive).
func accountProof(addr []byte, shardAccount *cell.Cell, balance *big.Int, seqno uint32, utime uint32, lt uint64) ([]*cell.Cell, error) {
	dict := cell.NewDict(256)
	if shardAccount != nil {
		v := cell.BeginCell().
			MustStoreUInt(0, 5).        // split_depth
			MustStoreBigCoins(balance). // balance.grams
			MustStoreDict(nil).         // balance.other
			MustStoreBuilder(shardAccount.ToBuilder()).
			EndCell()
		if err := dict.Set(cell.BeginCell().MustStoreSlice(addr, 256).EndCell(), v); err != nil {
			return nil, err
		}
	} else {
		filler := append([]byte{}, addr...)
		filler[31] ^= 1
		v := cell.BeginCell().MustStoreUInt(0, 5).MustStoreCoins(0).MustStoreDict(nil).EndCell()
		if err := dict.Set(cell.BeginCell().MustStoreSlice(filler, 256).EndCell(), v); err != nil {
			return nil, err
		}
	}
	state := tlb.ShardStateUnsplit{
		GlobalID:        globalID,
		ShardIdent:      tlb.ShardIdent{PrefixBits: 0, WorkchainID: 0, ShardPrefix: 1 << 63},
		Seqno:           seqno,
		GenUTime:        utime,
		GenLT:           lt,
		OutMsgQueueInfo: cell.BeginCell().EndCell(),
		Stats:           cell.BeginCell().EndCell(),
	}
	state.Accounts.ShardAccounts = dict
	sc, err := tlb.ToCell(state)
	if err != nil {
		return nil, fmt.Errorf("tonlocal: shard state: %w", err)
	}
	return []*cell.Cell{
		cell.BeginCell().EndCell(),
		cell.BeginCell().MustStoreRef(sc).EndCell(),
	}, nil
}
