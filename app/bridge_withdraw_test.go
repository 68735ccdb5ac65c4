package app_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"math/big"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/stretchr/testify/require"
)

// wdTo is a basechain recipient whose account id is 32 bytes of b.
func wdTo(b byte) bridge.TONAddr {
	var a bridge.TONAddr
	for i := 4; i < len(a); i++ {
		a[i] = b
	}
	return a
}

func wdTx(key *ecdsa.PrivateKey, nonce uint64, to bridge.TONAddr, amount *uint256.Int) []byte {
	return testutil.SignedTx(key, testutil.ChainID, nonce, biMinFee, &bridge.Withdraw{To: to, Amount: *amount})
}

// wdRawTx signs a Withdraw whose body is given as raw RLP (to test bodies
// the typed message cannot express).
type wdRaw struct{ body []byte }

func (m *wdRaw) Action() uint64                       { return bridge.ActionWithdraw }
func (m *wdRaw) Type() (auth.TypeDef, []auth.TypeDef) { return (&bridge.Withdraw{}).Type() }
func (m *wdRaw) EncodeBody() ([]byte, error)          { return m.body, nil }
func (m *wdRaw) HashStruct(h *auth.Header) [32]byte   { return (&bridge.Withdraw{}).HashStruct(h) }
func (m *wdRaw) Message(h *auth.Header) map[string]any {
	return nil
}
func (m *wdRaw) ValidateBasic(*auth.Header) error { return nil }

func wdGenesis(epochBlocks, maxPerEpoch uint64) app.GenesisState {
	g := testutil.Genesis(4, biFunded)
	g.Bridge.Params.EpochBlocks = epochBlocks
	g.Bridge.Params.MaxWithdrawalsPerEpoch = maxPerEpoch
	return g
}

func wdRecord(t testing.TB, a *testutil.App, id uint64) bridge.WithdrawalRecord {
	t.Helper()
	q := biQuery(t, a, "/bridge/withdrawal/"+strconv.FormatUint(id, 10), 0, true)
	require.NotNil(t, q.Value, "withdrawal %d", id)
	r, err := bridge.UnmarshalWithdrawal(q.Value)
	require.NoError(t, err)
	return r
}

func wdSupply(t testing.TB, a *testutil.App) *uint256.Int {
	return new(uint256.Int).SetBytes(biQuery(t, a, "/bank/supply", 0, false).Value)
}

