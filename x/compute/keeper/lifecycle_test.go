package keeper_test

import (
	"testing"

	"github.com/pingo-chain/pingo/testutil"
	"github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// The records of one PASS-verified attestation of a network job: nothing
// is paid at the verdict (pooled emission, README §Emission); the node and
// contributors earn weights; the epoch's whole share is paid over them
// after the epoch.
func TestAttestationPaysAndRecords(t *testing.T) {
	e := ready(t)
	// [0, 16) of network job 1 passed: node 0 has 16 × 2,000, each
	// newcomer 8 × 8,000; no balance moved yet.
	require.Equal(t, uint64(fundedBalance-1_000), e.balance(addr(0)))
	require.Equal(t, uint64(0), e.balance(addr(20)))
	require.Equal(t, uint64(32_000), e.weight(0, addr(0)))
	require.Equal(t, uint64(64_000), e.weight(0, addr(20)))
	require.Equal(t, uint64(64_000), e.weight(0, addr(21)))
	j := e.job(1)
	require.True(t, j.Network)
	require.Equal(t, types.JobAssigned, j.State)
	require.True(t, j.Escrow.IsZero())
	require.True(t, j.PricePerUnit.IsZero())
	require.Equal(t, []types.Range{{Start: 0, End: 16}}, j.Assignments[0].Accepted)
	r, found, err := keeper.GetReceipt(e.kv, 1)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, types.ReceiptFinal, r.Status)
	require.True(t, r.NodePaid.IsZero())
	require.True(t, r.Shares[1].Paid.IsZero())
	n := e.nftOf(addr(20))
	require.Equal(t, uint64(8), n.Units)
	require.Equal(t, uint64(1), n.Receipts)
	require.Equal(t, addr(20), n.Owner)
	for _, l := range []struct {
		kind    byte
		subject []byte
	}{{types.ListReceiptsByJob, types.IDSubject(1)}, {types.ListReceiptsByContrib, types.AddrSubject(addr(21))}} {
		ids, err := keeper.ListPage(e.kv, l.kind, l.subject, 0)
		require.NoError(t, err)
		require.Equal(t, []uint64{1}, ids)
	}
	// The epoch's 64e6 over the only 16 PASS units (160,000 weight).
	rec := e.untilPaid(0)
	require.Equal(t, uint64(16), rec.Units)
	require.Equal(t, uint64(64_000_000), rec.Distributed.Uint64())
	require.True(t, rec.Returned.IsZero())
	require.Equal(t, uint64(fundedBalance-1_000+12_800_000), e.balance(addr(0)))
	require.Equal(t, uint64(25_600_000), e.balance(addr(20)))
	require.Equal(t, uint64(25_600_000), e.balance(addr(21)))
	require.Equal(t, uint64(0), e.weight(0, addr(20)), "paid weights are deleted")
}

