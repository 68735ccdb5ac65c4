package app

import (
	"context"
	"crypto/ed25519"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/crypto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// reportTx is a ReportAnchor signed by the funded non-validator account.
func reportTx(t testing.TB, nonce uint64, m *bridge.ReportAnchor) []byte {
	t.Helper()
	ek, err := crypto.ToECDSA(testOperatorKey(1000))
	if err != nil {
		t.Fatal(err)
	}
	tx := &auth.Tx{ChainID: testChainID, Msg: m}
	tx.Nonce = nonce
	tx.Fee.SetUint64(100_000)
	if err := tx.Sign(ek); err != nil {
		t.Fatal(err)
	}
	raw, err := tx.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func (v *vnet) pendingFacts() []bridge.PendingFact {
	v.t.Helper()
	l, err := bridgekeeper.PendingFacts(kvReader{v.a.tree})
	if err != nil {
		v.t.Fatal(err)
	}
	return l
}

func hash32(b byte) bridge.Hash32 {
	var h bridge.Hash32
	for i := range h {
		h[i] = b
	}
	return h
}

// TestBridgeFactConfirmsCheckpoint: powers 10/20/30/40. A report moves a
// sealed checkpoint to submitted; votes of 30 and then 60 of 100 do not
// confirm it; 90 do, in the block that includes them, recording the TON
// transaction. A second report of a confirmed checkpoint is a no-op; a
// report nobody confirms expires after fact_expiry_blocks.
func TestBridgeFactConfirmsCheckpoint(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) {
		g.Bridge.Params.EpochBlocks = 4
		g.Bridge.Params.FactExpiryBlocks = 10
	})
	for v.checkpointStatus(1) != bridge.StatusSealed {
		v.block()
		if v.h > 20 {
			t.Fatal("epoch 1 never sealed")
		}
	}
	m := &bridge.ReportAnchor{Epoch: 1, TONTxHash: hash32(0xab), TONLt: 77}
	f := m.Fact()
	id := f.ID()
	v.block(reportTx(t, 0, m))
	if st := v.checkpointStatus(1); st != bridge.StatusSubmitted {
		t.Fatalf("after the report: %s", st)
	}
	if l := v.pendingFacts(); len(l) != 1 || l[0].ID != id || l[0].ExpiresHeight != v.h+10 {
		t.Fatalf("pending %+v", l)
	}
	// The same claim again: accepted, nothing changes.
	v.block(reportTx(t, 1, m))
	if l := v.pendingFacts(); len(l) != 1 {
		t.Fatalf("duplicate report added a fact: %+v", l)
	}

	voters := map[int]bool{}
	v.confirm = func(i int, got bridge.Hash32) bool { return got == id && voters[i] }
	for _, step := range []struct {
		who       []int
		confirmed bool
	}{
		{[]int{0, 1}, false},    // 30 of 100
		{[]int{0, 1, 2}, false}, // 60 of 100: not > 2/3
		{[]int{1, 2, 3}, true},  // 90 of 100
	} {
		clear(voters)
		for _, i := range step.who {
			voters[i] = true
		}
		v.block() // extensions of this height carry the votes
		res := v.block()
		got := v.checkpointStatus(1) == bridge.StatusConfirmed
		if got != step.confirmed {
			t.Fatalf("voters %v: confirmed=%v", step.who, got)
		}
		if got && !hasEvent(res, "checkpoint_confirmed") {
			t.Fatal("no checkpoint_confirmed event")
		}
	}
	r := v.checkpoint(1)
	if r.TONTxHash == nil || *r.TONTxHash != m.TONTxHash || r.TONLt != 77 || r.ConfirmedHeight != v.h || r.SubmittedHeight == 0 {
		t.Fatalf("confirmed record: %+v", r)
	}
	if l := v.pendingFacts(); len(l) != 0 {
		t.Fatalf("applied fact still pending: %+v", l)
	}
	if _, found, _ := bridgekeeper.GetFact(kvReader{v.a.tree}, id); found {
		t.Fatal("applied fact record kept")
	}
	// Reporting a confirmed checkpoint again (another tx) is a no-op.
	v.block(reportTx(t, 2, &bridge.ReportAnchor{Epoch: 1, TONTxHash: hash32(0xcd), TONLt: 78}))
	if l := v.pendingFacts(); len(l) != 0 || *v.checkpoint(1).TONTxHash != m.TONTxHash {
		t.Fatal("a report changed a confirmed checkpoint")
	}

	// A bogus report (nobody's TON view confirms it) expires.
	for v.checkpointStatus(2) != bridge.StatusSealed {
		v.block()
	}
	v.confirm = nil
	v.block(reportTx(t, 3, &bridge.ReportAnchor{Epoch: 2, TONTxHash: hash32(0xee), TONLt: 5}))
	reported := v.h
	expired := false
	for v.h <= reported+11 {
		res := v.block()
		expired = expired || hasEvent(res, "ton_fact_expired")
	}
	if l := v.pendingFacts(); len(l) != 0 || !expired {
		t.Fatalf("bogus fact not expired: %+v (event %v)", l, expired)
	}
	if st := v.checkpointStatus(2); st != bridge.StatusSubmitted {
		t.Fatalf("epoch 2 after an expired report: %s", st)
	}
}