// TestWithdrawBadInput: every refusal has its stable code, in CheckTx and
// in a block, and changes nothing (AppHash, balances, supply, withdrawal
// records).
func TestWithdrawBadInput(t *testing.T) {
	// A long epoch: no checkpoint changes the AppHash during the table.
	a := testutil.NewApp(t, wdGenesis(1000, 0))
	a.Block()
	k0 := testutil.Key(0)
	big120 := new(uint256.Int).Lsh(uint256.NewInt(1), 120)
	max120 := new(uint256.Int).Sub(big120, uint256.NewInt(1))
	wc := func(w int32) bridge.TONAddr {
		x := wdTo(7)
		binary.BigEndian.PutUint32(x[:4], uint32(w))
		return x
	}
	raw := func(to []byte, amount uint64) []byte {
		b, err := rlp.EncodeToBytes([]any{to, amount})
		require.NoError(t, err)
		return testutil.SignedTx(k0, testutil.ChainID, 0, biMinFee, &wdRaw{body: b})
	}
	// key 0 holds biFunded; the fee is biMinFee.
	cases := []badCase{
		{"amount 0", wdTx(k0, 0, wdTo(1), uint256.NewInt(0)), "bridge", 40},
		{"amount 2^120", wdTx(k0, 0, wdTo(1), big120), "bridge", 40},
		{"amount 2^256-1", wdTx(k0, 0, wdTo(1), new(uint256.Int).SetAllOne()), "bridge", 40},
		{"amount 2^120-1, more than the balance", wdTx(k0, 0, wdTo(1), max120), "bank", 4},
		{"amount = balance (fee not left)", wdTx(k0, 0, wdTo(1), uint256.NewInt(biFunded)), "bank", 4},
		{"amount = balance - fee + 1", wdTx(k0, 0, wdTo(1), uint256.NewInt(biFunded-biMinFee+1)), "bank", 4},
		{"workchain 1", wdTx(k0, 0, wc(1), uint256.NewInt(1)), "bridge", 41},
		{"workchain -2", wdTx(k0, 0, wc(-2), uint256.NewInt(1)), "bridge", 41},
		{"workchain 2^31-1", wdTx(k0, 0, wc(1<<31-1), uint256.NewInt(1)), "bridge", 41},
		{"to of 35 bytes", raw(make([]byte, 35), 1), "bridge", 41},
		{"to of 37 bytes", raw(make([]byte, 37), 1), "bridge", 41},
		{"to of 33 bytes (workchain byte ‖ id)", raw(make([]byte, 33), 1), "bridge", 41},
		{"to empty", raw(nil, 1), "bridge", 41},
		{"body not a list", testutil.SignedTx(k0, testutil.ChainID, 0, biMinFee, &wdRaw{body: []byte{0x80}}), "auth", 2},
		{"body with a third field", func() []byte {
			b, _ := rlp.EncodeToBytes([]any{make([]byte, 36), uint64(1), uint64(2)})
			return testutil.SignedTx(k0, testutil.ChainID, 0, biMinFee, &wdRaw{body: b})
		}(), "auth", 2},
	}
	watched := []auth.Address{testutil.Addr(k0)}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := biState(t, a, watched)
			info := biInfo(t, a)
			res := a.Check(tc.tx)
			require.Equal(t, tc.space, res.Codespace, res.Log)
			require.Equal(t, tc.code, res.Code, res.Log)
			h := a.Height + 1
			fin, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: [][]byte{tc.tx}, Height: h, Time: biBlockTime(h)})
			require.NoError(t, err)
			require.Len(t, fin.TxResults, 1)
			require.Equal(t, tc.space, fin.TxResults[0].Codespace, fin.TxResults[0].Log)
			require.Equal(t, tc.code, fin.TxResults[0].Code, fin.TxResults[0].Log)
			require.Empty(t, fin.TxResults[0].Events)
			require.Equal(t, info.LastBlockAppHash, fin.AppHash)
			_, err = a.Commit(ctx, &abci.RequestCommit{})
			require.NoError(t, err)
			a.Height = h
			require.NoError(t, a.CheckInvariants())
			require.Equal(t, before, biState(t, a, watched))
			require.Nil(t, biQuery(t, a, "/bridge/withdrawal/1", 0, false).Value)
			require.Nil(t, biQuery(t, a, "/bridge/next_withdrawal_id", 0, false).Value)
		})
	}
	// The exact maximum is accepted when funded: 2^120-1 needs a balance we
	// cannot give in genesis here, so check ValidateBasic directly.
	require.NoError(t, (&bridge.Withdraw{To: wdTo(1), Amount: *max120}).ValidateBasic(&auth.Header{}))
	// And after all that, key 0 (nonce 0) withdraws fine.
	res := a.Block(wdTx(k0, 0, wdTo(1), uint256.NewInt(1000)))
	require.Equal(t, uint32(0), res.TxResults[a.Injected].Code, res.TxResults[a.Injected].Log)
}

// TestWithdrawEpochFull: max_withdrawals_per_epoch = 2; the third
// withdrawal of the epoch is bridge/42 and burns nothing; the next epoch
// takes it.
func TestWithdrawEpochFull(t *testing.T) {
	a := testutil.NewApp(t, wdGenesis(10, 2))
	a.Block() // height 1, epoch 1
	k0, k1, k2 := testutil.Key(0), testutil.Key(1), testutil.Key(2)
	supply := wdSupply(t, a)
	res := a.Block(wdTx(k0, 0, wdTo(1), uint256.NewInt(100)), wdTx(k1, 0, wdTo(2), uint256.NewInt(200)),
		wdTx(k2, 0, wdTo(3), uint256.NewInt(300)))
	i := a.Injected
	require.Equal(t, uint32(0), res.TxResults[i].Code)
	require.Equal(t, uint32(0), res.TxResults[i+1].Code)
	require.Equal(t, "bridge", res.TxResults[i+2].Codespace, res.TxResults[i+2].Log)
	require.Equal(t, uint32(42), res.TxResults[i+2].Code, res.TxResults[i+2].Log)
	require.Equal(t, uint64(biFunded), biBalance(t, a, testutil.Addr(k2)), "nothing burned, no fee")
	require.Equal(t, new(uint256.Int).Sub(supply, uint256.NewInt(300)), wdSupply(t, a))
	require.Equal(t, bridge.EpochWithdrawals{Count: 2, FirstID: 1}.Marshal(), biQuery(t, a, "/bridge/withdrawal_epoch/1", 0, false).Value)
	for a.Height < 10 {
		a.Block()
	}
	res = a.Block(wdTx(k2, 0, wdTo(3), uint256.NewInt(300))) // height 11: epoch 2
	require.Equal(t, uint32(0), res.TxResults[a.Injected].Code, res.TxResults[a.Injected].Log)
	require.Equal(t, uint64(2), wdRecord(t, a, 3).Epoch)
}