func TestJobLifecycle(t *testing.T) {
	e := ready(t)
	w2, w3 := e.work(1, 0, 16, 32, nil, 20, 21, 22), e.work(1, 2, 32, 64, nil, 21)
	e.block(func(int64) {
		e.ok(0, w2.Attest)
		e.ok(2, w3.Attest)
	})
	require.Equal(t, types.JobAssigned, e.job(1).State, "pending until revealed")
	require.Equal(t, uint64(48), e.job(1).UnitsPending)
	e.pass(w2, w3)
	j := e.job(1)
	require.Equal(t, types.JobDone, j.State)
	require.True(t, j.Escrow.IsZero())
	require.Equal(t, []types.Range{{Start: 0, End: 32}}, j.Assignments[0].Accepted)
	// 16 units over 3 contributors, 6/5/5: weights of 8,000 per unit.
	require.Equal(t, uint64(64_000+6*8_000), e.weight(0, addr(20)))
	require.Equal(t, uint64(64_000+5*8_000+32*8_000), e.weight(0, addr(21)))
	require.Equal(t, uint64(5*8_000), e.weight(0, addr(22)))
	require.Equal(t, uint64(32*2_000), e.weight(0, addr(0)))
	require.Equal(t, uint64(32*2_000), e.weight(0, addr(2)))
	require.Equal(t, uint64(8+5+32), e.nftOf(addr(21)).Units)
	open, err := keeper.JobSet(e.kv, types.JobAssigned)
	require.NoError(t, err)
	require.Empty(t, open)
	// Every unit passed: the share is paid at its network price exactly.
	rec := e.untilPaid(0)
	require.True(t, rec.Returned.IsZero())
	require.Equal(t, uint64(14*800_000), e.balance(addr(20)))

	// A user job by NFT holder 20: escrow, accept, partial work, expiry,
	// refund of the rest by CancelJob.
	var jobID uint64
	var w4 *testutil.Work
	e.block(func(h int64) {
		before := e.balance(addr(20))
		e.ok(20, &types.SubmitJob{UnitKind: 1, SpecHash: specHash, Units: 10, PricePerUnit: *u(11), MaxNodes: 1, Expiry: uint64(h) + 4})
		require.Equal(t, before-110, e.balance(addr(20)))
		ids, err := keeper.ListPage(e.kv, types.ListJobsByOwner, types.AddrSubject(addr(20)), 0)
		require.NoError(t, err)
		require.Len(t, ids, 1)
		jobID = ids[0]
		e.fail(20, &types.CancelJob{JobID: jobID + 5}, types.ErrJobNotFound)
		e.fail(21, &types.CancelJob{JobID: jobID}, types.ErrNotJobOwner)
		e.ok(1, &types.AcceptJob{JobID: jobID})
		e.fail(20, &types.CancelJob{JobID: jobID}, types.ErrCannotCancel)
		w4 = e.work(jobID, 1, 0, 7, nil, 22, 23, 24)
		e.ok(1, w4.Attest)
	})
	e.pass(w4)
	j2 := e.job(jobID)
	require.Equal(t, uint64(33), j2.Escrow.Uint64())
	// 77 upingo: the node's 20% rounds down to 15; 62 over units 3/2/2
	// rounds down to 26/17/17; the remainder 2 goes to the node.
	r, _, err := keeper.GetReceipt(e.kv, 4)
	require.NoError(t, err)
	require.Equal(t, uint64(26), r.Shares[0].Paid.Uint64())
	require.Equal(t, uint64(17), r.Shares[1].Paid.Uint64())
	require.Equal(t, uint64(17), r.NodePaid.Uint64())
	e.block(nil)
	e.block(nil) // expiry height: the job expires at its end
	require.Equal(t, types.JobExpired, e.job(jobID).State)
	e.height++
	e.fail(1, attestation(jobID, 1, 4, 8, 100, 22), types.ErrJobNotOpen)
	before := e.balance(addr(20))
	e.ok(20, &types.CancelJob{JobID: jobID})
	require.Equal(t, before+33, e.balance(addr(20)))
	require.Equal(t, types.JobCancelled, e.job(jobID).State)
	e.fail(20, &types.CancelJob{JobID: jobID}, types.ErrCannotCancel)

	// Every end state is listed, in the order jobs entered it: job 1 done;
	// job 2 expired, then cancelled (on both lists; its record says
	// cancelled); nothing else.
	for _, c := range []struct {
		s    types.JobState
		want []uint64
	}{{types.JobDone, []uint64{1}}, {types.JobExpired, []uint64{jobID}}, {types.JobCancelled, []uint64{jobID}}} {
		n, err := keeper.ListCount(e.kv, types.ListJobsByEndState, []byte{byte(c.s)})
		require.NoError(t, err)
		require.Equal(t, uint64(len(c.want)), n, "%s", c.s)
		ids, err := keeper.ListPage(e.kv, types.ListJobsByEndState, []byte{byte(c.s)}, 0)
		require.NoError(t, err)
		require.Equal(t, c.want, ids, "%s", c.s)
	}
}

// Network jobs: one per epoch, its share set aside from the pool; an
// epoch without PASS units returns the whole share to the pool at its end.
func TestNetworkJobsFromPool(t *testing.T) {
	e := setup(t)
	e.block(nil)
	p, err := keeper.IncentivePool(e.kv)
	require.NoError(t, err)
	require.Equal(t, uint64(pool-64_000_000), p.Uint64())
	for e.height < 10 {
		e.block(nil)
	}
	require.Equal(t, types.JobExpired, e.job(1).State)
	j1 := e.job(1)
	require.True(t, j1.Escrow.IsZero())
	p, _ = keeper.IncentivePool(e.kv)
	require.Equal(t, uint64(pool), p.Uint64())
	e.block(nil) // height 11: epoch 1
	j := e.job(2)
	require.Equal(t, uint64(1), j.Epoch)
	require.NotEqual(t, e.job(1).Seed, j.Seed)
	ids, err := keeper.ListPage(e.kv, types.ListNetworkJobsByEpoch, types.IDSubject(1), 0)
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, ids)
}