func (v *vnet) checkpointStatus(e uint64) string {
	r, found, err := bridgekeeper.GetCheckpoint(kvReader{v.a.tree}, e)
	if err != nil {
		v.t.Fatal(err)
	}
	if !found {
		return ""
	}
	return r.Status
}

func hasEvent(res *abci.ResponseFinalizeBlock, typ string) bool {
	for _, e := range res.Events {
		if e.Type == typ {
			return true
		}
	}
	for _, r := range res.TxResults {
		for _, e := range r.Events {
			if e.Type == typ {
				return true
			}
		}
	}
	return false
}

// TestBridgeReportAnchorBadInput: each refusal has its stable code and
// changes nothing.
func TestBridgeReportAnchorBadInput(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) { g.Bridge.Params.EpochBlocks = 4 })
	v.override = func(i int, h int64, ext []byte) []byte {
		if h >= 9 { // nobody signs epoch 2 (created in block 9): it stays accumulating
			return nil
		}
		return ext
	}
	for v.h < 10 {
		v.block()
	}
	if v.checkpointStatus(1) != bridge.StatusSealed || v.checkpointStatus(2) != bridge.StatusAccumulating {
		t.Fatalf("setup: epoch 1 %s, epoch 2 %s", v.checkpointStatus(1), v.checkpointStatus(2))
	}
	check := func(raw []byte) *abci.ResponseCheckTx {
		res, err := v.a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for name, tc := range map[string]struct {
		m    bridge.ReportAnchor
		code uint32
	}{
		"unknown-epoch": {bridge.ReportAnchor{Epoch: 99, TONTxHash: hash32(1), TONLt: 1}, bridge.ErrUnknownCheckpoint.Code()},
		"not-sealed":    {bridge.ReportAnchor{Epoch: 2, TONTxHash: hash32(1), TONLt: 1}, bridge.ErrNotSealed.Code()},
		"zero-hash":     {bridge.ReportAnchor{Epoch: 1, TONLt: 1}, bridge.ErrInvalidReport.Code()},
		"zero-lt":       {bridge.ReportAnchor{Epoch: 1, TONTxHash: hash32(1)}, bridge.ErrInvalidReport.Code()},
		"epoch-zero":    {bridge.ReportAnchor{TONTxHash: hash32(1), TONLt: 1}, bridge.ErrInvalidReport.Code()},
	} {
		before := v.a.tree.Hash()
		m := tc.m
		raw := reportTx(t, 0, &m)
		if res := check(raw); res.Codespace != bridge.Codespace || res.Code != tc.code {
			t.Errorf("%s: CheckTx %s/%d %s", name, res.Codespace, res.Code, res.Log)
		}
		// Forced into a block: refused there too; the proposer drops it.
		if txs := v.prepare(raw); len(txs) != 0 && !bridge.IsVoteTx(txs[len(txs)-1]) {
			t.Errorf("%s: proposer kept it", name)
		}
		if st := v.process([][]byte{raw}); st != abci.ResponseProcessProposal_REJECT {
			t.Errorf("%s: block accepted", name)
		}
		if string(before) != string(v.a.tree.Hash()) || len(v.pendingFacts()) != 0 {
			t.Errorf("%s: state changed", name)
		}
	}
}