// TestWithdrawBridgeInactive: with no bridge key registered no checkpoint
// is ever taken, so a withdrawal is refused (bridge/43) rather than burned
// into a tree nobody signs.
func TestWithdrawBridgeInactive(t *testing.T) {
	g := wdGenesis(5, 0)
	g.Bridge.Keys = nil
	a := testutil.NewApp(t, g)
	a.Block()
	res := a.Block(wdTx(testutil.Key(0), 0, wdTo(1), uint256.NewInt(100)))
	r := res.TxResults[a.Injected]
	require.Equal(t, "bridge", r.Codespace, r.Log)
	require.Equal(t, uint32(43), r.Code, r.Log)
	require.Equal(t, uint64(biFunded), biBalance(t, a, testutil.Addr(testutil.Key(0))))
}

// TestWithdrawCheckpointRoot: withdrawals at heights 2..5 belong to epoch 1
// (epoch_blocks 5), the one at 6 to epoch 2. Checkpoint 1 (taken in block
// 6) carries the root over epoch 1's leaves in index order, is sealed by
// the test validator, and every withdrawal's path from the queried leaf
// list verifies against it; supply went down by exactly the burned total.
func TestWithdrawCheckpointRoot(t *testing.T) {
	a := testutil.NewApp(t, wdGenesis(5, 0))
	a.Block()
	supply0 := wdSupply(t, a)
	keys := []*ecdsa.PrivateKey{testutil.Key(0), testutil.Key(1), testutil.Key(2), testutil.Key(3)}
	nonce := make([]uint64, len(keys))
	send := func(k int, to byte, amount uint64) []byte {
		tx := wdTx(keys[k], nonce[k], wdTo(to), uint256.NewInt(amount))
		nonce[k]++
		return tx
	}
	var burned uint64
	id := uint64(0)
	expectEpoch := map[uint64]uint64{}
	for h := int64(2); h <= 6; h++ {
		var txs [][]byte
		for k := 0; k < int(h%3)+1; k++ { // 1..3 withdrawals a block
			amt := uint64(1000*h) + uint64(k)
			txs = append(txs, send(k, byte(h*10+int64(k)), amt))
			burned += amt
			id++
			expectEpoch[id] = uint64((h + 4) / 5)
		}
		res := a.Block(txs...)
		for i := range txs {
			r := res.TxResults[a.Injected+i]
			require.Equal(t, uint32(0), r.Code, r.Log)
			require.Equal(t, "withdraw", r.Events[1].Type)
		}
	}
	require.Equal(t, new(uint256.Int).Sub(supply0, uint256.NewInt(burned)), wdSupply(t, a), "supply goes down by the burned total")
	total := new(uint256.Int).SetBytes(biQuery(t, a, "/bridge/withdrawn_total", 0, false).Value)
	require.Equal(t, burned, total.Uint64())
	// Block 6 took checkpoint 1; block 7 records the signature: sealed.
	a.Block()
	cp, err := bridge.UnmarshalCheckpoint(biQuery(t, a, "/bridge/checkpoint/1", 0, true).Value)
	require.NoError(t, err)
	require.Equal(t, bridge.StatusSealed, cp.Status)
	require.NotEqual(t, bridge.Hash32{}, cp.WithdrawalRoot)
	require.Equal(t, cp.Checkpoint().Digest(), [32]byte(cp.Digest), "the signed digest covers the root")
	leaves, err := bridge.SplitLeaves(biQuery(t, a, "/bridge/withdrawal_leaves/1", 0, true).Value)
	require.NoError(t, err)
	root, err := checkpoint.WithdrawalRoot(leaves)
	require.NoError(t, err)
	require.Equal(t, [32]byte(cp.WithdrawalRoot), root)
	n1 := 0
	for i := uint64(1); i <= id; i++ {
		r := wdRecord(t, a, i)
		require.Equal(t, expectEpoch[i], r.Epoch, "withdrawal %d", i)
		if r.Epoch != 1 {
			continue
		}
		n1++
		require.Equal(t, [32]byte(r.Leaf), leaves[r.Index])
		require.Equal(t, uint64(1)+uint64(r.Index), r.ID, "id = first id + index")
		path, err := checkpoint.WithdrawalPath(leaves, int(r.Index))
		require.NoError(t, err)
		require.True(t, checkpoint.VerifyWithdrawalPath(root, leaves[r.Index], uint64(r.Index), path))
		// The leaf BOC a claimant sends parses back to the record.
		c, err := r.Withdrawal().Cell()
		require.NoError(t, err)
		w, err := checkpoint.ParseWithdrawalBOC(c.ToBOC())
		require.NoError(t, err)
		require.Equal(t, r.ID, w.ID)
		require.Zero(t, w.Amount.Cmp(r.Amount.ToBig()))
		// A wrong index or a path for another leaf does not verify.
		require.False(t, checkpoint.VerifyWithdrawalPath(root, leaves[r.Index], uint64(r.Index)^1, path))
	}
	require.Equal(t, len(leaves), n1)
	require.Equal(t, bridge.EpochWithdrawals{Count: uint32(n1), FirstID: 1}.Marshal(), biQuery(t, a, "/bridge/withdrawal_epoch/1", 0, false).Value)
	ew2, err := bridge.UnmarshalEpochWithdrawals(biQuery(t, a, "/bridge/withdrawal_epoch/2", 0, false).Value)
	require.NoError(t, err)
	require.Equal(t, uint64(n1+1), ew2.FirstID, "ids of an epoch are contiguous")
	// Epoch 2 (withdrawals at height 6) is open: no leaf list yet.
	require.Nil(t, biQuery(t, a, "/bridge/withdrawal_leaves/2", 0, false).Value)
	for a.Height < 12 {
		a.Block()
	}
	cp2, err := bridge.UnmarshalCheckpoint(biQuery(t, a, "/bridge/checkpoint/2", 0, false).Value)
	require.NoError(t, err)
	leaves2, err := bridge.SplitLeaves(biQuery(t, a, "/bridge/withdrawal_leaves/2", 0, false).Value)
	require.NoError(t, err)
	root2, _ := checkpoint.WithdrawalRoot(leaves2)
	require.Equal(t, [32]byte(cp2.WithdrawalRoot), root2)
	require.Len(t, leaves2, int(id)-n1)
	// An epoch without withdrawals keeps the zero root.
	for a.Height < 17 {
		a.Block()
	}
	cp3, err := bridge.UnmarshalCheckpoint(biQuery(t, a, "/bridge/checkpoint/3", 0, false).Value)
	require.NoError(t, err)
	require.Equal(t, bridge.Hash32{}, cp3.WithdrawalRoot)
	// By account: key 0 withdrew in every block.
	from := testutil.Addr(keys[0])
	cnt := biQuery(t, a, "/bridge/withdrawals/"+from.Hex()+"/count", 0, true).Value
	require.Equal(t, nonce[0], binary.BigEndian.Uint64(cnt))
	first := biQuery(t, a, "/bridge/withdrawals/"+from.Hex()+"/0", 0, true).Value
	require.Equal(t, uint64(1), binary.BigEndian.Uint64(first))
	require.Equal(t, from, wdRecord(t, a, 1).From)
	_ = big.NewInt
}

