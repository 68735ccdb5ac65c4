package chain_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// proposalHook wraps a node's app (chain.SetTestAppWrapper). As a
// byzantine proposer it appends the armed txs to every block its honest
// PrepareProposal builds; on every node it records, for each watched tx,
// how ProcessProposal judged the proposals that carried it.
type proposalHook struct {
	*app.App
	mu       sync.Mutex
	inject   [][]byte
	injected map[[32]byte][]int64 // tx hash → heights it was proposed at
	verdicts map[[32]byte]map[abci.ResponseProcessProposal_ProposalStatus]int
}

func newProposalHook(a *app.App) *proposalHook {
	return &proposalHook{App: a, injected: map[[32]byte][]int64{},
		verdicts: map[[32]byte]map[abci.ResponseProcessProposal_ProposalStatus]int{}}
}

// arm makes the hook's node propose txs in every block from now on (nil:
// honest again).
func (h *proposalHook) arm(txs ...[]byte) {
	h.mu.Lock()
	h.inject = txs
	h.mu.Unlock()
}

func (h *proposalHook) PrepareProposal(ctx context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	res, err := h.App.PrepareProposal(ctx, req)
	if err != nil {
		return res, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, tx := range h.inject {
		res.Txs = append(res.Txs, tx)
		k := sha256.Sum256(tx)
		h.injected[k] = append(h.injected[k], req.Height)
	}
	return res, nil
}

func (h *proposalHook) ProcessProposal(ctx context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	res, err := h.App.ProcessProposal(ctx, req)
	if err != nil {
		return res, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, tx := range req.Txs {
		k := sha256.Sum256(tx)
		if h.verdicts[k] == nil {
			h.verdicts[k] = map[abci.ResponseProcessProposal_ProposalStatus]int{}
		}
		h.verdicts[k][res.Status]++
	}
	return res, nil
}

func (h *proposalHook) injectedAt(tx []byte) []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int64(nil), h.injected[sha256.Sum256(tx)]...)
}

func (h *proposalHook) judged(tx []byte, s abci.ResponseProcessProposal_ProposalStatus) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.verdicts[sha256.Sum256(tx)][s]
}