// TestBridgeForgedFactVotesRejected: a proposer cannot invent votes: fact
// ids under a signature that does not verify reject the block; the same
// votes honestly signed are accepted; ids that are not pending are
// ignored, not an error.
func TestBridgeForgedFactVotesRejected(t *testing.T) {
	v := newVNet(t, 4, 4)
	for v.checkpointStatus(1) != bridge.StatusSealed {
		v.block()
	}
	m := &bridge.ReportAnchor{Epoch: 1, TONTxHash: hash32(7), TONLt: 9}
	id := m.Fact().ID()
	v.block(reportTx(t, 0, m))
	v.block()
	honest := v.prepare()
	vt, err := bridge.DecodeVoteTx(honest[0])
	if err != nil {
		t.Fatal(err)
	}
	enc := func(x bridge.VoteTx) [][]byte {
		b, err := x.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return [][]byte{b}
	}
	withFacts := func(sign func(i int, msg []byte) []byte, ids ...bridge.Hash32) bridge.VoteTx {
		c, _ := bridge.DecodeVoteTx(honest[0])
		for k := range c.Entries {
			i := -1
			for j, a := range v.cons {
				if string(a) == string(c.Entries[k].ConsAddr[:]) {
					i = j
				}
			}
			c.Entries[k].Ext.Facts = ids
			copy(c.Entries[k].Ext.FactsSig[:], sign(i, bridge.FactsMessage(testChainID, vt.VoteHeight, ids)))
		}
		return c
	}
	own := func(i int, msg []byte) []byte { return ed25519.Sign(testBridgeKey(i), msg) }
	other := func(i int, msg []byte) []byte { return ed25519.Sign(testBridgeKey((i+1)%4), msg) }
	wrongHeight := func(i int, msg []byte) []byte {
		return ed25519.Sign(testBridgeKey(i), bridge.FactsMessage(testChainID, vt.VoteHeight-1, []bridge.Hash32{id}))
	}
	for name, txs := range map[string][][]byte{
		"signed-by-other-key":     enc(withFacts(other, id)),
		"signed-for-other-height": enc(withFacts(wrongHeight, id)),
	} {
		if st := v.process(txs); st != abci.ResponseProcessProposal_REJECT {
			t.Errorf("%s: accepted", name)
		}
	}
	if st := v.process(enc(withFacts(own, hash32(3)))); st != abci.ResponseProcessProposal_ACCEPT {
		t.Fatal("a vote for a fact that is not pending rejected the block")
	}
	res := v.finalize(enc(withFacts(own, id)))
	if v.checkpointStatus(1) != bridge.StatusConfirmed || !hasEvent(res, "checkpoint_confirmed") {
		t.Fatal("honestly signed votes of all validators did not confirm")
	}
}

// TestBridgeFactQueryPaths: a pending fact and the pending list are served
// with proofs; malformed ids are refused.
func TestBridgeFactQueryPaths(t *testing.T) {
	v := newVNet(t, 4, 4)
	for v.checkpointStatus(1) != bridge.StatusSealed {
		v.block()
	}
	m := &bridge.ReportAnchor{Epoch: 1, TONTxHash: hash32(4), TONLt: 8}
	v.block(reportTx(t, 0, m))
	id, _ := m.Fact().ID().MarshalText()
	q := func(path string) *abci.ResponseQuery {
		res, err := v.a.Query(context.Background(), &abci.RequestQuery{Path: path, Prove: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := q("/bridge/fact/" + string(id))
	f, err := bridge.UnmarshalFact(res.Value)
	if res.Code != 0 || res.ProofOps == nil || err != nil || f.ID() != m.Fact().ID() || f.ReportedHeight != v.h {
		t.Fatalf("fact: code %d %q %v %+v", res.Code, res.Log, err, f)
	}
	res = q("/bridge/facts/pending")
	l, err := bridge.UnmarshalPending(res.Value)
	if res.Code != 0 || res.ProofOps == nil || err != nil || len(l) != 1 {
		t.Fatalf("pending: code %d %v %+v", res.Code, err, l)
	}
	for _, bad := range []string{"/bridge/fact/0x12", "/bridge/fact/" + string(id)[2:], "/bridge/facts/other", "/bridge/fact/" + string(id) + "00"} {
		if res := q(bad); res.Code == 0 {
			t.Fatalf("%s accepted", bad)
		}
	}
}