// TestWithdrawExportKeepsIDs: an export carries the next withdrawal id, so
// the chain restarted from it never hands out an id the anchor may
// already have paid.
func TestWithdrawExportKeepsIDs(t *testing.T) {
	a := testutil.NewApp(t, wdGenesis(5, 0))
	a.Block()
	res := a.Block(wdTx(testutil.Key(0), 0, wdTo(1), uint256.NewInt(100)), wdTx(testutil.Key(1), 0, wdTo(2), uint256.NewInt(200)))
	require.Equal(t, uint32(0), res.TxResults[a.Injected+1].Code)
	g, h, err := a.ExportGenesis(0)
	require.NoError(t, err)
	require.Equal(t, uint64(3), g.Bridge.NextWithdrawalID)
	raw, err := json.Marshal(g)
	require.NoError(t, err)
	b := testutil.OpenApp(t, t.TempDir())
	_, err = b.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-test", AppStateBytes: raw, InitialHeight: h + 1})
	require.NoError(t, err)
	b.Height = h
	res = b.Block(wdTx(testutil.Key(2), 0, wdTo(3), uint256.NewInt(300)))
	require.Equal(t, uint32(0), res.TxResults[b.Injected].Code, res.TxResults[b.Injected].Log)
	require.Equal(t, uint64(3), wdRecord(t, b, 3).ID)
	require.Nil(t, biQuery(t, b, "/bridge/withdrawal/1", 0, false).Value, "records are history, not exported")
}

