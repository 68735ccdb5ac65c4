package keeper

import (
	"encoding/binary"
	"fmt"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/types"
)

// InitGenesis writes params, the incentive pool and an exported state's
// records, and adds the pool and the escrow and bond totals to bank's supply
// record (upingo no balance holds), so it runs after bank's InitGenesis.
func InitGenesis(kv KV, g *types.Genesis) error {
	if err := g.Validate(); err != nil {
		return err
	}
	kv.Set(types.ParamsKey, g.Params.Marshal())
	for _, r := range g.Records {
		kv.Set(r.Key, r.Value)
	}
	if g.IncentivePool != nil && !g.IncentivePool.IsZero() {
		bankkeeper.SetUint(kv, types.IncentivePoolKey, g.IncentivePool)
	}
	held, err := Holdings(kv)
	if err != nil {
		return err
	}
	return addUint(kv, bank.SupplyKey, &held)
}

// ExportGenesis reads params, the pool and every other compute record
// (verbatim, ascending) from committed state.
func ExportGenesis(kv KV, it Iterator) (*types.Genesis, error) {
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	g := &types.Genesis{Params: p}
	pool, err := IncentivePool(kv)
	if err != nil {
		return nil, err
	}
	if !pool.IsZero() {
		g.IncentivePool = &pool
	}
	err = it.Iterate([]byte{types.ModulePrefix}, []byte{types.ModulePrefix + 1}, func(k, v []byte) bool {
		if types.ExportedKey(k) {
			g.Records = append(g.Records, types.Record{Key: append([]byte(nil), k...), Value: append([]byte(nil), v...)})
		}
		return true
	})
	if err != nil {
		return nil, codes.Wrapf(codes.Internal, "iterate compute records: %v", err)
	}
	return g, nil
}

// Holdings is every upingo compute holds outside accounts: the incentive
// pool, all job escrow, all node bonds and the undistributed pooled epoch
// emission (running totals, point reads, so
// it also sees the current block's writes). CheckTotals ties the totals to
// the records on committed state.
func Holdings(kv KV) (uint256.Int, error) {
	var sum uint256.Int
	for _, key := range [][]byte{types.IncentivePoolKey, types.EscrowTotalKey, types.BondTotalKey, types.EmissionTotalKey} {
		v, err := bankkeeper.GetUint(kv, key)
		if err != nil {
			return sum, err
		}
		if _, of := sum.AddOverflow(&sum, &v); of {
			return sum, codes.Wrap(codes.Internal, "compute holdings overflow")
		}
	}
	return sum, nil
}

