package app_test

import (
	"encoding/binary"
	"testing"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// cAttested registers node key 0, accepts network job 1 and attests
// [0, 16) of it (blocks 1 and 2); it returns the work and its receipt.
func cAttested(t *testing.T, a *testutil.App) (*testutil.Work, compute.Receipt) {
	t.Helper()
	node := testutil.Key(0)
	reg := &compute.RegisterNode{Endpoint: "https://cdn0.example", Region: "eu", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(1_000)}
	cOK(t, a, cTx(node, 0, reg), cTx(node, 1, &compute.AcceptJob{JobID: 1}))
	w := testutil.DoWork(testutil.ChainID, 1, computekeeper.NetworkSeed(0, 0), testutil.Addr(node), 0, 16, 100, cKeys(20, 21), nil)
	cOK(t, a, cTx(node, 2, w.Attest))
	return w, cReceipt(t, a, w)
}

func cReceipt(t *testing.T, a *testutil.App, w *testutil.Work) compute.Receipt {
	t.Helper()
	rid := binary.BigEndian.Uint64(biQuery(t, a, "/compute/attestation/"+w.Attest.AttestationID.Hex(), 0, false).Value)
	r, err := compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/"+itoa(rid), 0, false).Value)
	require.NoError(t, err)
	return r
}

func cBond(t *testing.T, a *testutil.App) uint64 {
	t.Helper()
	n, err := compute.UnmarshalNode(biQuery(t, a, "/compute/node/"+testutil.Addr(testutil.Key(0)).Hex(), 0, false).Value)
	require.NoError(t, err)
	return n.Bond.Uint64()
}

// A chain whose vote extensions stop arriving (no height gets > 2/3 power
// of beacon signatures) keeps producing blocks; an attestation with no
// beacon in its whole window (inclusion, inclusion + beacon_window] gets
// the void verdict at its deadline — released, not slashed — and a reveal
// meanwhile fails as a tx (compute/37) instead of halting anything. When
// extensions return, beacons resume at once.
func TestComputeNoBeaconsVoid(t *testing.T) {
	a := testutil.NewApp(t, testutil.ComputeGenesis(3, cFunded, cPool))
	w, r := cAttested(t, a)
	p := testutil.ComputeParams()
	bond := cBond(t, a)
	a.NoBeacons = true
	res := a.Block()
	require.Equal(t, 0, a.Injected, "no extensions, no vote-extension tx")
	require.Empty(t, res.TxResults)
	// Nobody can know a sample; a reveal under any beacon is refused.
	s := computekeeper.SampleIndices(&r, [32]byte{1})
	res = a.Block(cTx(testutil.Key(0), 3, w.Reveal(s, 0, len(s))))
	require.Equal(t, compute.ErrNoBeacon.Code(), res.TxResults[0].Code, res.TxResults[0].Log)
	for a.Height < int64(r.Deadline)-1 {
		cOK(t, a)
		require.Equal(t, compute.ReceiptPending, cReceipt(t, a, w).Status)
	}
	cOK(t, a) // the deadline's EndBlock
	for h := r.Height + 1; h <= r.Height+p.BeaconWindow; h++ {
		require.Empty(t, biQuery(t, a, "/compute/beacon/"+itoa(h), 0, false).Value, "height %d", h)
	}
	got := cReceipt(t, a, w)
	require.Equal(t, compute.VerdictVoid, got.Verdict)
	require.Equal(t, compute.ReceiptFailed, got.Status)
	require.Zero(t, got.BeaconHeight)
	require.Equal(t, bond, cBond(t, a), "void is not the node's fault: no slash")
	// Extensions come back: the next block injects them and the height
	// before it has its beacon again.
	a.NoBeacons = false
	cOK(t, a)
	require.Equal(t, 1, a.Injected)
	stateBeacon(t, a, uint64(a.Height-1))
}

// Heights without a beacon just move the sample to the first height after
// the attestation that has one (README §Proof): here x+1 and x+2 lack one
// and x+3's fixes it; the reveal under it passes and the receipt records it.
func TestComputeBeaconSkipsMissingHeights(t *testing.T) {
	a := testutil.NewApp(t, testutil.ComputeGenesis(3, cFunded, cPool))
	w, r := cAttested(t, a)
	a.NoBeacons = true
	cOK(t, a) // block x+1: no beacon for x
	cOK(t, a) // block x+2: none for x+1
	cOK(t, a) // block x+3: none for x+2
	a.NoBeacons = false
	cOK(t, a) // block x+4 injects x+3's extensions
	for h := r.Height + 1; h <= r.Height+2; h++ {
		require.Empty(t, biQuery(t, a, "/compute/beacon/"+itoa(h), 0, false).Value, "height %d", h)
	}
	b := stateBeacon(t, a, r.Height+3)
	cOK(t, a, cTx(testutil.Key(0), 3, revealOf(t, a, w, r)))
	got := cReceipt(t, a, w)
	require.Equal(t, compute.VerdictPass, got.Verdict)
	require.Equal(t, r.Height+3, got.BeaconHeight)
	require.Equal(t, b, [32]byte(got.Beacon))
}

// Genesis keeps compute's reveal window inside x/bridge's beacon
// retention: otherwise a pending receipt's first beacon could be pruned
// and its sample silently move to a later one.
func TestGenesisBeaconRetentionCoversRevealWindow(t *testing.T) {
	g := testutil.ComputeGenesis(1, cFunded, cPool)
	g.Bridge.Params.BeaconRetentionBlocks = 100
	g.Compute.Params.BeaconWindow, g.Compute.Params.RevealBlocks = 20, 80
	require.NoError(t, g.Validate())
	g.Compute.Params.RevealBlocks = 81
	require.ErrorContains(t, g.Validate(), "beacon_retention_blocks")
}
