package app_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	"github.com/stretchr/testify/require"
)

const cFunded, cPool = 1_000_000_000_000, 1_000_000_000_000

func cKeys(is ...uint64) []*ecdsa.PrivateKey {
	out := make([]*ecdsa.PrivateKey, len(is))
	for j, i := range is {
		out[j] = testutil.Key(i)
	}
	return out
}

func cTx(k *ecdsa.PrivateKey, nonce uint64, msg auth.Msg) []byte {
	return testutil.SignedTx(k, testutil.ChainID, nonce, biMinFee, msg)
}

// cOK requires every tx of a block result to have succeeded.
func cOK(t *testing.T, a *testutil.App, txs ...[]byte) []byte {
	t.Helper()
	res := a.Block(txs...)
	for i, r := range res.TxResults {
		require.Equal(t, uint32(0), r.Code, "tx %d: %s", i, r.Log)
	}
	return res.AppHash
}

// cProved queries path at the latest height with a proof and verifies it
// against root (the AppHash FinalizeBlock returned for that height).
func cProved(t *testing.T, a *testutil.App, path string, root []byte) []byte {
	t.Helper()
	q := biQuery(t, a, path, 0, true)
	require.True(t, qVerify(t, q, root), "%s: proof does not verify", path)
	return q.Value
}

// cPrefix is the common start: node key 0 registered, network job 1
// accepted by it, newcomers 20 and 21 paid for [0, 16) and holding NFTs
// (attested in block 2, revealed by the node with nonce 3 in block 4).
func cPrefix(t *testing.T, a *testutil.App) {
	node := testutil.Key(0)
	reg := &compute.RegisterNode{Endpoint: "https://cdn0.example", Region: "eu", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(1_000)}
	cOK(t, a, cTx(node, 0, reg), cTx(node, 1, &compute.AcceptJob{JobID: 1}))
	w := testutil.DoWork(testutil.ChainID, 1, computekeeper.NetworkSeed(0, 0), testutil.Addr(node), 0, 16, 100, cKeys(20, 21), nil)
	cOK(t, a, cTx(node, 2, w.Attest))
	cPass(t, a, node, 3, w)
}

// cPass runs two empty blocks after w's attestation at height x: block x+2
// injects the vote extensions of x+1, whose x/bridge beacon fixes w's
// sample, so the revealer reads it once x+2 is committed (as a real one
// would: nobody outside the proposer knows it earlier). It then reveals w's
// whole sample from key k with nonce and requires the PASS verdict. It
// returns the AppHash of the reveal's block.
func cPass(t *testing.T, a *testutil.App, k *ecdsa.PrivateKey, nonce uint64, w *testutil.Work) []byte {
	t.Helper()
	rid := binary.BigEndian.Uint64(biQuery(t, a, "/compute/attestation/"+w.Attest.AttestationID.Hex(), 0, false).Value)
	r, err := compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/"+itoa(rid), 0, false).Value)
	require.NoError(t, err)
	require.Equal(t, compute.ReceiptPending, r.Status)
	cOK(t, a)
	require.Len(t, biQuery(t, a, "/compute/beacon/"+itoa(r.Height+1), 0, false).Value, 0, "written by the next block")
	cOK(t, a)
	require.Len(t, biQuery(t, a, "/compute/beacon/"+itoa(r.Height+1), 0, false).Value, bridge.BeaconLen, "written by block x+2")
	root := cOK(t, a, cTx(k, nonce, revealOf(t, a, w, r)))
	r, err = compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/"+itoa(rid), 0, false).Value)
	require.NoError(t, err)
	require.Equal(t, compute.VerdictPass, r.Verdict)
	require.Equal(t, compute.ReceiptFinal, r.Status)
	require.Equal(t, r.Height+1, r.BeaconHeight)
	require.Equal(t, stateBeacon(t, a, r.Height+1), [32]byte(r.Beacon), "the receipt records the x/bridge beacon")
	return root
}

// stateBeacon is the x/bridge beacon of height h read from committed state
// through /compute/beacon/{h} (an alias of /bridge/beacon/{h}); the test
// fails if that height has none.
func stateBeacon(t *testing.T, a *testutil.App, h uint64) [32]byte {
	t.Helper()
	raw := biQuery(t, a, "/compute/beacon/"+itoa(h), 0, false).Value
	require.Equal(t, biQuery(t, a, "/bridge/beacon/"+itoa(h), 0, false).Value, raw, "alias of the bridge record")
	b, err := bridge.UnmarshalBeacon(raw)
	require.NoError(t, err, "beacon of height %d", h)
	require.Greater(t, 3*b.SignedPower, 2*b.TotalPower, "> 2/3 of the power signed")
	return b.Value
}