// CheckTotals verifies, on committed state, that the escrow total equals
// Σ job escrow and the bond total Σ node bonds, and that no live job's
// escrow is below what its unattested units cost.
func CheckTotals(kv KV, it Iterator) error {
	var escrow, bonds uint256.Int
	var bad error
	err := it.Iterate(types.JobPrefix, types.PrefixEnd(types.JobPrefix), func(k, v []byte) bool {
		j, err := types.UnmarshalJob(v)
		if err != nil {
			bad = bankkeeper.Corrupt(k, err)
			return false
		}
		escrow.Add(&escrow, &j.Escrow)
		var held uint256.Int
		held.Mul(uint256.NewInt(j.UnitsPending), &j.PricePerUnit)
		if j.Escrow.Lt(&held) {
			bad = fmt.Errorf("compute: job %d escrow %s below its pending units × price %s", j.ID, j.Escrow.Dec(), held.Dec())
			return false
		}
		if j.State == types.JobOpen || j.State == types.JobAssigned {
			var owed uint256.Int
			owed.Mul(uint256.NewInt(j.Units-j.UnitsDone-j.UnitsFailed), &j.PricePerUnit)
			if !owed.Eq(&j.Escrow) {
				bad = fmt.Errorf("compute: job %d escrow %s ≠ unattested units × price %s", j.ID, j.Escrow.Dec(), owed.Dec())
				return false
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	if bad != nil {
		return bad
	}
	err = it.Iterate(types.NodePrefix, types.PrefixEnd(types.NodePrefix), func(k, v []byte) bool {
		n, err := types.UnmarshalNode(v)
		if err != nil {
			bad = bankkeeper.Corrupt(k, err)
			return false
		}
		bonds.Add(&bonds, &n.Bond)
		return true
	})
	if err != nil {
		return err
	}
	if bad != nil {
		return bad
	}
	et, err := bankkeeper.GetUint(kv, types.EscrowTotalKey)
	if err != nil {
		return err
	}
	bt, err := bankkeeper.GetUint(kv, types.BondTotalKey)
	if err != nil {
		return err
	}
	if !et.Eq(&escrow) || !bt.Eq(&bonds) {
		return fmt.Errorf("compute: totals escrow %s / bonds %s ≠ records %s / %s", et.Dec(), bt.Dec(), escrow.Dec(), bonds.Dec())
	}
	return checkEmission(kv, it)
}

// checkEmission verifies that the emission total equals Σ undistributed
// over the epoch records, that no record paid out more than its share and
// a finished one exactly its share, that weight = units × 10,000, and that
// an epoch's unpaid weights belong to an unfinished record and do not
// exceed its weight.
func checkEmission(kv KV, it Iterator) error {
	var sum uint256.Int
	var bad error
	err := it.Iterate(types.EmissionEpochPrefix, types.PrefixEnd(types.EmissionEpochPrefix), func(k, v []byte) bool {
		e, err := types.UnmarshalEmissionEpoch(v)
		if err != nil {
			bad = bankkeeper.Corrupt(k, err)
			return false
		}
		var out uint256.Int
		if _, of := out.AddOverflow(&e.Distributed, &e.Returned); of || e.Share.Lt(&out) {
			bad = fmt.Errorf("compute: epoch %d paid %s + returned %s > share %s", e.Epoch, e.Distributed.Dec(), e.Returned.Dec(), e.Share.Dec())
			return false
		}
		if e.Done && !e.Share.Eq(&out) {
			bad = fmt.Errorf("compute: finished epoch %d leaves %s of its share", e.Epoch, new(uint256.Int).Sub(&e.Share, &out).Dec())
			return false
		}
		if e.Weight != e.Units*types.BpsDenom || e.Cursor > e.Accounts {
			bad = fmt.Errorf("compute: epoch %d weight %d units %d cursor %d accounts %d", e.Epoch, e.Weight, e.Units, e.Cursor, e.Accounts)
			return false
		}
		u := e.Undistributed()
		sum.Add(&sum, &u)
		return true
	})
	if err != nil {
		return err
	}
	if bad != nil {
		return bad
	}
	// Weight keys come in key order, so one epoch's run at a time.
	var epoch, w uint64
	var have bool
	flush := func() error {
		if !have {
			return nil
		}
		e, found, err := GetEmissionEpoch(kv, epoch)
		if err != nil {
			return err
		}
		if !found || e.Done || w > e.Weight {
			return fmt.Errorf("compute: epoch %d unpaid weights %d against record (found %v, weight %d)", epoch, w, found, e.Weight)
		}
		return nil
	}
	err = it.Iterate(types.EmissionWeightPrefix, types.PrefixEnd(types.EmissionWeightPrefix), func(k, v []byte) bool {
		if len(k) != 2+8+auth.AddressLen || len(v) != 8 {
			bad = bankkeeper.Corrupt(k, errLen)
			return false
		}
		if e := binary.BigEndian.Uint64(k[2:10]); !have || e != epoch {
			if bad = flush(); bad != nil {
				return false
			}
			epoch, w, have = e, 0, true
		}
		w += binary.BigEndian.Uint64(v)
		return true
	})
	if err != nil {
		return err
	}
	if bad != nil {
		return bad
	}
	if err := flush(); err != nil {
		return err
	}
	total, err := bankkeeper.GetUint(kv, types.EmissionTotalKey)
	if err != nil {
		return err
	}
	if !total.Eq(&sum) {
		return fmt.Errorf("compute: emission total %s ≠ Σ undistributed epoch shares %s", total.Dec(), sum.Dec())
	}
	return nil
}