// Unbonding pays the bond back after the period and stops service at
// once; slashing moves bond into the pool; jail and unjail.
func TestNodeBondLifecycle(t *testing.T) {
	e := ready(t)
	e.height++
	ev, err := keeper.Slash(e.kv, addr(0), 100_000_000) // 10%
	require.NoError(t, err)
	require.Equal(t, "100", ev.Attrs[1][1])
	e.check()
	n0 := e.node(0)
	require.Equal(t, uint64(900), n0.Bond.Uint64())
	// Below min_node_bond: no more service until topped up.
	e.fail(0, attestation(1, 0, 16, 24, 100, 20), types.ErrNodeInactive)
	e.ok(0, &types.UpdateNode{Endpoint: "https://n0", Region: "us", UnitKinds: []uint32{1}, AddBond: *u(100)})
	e.ok(0, attestation(1, 0, 16, 24, 100, 20))

	_, err = keeper.Jail(e.kv, &e.p, addr(1), uint64(e.height))
	require.NoError(t, err)
	e.fail(1, &types.AcceptJob{JobID: 1}, types.ErrNodeJailed)
	e.height += int64(e.p.NodeJailBlocks)
	e.ok(1, &types.UnjailNode{})

	bal := e.balance(addr(1))
	e.ok(1, &types.UnbondNode{})
	e.fail(1, &types.UnbondNode{}, types.ErrNodeInactive)
	e.fail(1, &types.AcceptJob{JobID: 1}, types.ErrNodeInactive)
	// Still slashable while unbonding.
	_, err = keeper.Slash(e.kv, addr(1), 500_000_000)
	require.NoError(t, err)
	e.check()
	done := uint64(e.height) + e.p.NodeUnbondingBlocks
	for uint64(e.height) < done {
		e.block(nil)
	}
	require.Equal(t, types.NodeUnbonded, e.node(1).Status)
	require.Equal(t, bal+500, e.balance(addr(1)))
	e.height++
	e.fail(1, &types.UnbondNode{}, types.ErrNodeNotFound)
	e.ok(1, register(1, 2_000)) // may come back
}

// The emission schedule halves every emission_halving_epochs and is capped
// by the pool; epochs start at height 1.
func TestEmissionSchedule(t *testing.T) {
	p := types.DefaultParams()
	p.EpochEmission = u(1_000)
	p.EmissionHalvingEpochs = 2
	for e, want := range []uint64{1_000, 1_000, 500, 500, 250} {
		got := p.EmissionAt(uint64(e))
		require.Equal(t, want, got.Uint64(), "epoch %d", e)
	}
	p.EpochBlocks = 10
	require.Equal(t, uint64(0), p.Epoch(1))
	require.Equal(t, uint64(0), p.Epoch(10))
	require.Equal(t, uint64(1), p.Epoch(11))
}

// A pool smaller than one epoch's emission sets aside what it has; an
// empty pool opens nothing (no record, no job) without failing the block.
func TestNetworkJobsDrainPool(t *testing.T) {
	e := setupPool(t, 100)
	e.block(nil)
	j := e.job(1)
	require.True(t, j.PricePerUnit.IsZero())
	p, err := keeper.IncentivePool(e.kv)
	require.NoError(t, err)
	require.True(t, p.IsZero())
	rec, found, err := keeper.GetEmissionEpoch(e.kv, 0)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(100), rec.Share.Uint64())

	e = setupPool(t, 0)
	e.block(nil)
	_, found, err = keeper.GetJob(e.kv, 1)
	require.NoError(t, err)
	require.False(t, found)
	_, found, err = keeper.GetEmissionEpoch(e.kv, 0)
	require.NoError(t, err)
	require.False(t, found)
}

// Unbonding does not launder a jail: a node jailed, unbonded and
// registered again is still jailed until its jail period ends.
func TestJailSurvivesReRegistration(t *testing.T) {
	e := ready(t)
	e.height++
	_, err := keeper.Jail(e.kv, &e.p, addr(1), uint64(e.height)+1_000)
	require.NoError(t, err)
	e.ok(1, &types.UnbondNode{})
	done := uint64(e.height) + e.p.NodeUnbondingBlocks
	for uint64(e.height) < done {
		e.block(nil)
	}
	e.height++
	e.ok(1, register(1, 1_000))
	require.True(t, e.node(1).Jailed)
	e.fail(1, &types.AcceptJob{JobID: 1}, types.ErrNodeJailed)
}
