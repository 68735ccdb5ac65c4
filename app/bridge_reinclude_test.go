package app_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/stretchr/testify/require"
)

// TestWithdrawReincludedUnsealed: epochs of 5 blocks, late_epochs 1. The
// validator's extensions are withheld through height 16, so checkpoints 1,
// 2 and 3 get no signature. Block 16 takes checkpoint 3 and closes epoch
// 1's window: epoch 1 (ids 1, 2) never sealed, so both move, same id,
// sender, recipient and amount, to indices 0 and 1 of epoch 4, ahead of
// epoch 4's own withdrawal (id 4, made in block 16). Epoch 2 (id 3) seals
// late, inside its window, and keeps its withdrawal. Checkpoint 4 carries
// all three; each claim body verifies against its root; every id is in
// exactly one sealed root; an export before epoch 4 seals credits each
// unsealed id back once, after it none; the supply invariant holds after
// every block (testutil.App) and re-inclusion burns or mints nothing.
func TestWithdrawReincludedUnsealed(t *testing.T) {
	g := wdGenesis(5, 0)
	g.Bridge.Params.LateEpochs = 1
	a := testutil.NewApp(t, g)
	a.Block()
	a.NoBeacons = true
	k := []*auth.Address{}
	for i := 0; i < 3; i++ {
		ad := testutil.Addr(testutil.Key(uint64(i)))
		k = append(k, &ad)
	}
	send := func(key int, nonce uint64, to byte, amount uint64) {
		t.Helper()
		res := a.Block(wdTx(testutil.Key(uint64(key)), nonce, wdTo(to), uint256.NewInt(amount)))
		r := res.TxResults[a.Injected]
		require.Equal(t, uint32(0), r.Code, r.Log)
	}
	send(0, 0, 1, 100) // h2: id 1, epoch 1
	send(1, 0, 2, 200) // h3: id 2, epoch 1
	for a.Height < 7 {
		a.Block()
	}
	send(0, 1, 3, 300) // h8: id 3, epoch 2
	for a.Height < 15 {
		a.Block()
	}
	supply := wdSupply(t, a)
	withdrawn := biQuery(t, a, "/bridge/withdrawn_total", 0, false).Value
	require.False(t, wdSealed(t, a, 1))
	require.Equal(t, uint64(1), wdRecord(t, a, 1).Epoch)

	// h16: checkpoint 3 closes epoch 1's window; a withdrawal of epoch 4.
	res := a.Block(wdTx(testutil.Key(2), 0, wdTo(4), uint256.NewInt(400)))
	require.Equal(t, uint32(0), res.TxResults[a.Injected].Code, res.TxResults[a.Injected].Log)
	var moved []string
	for _, ev := range res.Events {
		if ev.Type != "withdrawal_reincluded" {
			continue
		}
		at := map[string]string{}
		for _, x := range ev.Attributes {
			at[x.Key] = x.Value
		}
		require.Equal(t, "1", at["from_epoch"])
		require.Equal(t, "4", at["epoch"])
		moved = append(moved, at["id"]+"@"+at["index"])
	}
	require.Equal(t, []string{"1@0", "2@1"}, moved)
	require.Equal(t, new(uint256.Int).Sub(supply, uint256.NewInt(400)), wdSupply(t, a), "re-inclusion neither burns nor mints")
	wt := new(uint256.Int).SetBytes(biQuery(t, a, "/bridge/withdrawn_total", 0, false).Value)
	require.Equal(t, new(uint256.Int).Add(new(uint256.Int).SetBytes(withdrawn), uint256.NewInt(400)), wt)

	ew, err := bridge.UnmarshalEpochWithdrawals(biQuery(t, a, "/bridge/withdrawal_epoch/4", 0, true).Value)
	require.NoError(t, err)
	require.Equal(t, bridge.EpochWithdrawals{Count: 3, FirstID: 4, Reincluded: 2}, ew)
	re, err := bridge.SplitIDs(biQuery(t, a, "/bridge/reincluded/4", 0, true).Value)
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2}, re)
	for i, want := range []uint64{1, 2, 4} {
		id, ok := ew.ID(uint32(i), re)
		require.True(t, ok)
		require.Equal(t, want, id)
		r := wdRecord(t, a, want)
		require.Equal(t, uint64(4), r.Epoch, "withdrawal %d", want)
		require.Equal(t, uint32(i), r.Index)
	}
	r1 := wdRecord(t, a, 1)
	require.Equal(t, []uint64{1}, r1.ReincludedFrom)
	require.Equal(t, *k[0], r1.From)
	require.Equal(t, wdTo(1), r1.To)
	require.Equal(t, uint64(100), r1.Amount.Uint64())
	require.Nil(t, wdRecord(t, a, 4).ReincludedFrom)

	// Export now: epoch 4 is not sealed, so ids 1, 2, 4 are credited back,
	// each once; id 3's epoch 2 is still open (unsealed) too.
	exp, _, err := a.ExportGenesis(0)
	require.NoError(t, err)
	got := map[auth.Address]uint64{}
	for _, b := range exp.Bank.Balances {
		got[b.Address] = b.Amount.Uint64()
	}
	require.Equal(t, biBalance(t, a, *k[0])+100+300, got[*k[0]], "ids 1 and 3 credited back once")
	require.Equal(t, biBalance(t, a, *k[1])+200, got[*k[1]], "id 2 credited back once")
	require.Equal(t, biBalance(t, a, *k[2])+400, got[*k[2]], "id 4 credited back once")

	// Extensions resume: epochs 2 and 3 seal late, within their window.
	a.NoBeacons = false
	for a.Height < 22 {
		a.Block()
	}
	require.True(t, wdSealed(t, a, 2), "epoch 2 sealed late")
	require.Equal(t, uint64(2), wdRecord(t, a, 3).Epoch, "a late-sealed epoch keeps its withdrawals")
	require.True(t, wdSealed(t, a, 4))
	cp, err := bridge.UnmarshalCheckpoint(biQuery(t, a, "/bridge/checkpoint/4", 0, true).Value)
	require.NoError(t, err)
	leaves, err := bridge.SplitLeaves(biQuery(t, a, "/bridge/withdrawal_leaves/4", 0, true).Value)
	require.NoError(t, err)
	require.Len(t, leaves, 3)
	root, err := checkpoint.WithdrawalRoot(leaves)
	require.NoError(t, err)
	require.Equal(t, [32]byte(cp.WithdrawalRoot), root)
	for _, id := range []uint64{1, 2, 4} {
		r := wdRecord(t, a, id)
		require.Equal(t, [32]byte(r.Leaf), leaves[r.Index])
		path, err := checkpoint.WithdrawalPath(leaves, int(r.Index))
		require.NoError(t, err)
		require.True(t, checkpoint.VerifyWithdrawalPath(root, leaves[r.Index], uint64(r.Index), path))
		body, err := checkpoint.ClaimBody(id, r.Withdrawal(), uint64(r.Index), path)
		require.NoError(t, err)
		cl, err := checkpoint.ParseClaimBody(body)
		require.NoError(t, err)
		require.Equal(t, uint64(4), cl.Epoch, "claimed against epoch 4's root")
		require.Equal(t, id, cl.Withdrawal.ID)
		lh, err := cl.Withdrawal.LeafHash()
		require.NoError(t, err)
		require.True(t, checkpoint.VerifyWithdrawalPath(root, lh, uint64(cl.Index), cl.Path))
	}
	// The old epoch-1 leaves are not under any sealed root.
	old, err := bridge.SplitLeaves(biQuery(t, a, "/bridge/withdrawal_leaves/1", 0, true).Value)
	require.NoError(t, err)
	require.Len(t, old, 2)
	require.NotEqual(t, old[0], leaves[0], "the leaf's epoch field is the new epoch")

	// Later epochs: nothing moves again; every id sits in exactly one
	// sealed root.
	for a.Height < 41 {
		a.Block()
	}
	seen := map[uint64]int{}
	for e := uint64(1); e <= 7; e++ {
		if !wdSealed(t, a, e) {
			continue
		}
		ew, err := bridge.UnmarshalEpochWithdrawals(biQuery(t, a, "/bridge/withdrawal_epoch/"+strconv.FormatUint(e, 10), 0, false).Value)
		require.NoError(t, err)
		re, err := bridge.SplitIDs(biQuery(t, a, "/bridge/reincluded/"+strconv.FormatUint(e, 10), 0, false).Value)
		require.NoError(t, err)
		for i := uint32(0); i < ew.Count; i++ {
			id, ok := ew.ID(i, re)
			require.True(t, ok)
			seen[id]++
		}
	}
	require.Equal(t, map[uint64]int{1: 1, 2: 1, 3: 1, 4: 1}, seen)
	require.Equal(t, uint64(4), wdRecord(t, a, 1).Epoch)

	exp, _, err = a.ExportGenesis(0)
	require.NoError(t, err)
	raw, err := json.Marshal(exp.Bank.Balances)
	require.NoError(t, err)
	for _, i := range []int{0, 1, 2} {
		for _, b := range exp.Bank.Balances {
			if b.Address == *k[i] {
				require.Equal(t, biBalance(t, a, *k[i]), b.Amount.Uint64(), "sealed: nothing credited back (%s)", raw)
			}
		}
	}
}