// revealOf is the reveal of w's whole sample under the beacon a revealer
// reads from state: the first beacon at a height after the attestation's
// inclusion, which must exist by now (the caller ran the blocks).
func revealOf(t *testing.T, a *testutil.App, w *testutil.Work, r compute.Receipt) *compute.Reveal {
	t.Helper()
	for h := r.Height + 1; h < uint64(a.Height); h++ {
		if len(biQuery(t, a, "/compute/beacon/"+itoa(h), 0, false).Value) == 0 {
			continue
		}
		s := computekeeper.SampleIndices(&r, stateBeacon(t, a, h))
		return w.Reveal(s, 0, len(s))
	}
	t.Fatalf("no beacon after height %d at height %d", r.Height, a.Height)
	return nil
}

// The cycle at app level, through ProcessProposal, FinalizeBlock
// and Commit with the supply invariant checked after every block: a
// newcomer contributes to a network job through a node, receives the NFT,
// submits a paid job, the node attests, escrow pays node and contributors,
// and receipts and NFT counters are queryable with verified proofs.
func TestComputeCycleApp(t *testing.T) {
	a := testutil.NewApp(t, testutil.ComputeGenesis(3, cFunded, cPool))
	node, newcomer := testutil.Key(0), testutil.Key(20)
	cPrefix(t, a)
	root := cOK(t, a) // an empty block, so the newcomer's state is settled
	idb := cProved(t, a, "/nft/contributor/"+testutil.Addr(newcomer).Hex(), root)
	require.Len(t, idb, 8)
	id := binary.BigEndian.Uint64(idb)
	n, err := nft.UnmarshalNFT(cProved(t, a, "/nft/nft/"+itoa(id), root))
	require.NoError(t, err)
	require.Equal(t, uint64(8), n.Units)
	require.Equal(t, testutil.Addr(newcomer), n.Owner)
	// Pooled emission: the PASS earned weights (8 units × 8,000), paid
	// after the epoch; nothing yet.
	require.Equal(t, uint64(0), biBalance(t, a, testutil.Addr(newcomer)))
	wb := cProved(t, a, "/compute/emission/0/"+testutil.Addr(newcomer).Hex(), root)
	require.Equal(t, uint64(64_000), binary.BigEndian.Uint64(wb))
	// Someone funds the newcomer, who as an NFT holder pays for a job of
	// 10 units at 1,000.
	cOK(t, a, testutil.Transfer(testutil.Key(1), testutil.ChainID, 0, biMinFee, testutil.Addr(newcomer), 1_000_000))
	earned := biBalance(t, a, testutil.Addr(newcomer))
	submit := &compute.SubmitJob{UnitKind: 1, SpecHash: kernel.SpecMatmulI8, Units: 10, PricePerUnit: *uint256.NewInt(1_000), MaxNodes: 1, Expiry: uint64(a.Height) + 50}
	cOK(t, a, cTx(newcomer, 0, submit))
	require.Equal(t, earned-10_000-biMinFee, biBalance(t, a, testutil.Addr(newcomer)))
	nodeBefore := biBalance(t, a, testutil.Addr(node))
	w := testutil.DoWork(testutil.ChainID, 2, compute.Hash{}, testutil.Addr(node), 0, 10, uint64(a.Height)+10, cKeys(21, 22), nil)
	cOK(t, a, cTx(node, 4, &compute.AcceptJob{JobID: 2}), cTx(node, 5, w.Attest))
	require.Equal(t, nodeBefore-2*biMinFee, biBalance(t, a, testutil.Addr(node)), "pending: nothing paid yet")
	root = cPass(t, a, node, 6, w)
	// 10,000 paid: 2,000 to the node, 4,000 to each contributor; and
	// meanwhile (height 10) the node's 12.8e6 of epoch 0's emission.
	require.Equal(t, nodeBefore+2_000+12_800_000-3*biMinFee, biBalance(t, a, testutil.Addr(node)))
	require.Equal(t, uint64(25_600_000+4_000), biBalance(t, a, testutil.Addr(testutil.Key(21))))
	j, err := compute.UnmarshalJob(cProved(t, a, "/compute/job/2", root))
	require.NoError(t, err)
	require.Equal(t, compute.JobDone, j.State)
	require.True(t, j.Escrow.IsZero())
	ids := cProved(t, a, "/compute/receipts/job/2/0", root)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 2}, ids)
	r, err := compute.UnmarshalReceipt(cProved(t, a, "/compute/receipt/2", root))
	require.NoError(t, err)
	require.Equal(t, uint64(2_000), r.NodePaid.Uint64())
	require.Equal(t, compute.ReceiptFinal, r.Status)
	page := cProved(t, a, "/compute/receipts/contributor/"+testutil.Addr(testutil.Key(21)).Hex()+"/0", root)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2}, page)
	n21, err := nft.UnmarshalNFT(cProved(t, a, "/nft/nft/2", root))
	require.NoError(t, err)
	require.Equal(t, uint64(8+5), n21.Units)
	require.Equal(t, uint64(2), n21.Receipts)
	jobsOf := cProved(t, a, "/compute/jobs/owner/"+testutil.Addr(newcomer).Hex()+"/0", root)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 2}, jobsOf)
	// Epoch 0's share (64e6) went, at its last height 10, wholly to its
	// only PASS-verified units [0, 16): 16 × 2,000 weight to the node, 8 ×
	// 8,000 to each newcomer, of 160,000. Block 12 — the reveal's, three
	// blocks after the attestation since the beacon of height x+1 is
	// injected by block x+2 — is in epoch 1, whose share is set aside.
	require.Equal(t, int64(12), a.Height)
	rec, err := compute.UnmarshalEmissionEpoch(cProved(t, a, "/compute/emission/0", root))
	require.NoError(t, err)
	require.True(t, rec.Done)
	require.Equal(t, uint64(16), rec.Units)
	require.Equal(t, uint64(64_000_000), rec.Distributed.Uint64())
	pool := cProved(t, a, "/compute/incentive_pool", root)
	require.Equal(t, uint64(cPool-64_000_000-64_000_000), new(uint256.Int).SetBytes(pool).Uint64())
	require.Nil(t, cProved(t, a, "/compute/emission/0/"+testutil.Addr(newcomer).Hex(), root), "paid weights are deleted")
	// Absent records are proven absent.
	require.Nil(t, cProved(t, a, "/compute/receipt/99", root))
}