// An export gives back, on the L2, every withdrawal whose epoch had no
// sealed checkpoint yet: the exported chain has no checkpoint history to
// carry it to TON, so it would be burned for nothing. A withdrawal whose
// checkpoint sealed stays burned (claimable on TON against the anchor).
func TestWithdrawExportRefundsUnsealed(t *testing.T) {
	a := testutil.NewApp(t, wdGenesis(5, 0))
	a.Block()
	k0, k1 := testutil.Key(0), testutil.Key(1)
	res := a.Block(wdTx(k0, 0, wdTo(1), uint256.NewInt(100)))
	require.Equal(t, uint32(0), res.TxResults[a.Injected].Code, res.TxResults[a.Injected].Log)
	for i := 0; i < 12 && !wdSealed(t, a, 1); i++ {
		a.Block()
	}
	require.True(t, wdSealed(t, a, 1), "epoch 1's checkpoint seals")
	res = a.Block(wdTx(k1, 0, wdTo(2), uint256.NewInt(200)))
	require.Equal(t, uint32(0), res.TxResults[a.Injected].Code, res.TxResults[a.Injected].Log)
	require.False(t, wdSealed(t, a, wdRecord(t, a, 2).Epoch), "withdrawal 2's epoch is still open")

	g, _, err := a.ExportGenesis(0)
	require.NoError(t, err)
	got := map[auth.Address]uint64{}
	for _, b := range g.Bank.Balances {
		got[b.Address] = b.Amount.Uint64()
	}
	require.Equal(t, biBalance(t, a, testutil.Addr(k0)), got[testutil.Addr(k0)], "sealed withdrawal 1 stays burned")
	require.Equal(t, biBalance(t, a, testutil.Addr(k1))+200, got[testutil.Addr(k1)], "unsealed withdrawal 2 is credited back")
	require.NoError(t, g.Bank.Validate())
	raw, err := json.Marshal(g)
	require.NoError(t, err)
	b := testutil.OpenApp(t, t.TempDir())
	_, err = b.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-test", AppStateBytes: raw, InitialHeight: a.Height + 1})
	require.NoError(t, err)
	b.Height = a.Height
	b.Block()
	require.NoError(t, b.CheckInvariants())
	require.Equal(t, biBalance(t, a, testutil.Addr(k1))+200, biBalance(t, b, testutil.Addr(k1)))
}

func wdSealed(t testing.TB, a *testutil.App, epoch uint64) bool {
	t.Helper()
	v := biQuery(t, a, "/bridge/checkpoint/"+strconv.FormatUint(epoch, 10), 0, false).Value
	if v == nil {
		return false
	}
	var r bridge.CheckpointRecord
	require.NoError(t, json.Unmarshal(v, &r))
	return r.Status != bridge.StatusAccumulating
}