// A 4-validator network where validator 3 is a byzantine proposer: when
// it proposes, its block also carries (a) a Reveal whose sampled unit
// outputs are not the committed ones (compute/40), then (b) forged
// Attests of a colluding CDN node — a contributor share signature the
// contributor never made (compute/28), and a range assigned to another
// node (compute/24). Every honest validator rejects each such block in
// ProcessProposal (counted by the hook), the height is decided in a later
// round by an honest proposer, no forged tx is in any committed block,
// the honest reveal then PASSes and the colluder's honest attestation
// takes the nonce its forgeries were signed with (so none was ever
// executed). Heights keep advancing, all four agree on every block and
// AppHash, and the supply invariant holds on every node.
func TestByzantineProposerRejected(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-validator network")
	}
	const byz = 3
	began := time.Now()
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 4, FirstIP: 151, BlockTime: 200 * time.Millisecond,
		Genesis: func(g *chain.Genesis) {
			p := testutil.ComputeParams()
			p.EpochBlocks = 1_000 // network job 1 lives through the test
			p.RevealBlocks = 200
			g.State.Compute.Params = p
		}})
	defer func() {
		if t.Failed() {
			n.LogTails(3000)
		}
	}()
	hooks := make([]*proposalHook, 4)
	for i := range hooks {
		i := i
		chain.SetTestAppWrapper(n.Nodes[i].Home, func(a *app.App) abci.Application {
			hooks[i] = newProposalHook(a)
			return hooks[i]
		})
		t.Cleanup(func() { chain.SetTestAppWrapper(n.Nodes[i].Home, nil) })
	}
	n.StartAll()
	n.WaitHeight(0, 2, 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	c := n.Nodes[0].Client
	chainID, err := c.ChainID(ctx)
	require.NoError(t, err)

	// Two CDN nodes take network job 1 (64 units, 2 nodes): the honest
	// one [0, 32), the proposer's accomplice [32, 64).
	honest, accomplice := chain.DevKey(0), chain.DevKey(1)
	contribs := []*ecdsa.PrivateKey{chain.DevKey(2), chain.DevKey(3)}
	forger := chain.DevKey(4) // sends the forged reveal; never used otherwise
	honestAddr, accAddr := testutil.Addr(honest), testutil.Addr(accomplice)
	for _, k := range []*ecdsa.PrivateKey{honest, accomplice} {
		_, err := sendTx(ctx, c, k, &compute.RegisterNode{Endpoint: "http://127.0.0.1:1", Region: "test",
			UnitKinds: []uint32{kernel.KindMatmulI8}, Bond: *uint256.NewInt(1_000)})
		require.NoError(t, err)
		_, err = sendTx(ctx, c, k, &compute.AcceptJob{JobID: 1})
		require.NoError(t, err)
	}
	job, found, _, err := c.Job(ctx, 1)
	require.NoError(t, err)
	require.True(t, found)
	require.Len(t, job.Assignments, 2)
	require.Equal(t, honestAddr, job.Assignments[0].Node)
	require.Equal(t, uint64(32), job.Assignments[0].End)

	h0 := uint64(rpcHeight(ctx, c))
	work := testutil.DoWork(chainID, 1, [32]byte(job.Seed), honestAddr, 0, 32, h0+300, contribs, nil)
	_, err = sendTx(ctx, c, honest, work.Attest)
	require.NoError(t, err)
	_, sample, err := c.WaitSample(ctx, work.Attest.AttestationID, testutil.ComputeParams().BeaconWindow, 100*time.Millisecond)
	require.NoError(t, err)
	require.Len(t, sample, 8)

	// (a) The forged reveal: every sampled output replaced, each opening
	// a valid path in a tree of the wrong outputs.
	garbage := testutil.DoWork(chainID, 1, [32]byte(job.Seed), honestAddr, 0, 32, h0+300, contribs, func(uint64) bool { return true })
	zero := uint64(0)
	badReveal, err := c.Sign(ctx, forger, garbage.Reveal(sample, 0, len(sample)), netFee, &zero)
	require.NoError(t, err)

	// (b) Forged attestations of the accomplice, both at its next nonce:
	// one whose second share's signature is by a key that is not the
	// contributor's, one over the honest node's range.
	accNonce := uint64(2)
	accWork := testutil.DoWork(chainID, 1, [32]byte(job.Seed), accAddr, 32, 64, h0+300, contribs, nil)
	forgedSig := *accWork.Attest
	forgedSig.Shares = append([]compute.Share(nil), accWork.Attest.Shares...)
	s := &forgedSig.Shares[1]
	s.Sig = testutil.ShareSig(forger, chainID, 1, accAddr, 32, 64, s.Units, s.SubRoot)
	badSig, err := c.Sign(ctx, accomplice, &forgedSig, netFee, &accNonce)
	require.NoError(t, err)
	stolen := testutil.DoWork(chainID, 1, [32]byte(job.Seed), accAddr, 0, 32, h0+300, contribs, nil)
	stolen.Attest.AttestationID = compute.Hash(sha256.Sum256([]byte("stolen range")))
	badRange, err := c.Sign(ctx, accomplice, stolen.Attest, netFee, &accNonce)
	require.NoError(t, err)

	// Each forged tx fails with its code on an honest validator's state,
	// so a block carrying it cannot be valid.
	for _, tc := range []struct {
		name string
		tx   []byte
		code uint32
	}{{"forged reveal", badReveal, 40}, {"forged share signature", badSig, 28}, {"unassigned range", badRange, 24}} {
		r, err := n.Nodes[0].Node.App.CheckTx(ctx, &abci.RequestCheckTx{Tx: tc.tx})
		require.NoError(t, err)
		require.Equal(t, "compute", r.Codespace, "%s: %s", tc.name, r.Log)
		require.Equal(t, tc.code, r.Code, "%s: %s", tc.name, r.Log)
	}

	// The byzantine validator proposes each forged tx until it has done so
	// at two heights the honest validators have since decided.
	forged := [][]byte{badReveal, badSig, badRange}
	for _, tx := range forged {
		hooks[byz].arm(tx)
		ok := within(40*time.Second, func() bool {
			hs := hooks[byz].injectedAt(tx)
			return len(hs) >= 2 && n.Nodes[0].Committed() >= hs[1]
		})
		hooks[byz].arm()
		require.True(t, ok, "validator %d proposed the forged tx at %v only (chain at %d)", byz, hooks[byz].injectedAt(tx), n.MaxHeight())
	}

	// The honest node reveals; its receipt PASSes as if nothing happened.
	_, err = sendTx(ctx, c, honest, work.Reveal(sample, 0, len(sample)))
	require.NoError(t, err)
	r, found, err := c.ReceiptOfAttestation(ctx, work.Attest.AttestationID)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, compute.VerdictPass, r.Verdict)
	require.Equal(t, compute.ReceiptFinal, r.Status)
	// The accomplice's nonce 2 is still free: its forgeries never ran.
	acc, _, err := c.Account(ctx, accAddr)
	require.NoError(t, err)
	require.Equal(t, accNonce, acc.Nonce)
	honestAcc, err := c.Sign(ctx, accomplice, accWork.Attest, netFee, &accNonce)
	require.NoError(t, err)
	hash, err := c.Broadcast(ctx, honestAcc)
	require.NoError(t, err)
	_, err = c.WaitTx(ctx, hash)
	require.NoError(t, err)

	last := n.MaxHeight() + 3
	for i := range n.Nodes {
		n.WaitHeight(i, last, 30*time.Second)
	}
	for _, tx := range forged {
		at := hooks[byz].injectedAt(tx)
		for i, hk := range hooks {
			require.Zero(t, hk.judged(tx, abci.ResponseProcessProposal_ACCEPT), "node%d accepted a block with a forged tx", i)
			if i != byz {
				require.NotZero(t, hk.judged(tx, abci.ResponseProcessProposal_REJECT), "node%d never judged a block with the forged tx", i)
			}
		}
		// Decided in a later round, by someone else's block.
		for _, h := range at {
			cm := commitAt(ctx, t, c, h)
			require.Greater(t, cm.Commit.Round, int32(0), "height %d (forged proposal) decided in round 0", h)
		}
		t.Logf("forged tx %x proposed at heights %v; rejected %d/%d/%d times by the honest validators", sha256.Sum256(tx), at,
			hooks[0].judged(tx, abci.ResponseProcessProposal_REJECT), hooks[1].judged(tx, abci.ResponseProcessProposal_REJECT),
			hooks[2].judged(tx, abci.ResponseProcessProposal_REJECT))
	}
	// No committed block carries a forged tx, and every node has the same
	// block and AppHash at every height.
	for h := int64(1); h <= last; h++ {
		var ref *coretypes.ResultBlock
		for i, nn := range n.Nodes {
			b, err := nn.Client.RPC().Block(ctx, &h)
			require.NoError(t, err, "node%d block %d", i, h)
			if ref == nil {
				ref = b
				for _, tx := range b.Block.Txs {
					for _, f := range forged {
						require.False(t, bytes.Equal(tx, f), "forged tx committed at height %d", h)
					}
				}
				continue
			}
			require.Equal(t, ref.BlockID.Hash, b.BlockID.Hash, "node%d block %d", i, h)
			require.Equal(t, ref.Block.AppHash, b.Block.AppHash, "node%d AppHash in block %d", i, h)
		}
	}
	for i, nn := range n.Nodes {
		require.NoError(t, nn.Node.App.CheckInvariants(), "node%d", i)
	}
	t.Logf("%d heights in %s", last, time.Since(began).Round(time.Millisecond))
}