// Bad input through the whole app path (decode, co-signatures, ante,
// execution): each tx fails with its stable code and the block leaves the
// same AppHash as an empty block on a twin chain.
func TestComputeBadInputApp(t *testing.T) {
	g := testutil.ComputeGenesis(3, cFunded, cPool)
	a, twin := testutil.NewApp(t, g), testutil.NewApp(t, g)
	cPrefix(t, a)
	cPrefix(t, twin)
	node, other, stranger := testutil.Key(0), testutil.Key(1), testutil.Key(2)
	// Newcomer 20 (an NFT holder) gets fee money, so its too-large job
	// fails in compute rather than in the ante.
	for _, c := range []*testutil.App{a, twin} {
		cOK(t, c, cTx(other, 0, &compute.RegisterNode{Endpoint: "x", Region: "us", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(1_000)}),
			testutil.Transfer(other, testutil.ChainID, 1, biMinFee, testutil.Addr(testutil.Key(20)), 1_000_000))
	}

	me := testutil.Addr(node)
	forged := testutil.Attestation(testutil.ChainID, 1, me, 16, 24, 100, cKeys(20, 21))
	forged.Shares[0].Sig = testutil.ShareSig(testutil.Key(22), testutil.ChainID, 1, me, 16, 24, 4, forged.Shares[0].SubRoot)
	replay := testutil.Attestation(testutil.ChainID, 1, me, 16, 24, 100, cKeys(20, 21))
	replay.AttestationID = testutil.Attestation(testutil.ChainID, 1, me, 0, 16, 100, cKeys(20, 21)).AttestationID
	job := func(units, price uint64) *compute.SubmitJob {
		return &compute.SubmitJob{UnitKind: 1, SpecHash: kernel.SpecMatmulI8, Units: units, PricePerUnit: *uint256.NewInt(price), MaxNodes: 1, Expiry: 500}
	}
	cases := []struct {
		name string
		tx   []byte
		code *codes.Error
	}{
		{"share signed by someone else", cTx(node, 4, forged), compute.ErrShareSignature},
		{"replayed attestation id", cTx(node, 4, replay), compute.ErrAttestationReplay},
		{"overlapping range", cTx(node, 4, testutil.Attestation(testutil.ChainID, 1, me, 8, 24, 100, cKeys(20))), compute.ErrRangeOverlap},
		{"out of range", cTx(node, 4, testutil.Attestation(testutil.ChainID, 1, me, 60, 70, 100, cKeys(20))), compute.ErrRange},
		{"expired attestation", cTx(node, 4, testutil.Attestation(testutil.ChainID, 1, me, 16, 24, 2, cKeys(20))), compute.ErrAttestationExpired},
		{"unassigned node", cTx(other, 2, testutil.Attestation(testutil.ChainID, 1, testutil.Addr(other), 16, 24, 100, cKeys(20))), compute.ErrNotAssigned},
		{"unregistered node", cTx(stranger, 0, testutil.Attestation(testutil.ChainID, 1, testutil.Addr(stranger), 16, 24, 100, cKeys(20))), compute.ErrNodeNotFound},
		{"job without nft", cTx(stranger, 0, job(10, 10)), compute.ErrNoNFT},
		{"job with zero units", cTx(testutil.Key(20), 0, job(0, 10)), compute.ErrZeroUnits},
		{"job with zero price", cTx(testutil.Key(20), 0, job(10, 0)), compute.ErrZeroPrice},
		{"job escrow above balance", cTx(testutil.Key(20), 0, job(1_000_000, 1_000_000)), compute.ErrInsufficientFunds},
		{"nft transfer by non-owner", cTx(stranger, 0, &nft.TransferNFT{ID: 1, To: testutil.Addr(stranger)}), nft.ErrInvalidRecipient},
		{"nft transfer by non-owner to another", cTx(stranger, 0, &nft.TransferNFT{ID: 1, To: testutil.Addr(other)}), nft.ErrNotOwner},
	}
	txs := make([][]byte, len(cases))
	for i, c := range cases {
		txs[i] = c.tx
	}
	res := a.Block(txs...)
	empty := twin.Block()
	for i, c := range cases {
		r := res.TxResults[a.Injected+i]
		require.Equal(t, c.code.Codespace(), r.Codespace, "%s: %s", c.name, r.Log)
		require.Equal(t, c.code.Code(), r.Code, "%s: %s", c.name, r.Log)
	}
	require.Equal(t, empty.AppHash, res.AppHash, "a failed compute tx changed state")
}

