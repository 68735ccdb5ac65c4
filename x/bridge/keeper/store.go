// Package keeper runs x/bridge: validators' app-level (bridge) keys, the
// per-epoch checkpoints they sign for TON, and the randomness beacon built
// from their vote extensions. Like x/staking it reaches every record by
// point reads (the open-epoch list is an explicit index), iterates no Go
// map to decide a result, and reads no clock.
package keeper

import (
	"bytes"
	"encoding/binary"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"sort"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
)

// KV is the slice of the state store this module needs (store.Cache fits).
type KV = stakingkeeper.KV

// Event is bank's typed event; the app turns it into an ABCI event.
type Event = stakingkeeper.Event

// GetParams reads bridge's parameters; a state without them (a chain
// started before x/bridge existed) gets the defaults.
func GetParams(kv KV) (types.Params, error) {
	b, err := bankkeeper.Get(kv, types.ParamsKey)
	if err != nil || b == nil {
		return types.DefaultParams(), err
	}
	p, err := types.UnmarshalParams(b)
	if err != nil {
		return p, bankkeeper.Corrupt(types.ParamsKey, err)
	}
	return p, nil
}

// BridgeKey is op's current bridge key.
func BridgeKey(kv KV, op auth.Address) (types.Hash32, bool, error) {
	var k types.Hash32
	b, err := bankkeeper.Get(kv, types.BridgeKeyKey(op))
	if err != nil || b == nil {
		return k, false, err
	}
	if len(b) != 32 {
		return k, false, bankkeeper.Corrupt(types.BridgeKeyKey(op), nil)
	}
	copy(k[:], b)
	return k, true, nil
}

// KeyOwner is the operator that registered pub (current or past key).
func KeyOwner(kv KV, pub types.Hash32) (auth.Address, bool, error) {
	var op auth.Address
	b, err := bankkeeper.Get(kv, types.KeyOwnerKey(pub))
	if err != nil || b == nil {
		return op, false, err
	}
	copy(op[:], b)
	return op, true, nil
}

func setKey(kv KV, op auth.Address, pub types.Hash32) {
	kv.Set(types.BridgeKeyKey(op), pub[:])
	kv.Set(types.KeyOwnerKey(pub), op[:])
}

// CurrentSet is the bridge set now: every member of staking's active set
// (LastValidatorSet) that has a bridge key, with its consensus power, in
// canonical order — ascending by bridge public key — which is also the
// signer-index order on TON. Members without a key cannot sign and are left
// out. Above checkpoint.MaxValidators members, the most powerful are kept.
func CurrentSet(kv KV) ([]types.SetEntry, error) {
	last, err := stakingkeeper.LastValidatorSet(kv)
	if err != nil {
		return nil, err
	}
	var set []types.SetEntry
	for _, v := range last {
		pub, ok, err := BridgeKey(kv, v.Operator)
		if err != nil {
			return nil, err
		}
		if ok && v.Power > 0 {
			set = append(set, types.SetEntry{Operator: v.Operator, PubKey: pub, Power: uint64(v.Power)})
		}
	}
	if len(set) > checkpoint.MaxValidators {
		sort.Slice(set, func(i, j int) bool {
			if set[i].Power != set[j].Power {
				return set[i].Power > set[j].Power
			}
			return bytes.Compare(set[i].PubKey[:], set[j].PubKey[:]) < 0
		})
		set = set[:checkpoint.MaxValidators]
	}
	sort.Slice(set, func(i, j int) bool { return bytes.Compare(set[i].PubKey[:], set[j].PubKey[:]) < 0 })
	return set, nil
}

// ValsetHash is the TON-side valset_hash of set (zero for an empty set).
func ValsetHash(set []types.SetEntry) ([32]byte, error) {
	if len(set) == 0 {
		return [32]byte{}, nil
	}
	h, err := checkpoint.ValsetHash(types.TONSet(set))
	if err != nil {
		return h, codes.Wrapf(codes.Internal, "valset hash: %v", err)
	}
	return h, nil
}

// AnchoredSet is the set the next checkpoint is signed by.
func AnchoredSet(kv KV) ([]types.SetEntry, error) {
	b, err := bankkeeper.Get(kv, types.AnchoredSetKey)
	if err != nil {
		return nil, err
	}
	s, err := types.UnmarshalSet(b)
	if err != nil {
		return nil, bankkeeper.Corrupt(types.AnchoredSetKey, err)
	}
	return s, nil
}

// OpenEpochs lists checkpoints still accepting signatures, ascending.
func OpenEpochs(kv KV) ([]uint64, error) {
	b, err := bankkeeper.Get(kv, types.OpenEpochsKey)
	if err != nil {
		return nil, err
	}
	if len(b)%8 != 0 {
		return nil, bankkeeper.Corrupt(types.OpenEpochsKey, nil)
	}
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.BigEndian.Uint64(b[i*8:])
	}
	return out, nil
}

func setOpenEpochs(kv KV, es []uint64) {
	if len(es) == 0 {
		kv.Delete(types.OpenEpochsKey)
		return
	}
	b := make([]byte, 0, 8*len(es))
	for _, e := range es {
		b = binary.BigEndian.AppendUint64(b, e)
	}
	kv.Set(types.OpenEpochsKey, b)
}

// GetCheckpoint reads epoch's record.
func GetCheckpoint(kv KV, epoch uint64) (types.CheckpointRecord, bool, error) {
	b, err := bankkeeper.Get(kv, types.CheckpointKey(epoch))
	if err != nil || b == nil {
		return types.CheckpointRecord{}, false, err
	}
	r, err := types.UnmarshalCheckpoint(b)
	if err != nil {
		return r, false, bankkeeper.Corrupt(types.CheckpointKey(epoch), err)
	}
	return r, true, nil
}

func setCheckpoint(kv KV, r *types.CheckpointRecord) {
	kv.Set(types.CheckpointKey(r.Epoch), r.Marshal())
}

// GetBeacon is the beacon of height h, if one was produced.
func GetBeacon(kv KV, h uint64) (types.Beacon, bool, error) {
	b, err := bankkeeper.Get(kv, types.BeaconKey(h))
	if err != nil || b == nil {
		return types.Beacon{}, false, err
	}
	bc, err := types.UnmarshalBeacon(b)
	if err != nil {
		return bc, false, bankkeeper.Corrupt(types.BeaconKey(h), err)
	}
	return bc, true, nil
}

// LatestBeacon is the newest beacon and its height (found=false before the
// first one).
func LatestBeacon(kv KV) (uint64, types.Beacon, bool, error) {
	b, err := bankkeeper.Get(kv, types.LatestBeaconKey)
	if err != nil || b == nil {
		return 0, types.Beacon{}, false, err
	}
	if len(b) != 8+types.BeaconLen {
		return 0, types.Beacon{}, false, bankkeeper.Corrupt(types.LatestBeaconKey, nil)
	}
	bc, err := types.UnmarshalBeacon(b[8:])
	return binary.BigEndian.Uint64(b), bc, err == nil, err
}

// NextBeacon is the first beacon at or after height h within limit heights
// (what a consumer uses when h itself has none: see README "Beacon").
func NextBeacon(kv KV, h, limit uint64) (uint64, types.Beacon, bool, error) {
	for x := h; x < h+limit; x++ {
		b, ok, err := GetBeacon(kv, x)
		if err != nil || ok {
			return x, b, ok, err
		}
	}
	return 0, types.Beacon{}, false, nil
}
