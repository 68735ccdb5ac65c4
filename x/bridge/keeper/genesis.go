package keeper

import (
	"fmt"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"

	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
)

// InitGenesis writes params and genesis keys, then takes the genesis bridge
// set as the anchored set (the set the TON anchor is deployed with). It runs
// after staking's InitGenesis, whose active set it reads.
func InitGenesis(kv KV, g *types.Genesis) error {
	if err := g.Validate(); err != nil {
		return err
	}
	kv.Set(types.ParamsKey, g.Params.Marshal())
	for _, k := range g.Keys {
		if _, found, err := stakingkeeper.GetValidator(kv, k.Operator); err != nil {
			return err
		} else if !found {
			return codes.Wrapf(types.ErrInvalidGenesis, "bridge key for %s, which is not a validator", k.Operator)
		}
		setKey(kv, k.Operator, k.PubKey)
	}
	set, err := CurrentSet(kv)
	if err != nil {
		return err
	}
	kv.Set(types.AnchoredSetKey, types.MarshalSet(set))
	if g.NextWithdrawalID > 1 {
		kv.Set(types.NextWithdrawalIDKey, u64be(g.NextWithdrawalID))
	}
	return importDeposits(kv, g.Deposits)
}

// ExportGenesis reads params, every validator's current key (by point
// reads over staking's validator list), the next withdrawal id and the
// final deposit records (so replays stay refused).
// Checkpoints, beacons and withdrawal records are history and are not
// exported; the anchored set is re-derived at InitGenesis.
func ExportGenesis(kv KV) (*types.Genesis, error) {
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	g := &types.Genesis{Params: p}
	if g.NextWithdrawalID, err = bankkeeper.GetU64(kv, types.NextWithdrawalIDKey); err != nil {
		return nil, err
	}
	if g.Deposits, err = exportDeposits(kv); err != nil {
		return nil, err
	}
	ops, err := stakingkeeper.ValidatorList(kv)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		k, ok, err := BridgeKey(kv, op)
		if err != nil {
			return nil, err
		}
		if ok {
			g.Keys = append(g.Keys, types.GenesisKey{Operator: op, PubKey: k})
		}
	}
	return g, nil
}

// Unclaimable lists the withdrawals an export must give back on the L2:
// those whose epoch has no sealed checkpoint at the exported height. A
// sealed (or submitted, or confirmed) checkpoint makes a withdrawal
// claimable on TON against the anchor forever, but the exported chain
// starts without checkpoint history, so a withdrawal still waiting for its
// epoch's checkpoint could never get a root on TON: burned on the L2 and
// never payable. Export credits it back to its sender instead, so nothing
// is lost across an export. Point reads over ids 1..next-1. A re-included
// withdrawal (reinclude.go) is judged by the epoch its record holds now,
// so it is credited back at most once.
func Unclaimable(kv KV) ([]types.WithdrawalRecord, error) {
	next, err := bankkeeper.GetU64(kv, types.NextWithdrawalIDKey)
	if err != nil {
		return nil, err
	}
	var out []types.WithdrawalRecord
	sealed := map[uint64]bool{}
	for id := uint64(1); id < next; id++ {
		w, ok, err := GetWithdrawal(kv, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("bridge export: withdrawal %d missing below next id %d", id, next)
		}
		s, seen := sealed[w.Epoch]
		if !seen {
			cp, found, err := GetCheckpoint(kv, w.Epoch)
			if err != nil {
				return nil, err
			}
			s = found && cp.Status != types.StatusAccumulating
			sealed[w.Epoch] = s
		}
		// A refund's jettons were never minted on the L2: crediting its
		// (zero) sender would create upingo (x/bridge README Limits).
		if !s && w.RefundOf == nil {
			out = append(out, w)
		}
	}
	return out, nil
}