func itoa(v uint64) string { return uint256.NewInt(v).Dec() }

// Export with nodes, jobs, receipts and NFTs, restart from it at the next
// height: every compute and nft record survives, the supply invariant holds,
// and the restarted chain carries on (the node attests the open job).
func TestComputeExportRestart(t *testing.T) {
	a := testutil.NewApp(t, testutil.ComputeGenesis(3, cFunded, cPool))
	cPrefix(t, a)
	newcomer, node := testutil.Key(20), testutil.Key(0)
	submit := &compute.SubmitJob{UnitKind: 1, SpecHash: kernel.SpecMatmulI8, Units: 10, PricePerUnit: *uint256.NewInt(1_000), MaxNodes: 1, Expiry: uint64(a.Height) + 50}
	cOK(t, a, testutil.Transfer(testutil.Key(1), testutil.ChainID, 0, biMinFee, testutil.Addr(newcomer), 1_000_000))
	cOK(t, a, cTx(newcomer, 0, submit), cTx(node, 4, &compute.AcceptJob{JobID: 2}))
	g, h, err := a.ExportGenesis(0)
	require.NoError(t, err)
	require.NotEmpty(t, g.Compute.Records)
	require.Len(t, g.NFT.NFTs, 2)
	raw, err := json.Marshal(g)
	require.NoError(t, err)

	b := testutil.OpenApp(t, t.TempDir())
	_, err = b.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "pingo-test", AppStateBytes: raw, InitialHeight: h + 1})
	require.NoError(t, err)
	b.Height = h
	cOK(t, b)
	for _, p := range []string{"/compute/job/1", "/compute/job/2", "/compute/receipt/1", "/compute/node/" + testutil.Addr(node).Hex(),
		"/nft/nft/1", "/compute/jobs/state/open", "/compute/escrow_total", "/compute/incentive_pool", "/bank/supply"} {
		require.Equal(t, biQuery(t, a, p, 0, false).Value, biQuery(t, b, p, 0, false).Value, p)
	}
	// A replayed attestation id from before the export is still spent
	// (checked while job 1, the epoch-0 network job, is still open; the
	// failed tx leaves the node's nonce unused).
	old := testutil.Attestation(testutil.ChainID, 1, testutil.Addr(node), 16, 24, uint64(b.Height)+10, cKeys(21))
	old.AttestationID = testutil.Attestation(testutil.ChainID, 1, testutil.Addr(node), 0, 16, 100, cKeys(20, 21)).AttestationID
	res := b.Block(cTx(node, 5, old))
	require.Equal(t, 1, b.Injected, "the imported chain carries on producing beacons")
	require.Equal(t, compute.ErrAttestationReplay.Code(), res.TxResults[b.Injected].Code)
	w := testutil.DoWork(testutil.ChainID, 2, compute.Hash{}, testutil.Addr(node), 0, 10, uint64(b.Height)+10, cKeys(21, 22), nil)
	cOK(t, b, cTx(node, 5, w.Attest))
	cPass(t, b, node, 6, w)
	j, err := compute.UnmarshalJob(biQuery(t, b, "/compute/job/2", 0, false).Value)
	require.NoError(t, err)
	require.Equal(t, compute.JobDone, j.State)
}

