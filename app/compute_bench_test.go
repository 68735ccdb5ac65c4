package app_test

// Attestation throughput at app level: blocks of attestations with 16
// contributors each against blocks of as many transfers, on the same chain.
// Since the proof layer (#5) an accepted attestation writes a pending
// receipt (range, roots, shares, sample deadline); payment, NFT credit and
// the contributors' receipt lists happen when its sampled reveal passes,
// and are measured with the re-execution in x/compute/keeper
// BenchmarkReveal. Signatures (the node's and the 16 contributors') are
// verified before the timer, as CheckTx does on a validator before the
// block arrives, so the figure is the state path: FinalizeBlock + Commit.
//
//	go test -run '^$' -bench BenchmarkAttestations -benchtime 5x ./app/
//
// PINGO_BENCH_ATTEST sets the attestations (and transfers) per block
// (default 512). Target (issue 4): one attestation ≤ 5 transfers' time.

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/app/store"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

const (
	abNodes        = 8
	abContributors = 16
	abPool         = 256 // distinct contributor accounts
)

type attestBench struct {
	a        *testutil.App
	nodes    []*ecdsa.PrivateKey
	nonces   []uint64
	next     []uint64 // next unit per node
	contribs []*ecdsa.PrivateKey
	senders  []*ecdsa.PrivateKey
	// recipients receive payBlock's transfers (see payBlock).
	recipients []auth.Address
	payRound   int
	sNonce     uint64
	round      int
}

func newAttestBench(b testing.TB, perBlock int) *attestBench {
	return newAttestBenchWith(b, perBlock, func(*compute.Params) {})
}

// newAttestBenchWith lets a benchmark tune compute's genesis params.
func newAttestBenchWith(b testing.TB, perBlock int, tune func(*compute.Params)) *attestBench {
	g := testutil.Genesis(abNodes+1, 1_000_000_000_000_000)
	owner := testutil.Key(abNodes)
	g.NFT.NFTs = []nft.NFT{{ID: 1, Contributor: testutil.Addr(owner), Owner: testutil.Addr(owner)}}
	senders := testutil.KeysFrom(5_000, perBlock)
	for _, k := range senders {
		g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: testutil.Addr(k), Amount: uint256.NewInt(1_000_000_000_000)})
	}
	// PINGO_BENCH_FILL=n: n more funded accounts that no tx touches, for
	// a chain-sized tree (deeper paths for every write).
	for i, n := 0, benchEnvInt(b, "PINGO_BENCH_FILL", 0); i < n; i++ {
		g.Bank.Balances = append(g.Bank.Balances, bank.Balance{Address: benchAddr("fill", i), Amount: uint256.NewInt(1)})
	}
	g.Compute.Params.NetworkJobsPerEpoch = 0
	g.Compute.Params.MaxShares = abContributors
	tune(&g.Compute.Params)
	// A validator's node cache (app.toml's default), not the tests' small
	// one: with PINGO_BENCH_FILL the tree outgrows the latter, and every
	// miss is a LevelDB read no validator pays.
	a := testutil.NewAppWith(b, g, func(cfg *app.Config) { cfg.Tree.CacheNodes = store.DefaultOptions().CacheNodes })
	c := &attestBench{a: a, nodes: testutil.KeysFrom(0, abNodes), nonces: make([]uint64, abNodes),
		next: make([]uint64, abNodes), contribs: testutil.KeysFrom(1_000, abPool), senders: senders}
	share := uint64(1 << 20)
	var setup [][]byte
	for i, k := range c.nodes {
		setup = append(setup, testutil.SignedTx(k, testutil.ChainID, 0, biMinFee, &compute.RegisterNode{
			Endpoint: "https://cdn.example", Region: "eu", UnitKinds: []uint32{1}, Bond: *g.Compute.Params.MinNodeBond}))
		c.nonces[i] = 1
		c.next[i] = uint64(i) * share
	}
	setup = append(setup, testutil.SignedTx(owner, testutil.ChainID, 0, biMinFee, &compute.SubmitJob{
		UnitKind: 1, SpecHash: compute.Hash(kernel.SpecMatmulI8), Units: abNodes * share, PricePerUnit: *uint256.NewInt(1_000), MaxNodes: abNodes, Expiry: 50_000}))
	c.mustBlock(b, setup)
	var accepts [][]byte
	for i, k := range c.nodes {
		accepts = append(accepts, testutil.SignedTx(k, testutil.ChainID, c.nonces[i], biMinFee, &compute.AcceptJob{JobID: 1}))
		c.nonces[i]++
	}
	c.mustBlock(b, accepts)
	return c
}