// ProcessProposal and the verdicts: a block carrying a forged reveal (an
// opening that does not fold to the committed root) or a forged
// attestation (output root not over its sub-roots) is rejected; a block
// carrying a well-formed reveal of wrong work is accepted, and its effect
// is the FAIL verdict: the node is slashed and nobody is paid.
func TestComputeProcessProposalVerdicts(t *testing.T) {
	a := testutil.NewApp(t, testutil.ComputeGenesis(3, cFunded, cPool))
	node := testutil.Key(0)
	cPrefix(t, a) // node nonces 0..3
	lazy := testutil.DoWork(testutil.ChainID, 1, computekeeper.NetworkSeed(0, 0), testutil.Addr(node), 16, 24, 100, cKeys(22), func(uint64) bool { return true })
	forgedAtt := testutil.DoWork(testutil.ChainID, 1, computekeeper.NetworkSeed(0, 0), testutil.Addr(node), 24, 32, 100, cKeys(22), nil).Attest
	forgedAtt.OutputRoot[0] ^= 1
	propose := func(txs ...[]byte) abci.ResponseProcessProposal_ProposalStatus {
		pp, err := a.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: txs, Height: a.Height + 1, Time: time.Unix(1_700_000_000+a.Height+1, 0)})
		require.NoError(t, err)
		return pp.Status
	}
	require.Equal(t, abci.ResponseProcessProposal_REJECT, propose(cTx(node, 4, forgedAtt)), "forged attestation")
	cOK(t, a, cTx(node, 4, lazy.Attest))
	rid := binary.BigEndian.Uint64(biQuery(t, a, "/compute/attestation/"+lazy.Attest.AttestationID.Hex(), 0, false).Value)
	r, err := compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/"+itoa(rid), 0, false).Value)
	require.NoError(t, err)
	cOK(t, a)
	cOK(t, a) // injects the beacon of the height after the attestation
	bond := func() uint64 {
		n, err := compute.UnmarshalNode(biQuery(t, a, "/compute/node/"+testutil.Addr(node).Hex(), 0, false).Value)
		require.NoError(t, err)
		return n.Bond.Uint64()
	}
	before := bond()
	honest := revealOf(t, a, lazy, r)
	forged := revealOf(t, a, lazy, r)
	forged.Openings[0].Digest = computekeeper.SampleSeed([32]byte{}, [32]byte{}) // any other digest
	require.Equal(t, abci.ResponseProcessProposal_REJECT, propose(cTx(node, 5, forged)), "forged reveal")
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, propose(cTx(node, 5, honest)), "well-formed reveal of wrong work")
	cOK(t, a, cTx(node, 5, honest))
	r, err = compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/"+itoa(rid), 0, false).Value)
	require.NoError(t, err)
	require.Equal(t, compute.VerdictFail, r.Verdict)
	require.Equal(t, before-before/10, bond())
}

// The verification budget is deterministic and enforced where txs enter:
// CheckTx refuses a reveal that no longer fits this block's budget
// (compute/42), PrepareProposal drops it, and it fits the next block.
func TestComputeRevealBudgetCheckTx(t *testing.T) {
	g := testutil.ComputeGenesis(3, cFunded, cPool)
	g.Compute.Params.RevealBudget = 12
	a := testutil.NewApp(t, g)
	node, other := testutil.Key(0), testutil.Key(1)
	seed := computekeeper.NetworkSeed(0, 0)
	reg := &compute.RegisterNode{Endpoint: "https://cdn1.example", Region: "eu", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(1_000)}
	cOK(t, a, cTx(node, 0, &compute.RegisterNode{Endpoint: "https://cdn0.example", Region: "eu", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(1_000)}),
		cTx(node, 1, &compute.AcceptJob{JobID: 1}), cTx(other, 0, reg), cTx(other, 1, &compute.AcceptJob{JobID: 1}))
	w1 := testutil.DoWork(testutil.ChainID, 1, seed, testutil.Addr(node), 0, 16, 100, cKeys(20), nil)
	w2 := testutil.DoWork(testutil.ChainID, 1, seed, testutil.Addr(other), 32, 48, 100, cKeys(21), nil)
	cOK(t, a, cTx(node, 2, w1.Attest), cTx(other, 2, w2.Attest))
	receipt := func(w *testutil.Work) compute.Receipt {
		rid := binary.BigEndian.Uint64(biQuery(t, a, "/compute/attestation/"+w.Attest.AttestationID.Hex(), 0, false).Value)
		r, err := compute.UnmarshalReceipt(biQuery(t, a, "/compute/receipt/"+itoa(rid), 0, false).Value)
		require.NoError(t, err)
		return r
	}
	r1, r2 := receipt(w1), receipt(w2)
	cOK(t, a)
	cOK(t, a)                                                    // the beacon record exists from here on
	rev1, rev2 := revealOf(t, a, w1, r1), revealOf(t, a, w2, r2) // 8 units each
	tx1, tx2 := cTx(node, 3, rev1), cTx(other, 3, rev2)
	require.Equal(t, uint32(0), a.Check(tx1).Code)
	res := a.Check(tx2)
	require.Equal(t, compute.Codespace, res.Codespace, res.Log)
	require.Equal(t, compute.ErrRevealBudget.Code(), res.Code, res.Log)
	prep, err := a.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: [][]byte{tx1, tx2}, MaxTxBytes: 1 << 20,
		Height: a.Height + 1, Time: time.Unix(1_700_000_000+a.Height+1, 0)})
	require.NoError(t, err)
	require.Equal(t, [][]byte{tx1}, prep.Txs)
	require.Equal(t, abci.ResponseProcessProposal_REJECT, func() abci.ResponseProcessProposal_ProposalStatus {
		pp, err := a.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Txs: [][]byte{tx1, tx2}, Height: a.Height + 1, Time: time.Unix(1_700_000_000+a.Height+1, 0)})
		require.NoError(t, err)
		return pp.Status
	}(), "a block over the budget is rejected")
	cOK(t, a, tx1)
	cOK(t, a, tx2)
	require.Equal(t, compute.VerdictPass, receipt(w2).Verdict)
}