// attestBlock signs perBlock attestations of 16 units by 16 contributors
// (a sliding window over the contributor pool), spread over the nodes.
func (c *attestBench) attestBlock(perBlock int) [][]byte {
	txs := make([][]byte, 0, perBlock)
	for t := 0; t < perBlock; t++ {
		i := t % abNodes
		k := c.nodes[i]
		first := (c.round*perBlock + t) * 7 % abPool
		ks := make([]*ecdsa.PrivateKey, abContributors)
		for j := range ks {
			ks[j] = c.contribs[(first+j)%abPool]
		}
		start := c.next[i]
		att := testutil.Attestation(testutil.ChainID, 1, testutil.Addr(k), start, start+abContributors, 50_000, ks)
		c.next[i] += abContributors
		txs = append(txs, testutil.SignedTx(k, testutil.ChainID, c.nonces[i], biMinFee, att))
		c.nonces[i]++
	}
	c.round++
	return txs
}

// transferBlock is the ring baseline: each sender pays the next sender, so
// every account a block writes is both a sender and a recipient — one
// account record per transfer.
func (c *attestBench) transferBlock() [][]byte {
	txs := make([][]byte, len(c.senders))
	for i, k := range c.senders {
		to := testutil.Addr(c.senders[(i+1)%len(c.senders)])
		txs[i] = testutil.Transfer(k, testutil.ChainID, c.sNonce, biMinFee, to, 1)
	}
	c.sNonce++
	return txs
}

// payBlock is the independent-payments baseline: each sender pays its own
// recipient (an existing account that sends nothing), so a transfer writes
// two account records, the sender's and the recipient's. The recipients
// are c.recipients in turn, perBlock a block.
func (c *attestBench) payBlock() [][]byte {
	txs := make([][]byte, len(c.senders))
	off := c.payRound * len(c.senders)
	for i, k := range c.senders {
		txs[i] = testutil.Transfer(k, testutil.ChainID, c.sNonce, biMinFee, c.recipients[(off+i)%len(c.recipients)], 1)
	}
	c.sNonce++
	c.payRound++
	return txs
}

// addRecipients derives n recipient addresses and creates their accounts
// with untimed pay blocks.
func (c *attestBench) addRecipients(b testing.TB, n int) {
	c.recipients = make([]auth.Address, n)
	for i := range c.recipients {
		c.recipients[i] = benchAddr("recipient", i)
	}
	for i := 0; i < (n+len(c.senders)-1)/len(c.senders); i++ {
		txs := c.payBlock()
		c.precheck(txs)
		c.mustBlockRaw(b, txs)
	}
	c.payRound = 0
}

// benchAddr is the i-th address of a named set of accounts that have no
// key (they only receive).
func benchAddr(set string, i int) (a auth.Address) {
	copy(a[:], crypto.Keccak256([]byte("pingo/bench/"+set), binary.BigEndian.AppendUint64(nil, uint64(i))))
	return a
}

// timedBlock prechecks txs (signatures cached, untimed), then times
// FinalizeBlock + Commit.
func (c *attestBench) timedBlock(b *testing.B, txs [][]byte) time.Duration {
	for _, tx := range txs {
		c.a.Precheck(tx)
	}
	t0 := time.Now()
	c.mustBlockRaw(b, txs)
	return time.Since(t0)
}

func (c *attestBench) mustBlock(b testing.TB, txs [][]byte) {
	res := c.mustBlockRaw(b, txs)
	_ = res
}

func (c *attestBench) mustBlockRaw(b testing.TB, txs [][]byte) *abci.ResponseFinalizeBlock {
	ctx := context.Background()
	h := c.a.Height + 1
	res, err := c.a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Txs: txs, Height: h, Time: time.Unix(1_700_000_000+h, 0)})
	if err != nil {
		b.Fatal(err)
	}
	for i, r := range res.TxResults {
		if r.Code != 0 {
			b.Fatalf("block %d tx %d: %s/%d %s", h, i, r.Codespace, r.Code, r.Log)
		}
	}
	if _, err := c.a.Commit(ctx, &abci.RequestCommit{}); err != nil {
		b.Fatal(err)
	}
	c.a.Height = h
	return res
}

// BenchmarkAttestations reports receipts/s (attestations of 16
// contributors), transfers/s on the same chain, and their cost ratio.
func BenchmarkAttestations(b *testing.B) {
	perBlock := benchEnvInt(b, "PINGO_BENCH_ATTEST", 512)
	perBlock -= perBlock % abNodes
	c := newAttestBench(b, perBlock)
	// One untimed block of each warms the caches and creates the NFTs.
	c.timedBlock(b, c.attestBlock(perBlock))
	c.timedBlock(b, c.transferBlock())
	var att, tr time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		atxs, ttxs := c.attestBlock(perBlock), c.transferBlock()
		b.StartTimer()
		att += c.timedBlock(b, atxs)
		tr += c.timedBlock(b, ttxs)
	}
	b.StopTimer()
	if err := c.a.CheckInvariants(); err != nil {
		b.Fatal(err)
	}
	total := float64(b.N * perBlock)
	perAtt := att.Seconds() / total
	perTr := tr.Seconds() / total
	b.ReportMetric(1/perAtt, "receipts/s")
	b.ReportMetric(1/perTr, "transfers/s")
	b.ReportMetric(perAtt/perTr, "transfers-per-attestation")
}