// Every query issue #4 lists, each answered with an ICS23 proof that
// verifies against the block's AppHash: nodes, a node, jobs by id, owner,
// node, every state (live sets and end-state lists) and epoch, receipts by
// job and contributor, NFTs by owner, escrow, bonds and the incentive
// pool. Paths of a state that does not exist, or a page on a live set,
// are refused with query/2.
func TestComputeQueriesProven(t *testing.T) {
	a := testutil.NewApp(t, testutil.ComputeGenesis(3, cFunded, cPool))
	node, newcomer := testutil.Key(0), testutil.Key(20)
	cPrefix(t, a)
	// Network-job emission is paid after its epoch (pooled emission), so
	// someone funds the newcomer, who holds the NFT now, for its own jobs.
	cOK(t, a, testutil.Transfer(testutil.Key(1), testutil.ChainID, 0, biMinFee, testutil.Addr(newcomer), 1_000_000))
	submit := &compute.SubmitJob{UnitKind: 1, SpecHash: kernel.SpecMatmulI8, Units: 10, PricePerUnit: *uint256.NewInt(1_000), MaxNodes: 1, Expiry: uint64(a.Height) + 50}
	cOK(t, a, cTx(newcomer, 0, submit))
	w := testutil.DoWork(testutil.ChainID, 2, compute.Hash{}, testutil.Addr(node), 0, 10, uint64(a.Height)+10, cKeys(21, 22), nil)
	cOK(t, a, cTx(node, 4, &compute.AcceptJob{JobID: 2}), cTx(node, 5, w.Attest))
	cPass(t, a, node, 6, w)
	// Block 11 opened epoch 1's network job 3; the newcomer's job 4 is
	// cancelled before any node accepts it.
	submit.Expiry = uint64(a.Height) + 50
	root := cOK(t, a, cTx(newcomer, 1, submit), cTx(newcomer, 2, &compute.CancelJob{JobID: 4}))

	be := func(ids ...uint64) []byte { return compute.MarshalIDs(ids) }
	n8 := func(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
	nodeHex, newHex, c21 := testutil.Addr(node).Hex(), testutil.Addr(newcomer).Hex(), testutil.Addr(testutil.Key(21)).Hex()
	// Network jobs hold no escrow under pooled emission (epoch 1's share is
	// set aside in the emission total), and job 2 is fully paid: nothing
	// is in escrow.
	var escrow uint256.Int
	for _, c := range []struct {
		path string
		want []byte // nil: only decoded below
	}{
		{"/compute/nodes", func() []byte { a := testutil.Addr(node); return a[:] }()},
		{"/compute/node/" + nodeHex, nil},
		{"/compute/job/2", nil},
		{"/compute/jobs/owner/" + newHex, n8(2)},
		{"/compute/jobs/owner/" + newHex + "/0", be(2, 4)},
		{"/compute/jobs/node/" + nodeHex, n8(2)},
		{"/compute/jobs/node/" + nodeHex + "/0", be(1, 2)},
		{"/compute/jobs/state/open", be(3)},
		{"/compute/jobs/state/assigned", nil},
		{"/compute/jobs/state/done", n8(1)},
		{"/compute/jobs/state/done/0", be(2)},
		{"/compute/jobs/state/expired", n8(1)},
		{"/compute/jobs/state/expired/0", be(1)},
		{"/compute/jobs/state/cancelled", n8(1)},
		{"/compute/jobs/state/cancelled/0", be(4)},
		{"/compute/jobs/epoch/1/0", be(3)},
		{"/compute/receipts/job/2", n8(1)},
		{"/compute/receipts/job/2/0", be(2)},
		{"/compute/receipts/contributor/" + c21 + "/0", be(1, 2)},
		{"/nft/owner/" + newHex, be(1)},
		{"/nft/contributor/" + newHex, n8(1)},
		{"/compute/escrow_total", func() []byte { b := escrow.Bytes32(); return b[:] }()},
		{"/compute/bond_total", nil},
		{"/compute/incentive_pool", nil},
	} {
		v := cProved(t, a, c.path, root)
		if c.want != nil {
			require.Equal(t, c.want, v, c.path)
		}
	}
	nd, err := compute.UnmarshalNode(cProved(t, a, "/compute/node/"+nodeHex, root))
	require.NoError(t, err)
	require.Equal(t, testutil.Addr(node), nd.Operator)
	require.Equal(t, nd.Bond, *new(uint256.Int).SetBytes(cProved(t, a, "/compute/bond_total", root)), "one node: its bond is the total")
	require.Nil(t, cProved(t, a, "/compute/jobs/state/assigned", root), "no job is fully assigned and live")
	j, err := compute.UnmarshalJob(cProved(t, a, "/compute/job/4", root))
	require.NoError(t, err)
	require.Equal(t, compute.JobCancelled, j.State)

	for _, p := range []string{"/compute/jobs/state/open/0", "/compute/jobs/state/paid", "/compute/jobs/state/done/01", "/compute/jobs/state/done/x", "/compute/jobs/state/done/0/1"} {
		q, err := a.Query(context.Background(), &abci.RequestQuery{Path: p})
		require.NoError(t, err)
		require.Equal(t, "query", q.Codespace, p)
		require.Equal(t, uint32(2), q.Code, p)
	}
}
