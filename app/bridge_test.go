package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// Epochs of 5 blocks: checkpoint e covers heights up to 5e.
func TestBridgeCheckpointsSealAndBeacons(t *testing.T) {
	v := newVNet(t, 4, 5)
	for v.h < 18 {
		v.block()
	}
	for e := uint64(1); e <= 3; e++ {
		r := v.checkpoint(e)
		if r.Status != bridge.StatusSealed || len(r.Signatures) != 4 || r.SignedPower != r.TotalPower {
			t.Fatalf("epoch %d: status %s, %d signatures, %d/%d power", e, r.Status, len(r.Signatures), r.SignedPower, r.TotalPower)
		}
		// Taken in block 5e+1, signed in the extensions of 5e+1 (ExtendVote
		// derives it from the committed state of 5e), included in 5e+2.
		if r.SealedHeight != int64(5*e+2) || r.Height != 5*e {
			t.Fatalf("epoch %d: height %d sealed at %d", e, r.Height, r.SealedHeight)
		}
		cp := r.Checkpoint()
		if cp.Digest() != [32]byte(r.Digest) {
			t.Fatalf("epoch %d: stored digest differs from the cell hash", e)
		}
		for _, s := range r.Signatures {
			if !checkpoint.Verify(r.Valset[s.Index].PubKey[:], cp, s.Sig) {
				t.Fatalf("epoch %d: signature of index %d does not verify", e, s.Index)
			}
		}
		vh, err := checkpoint.ValsetHash(bridge.TONSet(r.Valset))
		if err != nil || vh != [32]byte(r.ValsetHash) {
			t.Fatalf("epoch %d: valset hash %x vs %x (%v)", e, vh, r.ValsetHash, err)
		}
		for i := 1; i < len(r.Valset); i++ {
			if bytes.Compare(r.Valset[i-1].PubKey[:], r.Valset[i].PubKey[:]) >= 0 {
				t.Fatal("valset not ascending by bridge key")
			}
		}
	}
	// app_hash is the AppHash of the epoch's last height.
	snap, err := v.a.tree.At(10)
	if err != nil {
		t.Fatal(err)
	}
	if r := v.checkpoint(2); !bytes.Equal(r.AppHash[:], snap.Hash()) {
		t.Fatalf("app_hash %x, AppHash(10) %x", r.AppHash, snap.Hash())
	}
	if sealed, ok, _ := bridgekeeper.LatestSealed(kvReader{v.a.tree}); !ok || sealed != 3 {
		t.Fatalf("latest sealed %d %v", sealed, ok)
	}
	// A beacon for every height whose extensions were included.
	seen := map[bridge.Hash32]bool{}
	for h := int64(1); h < v.h; h++ {
		b, ok := v.beacon(h)
		if !ok || b.SignedPower != b.TotalPower {
			t.Fatalf("height %d: beacon %v %+v", h, ok, b)
		}
		if seen[b.Value] {
			t.Fatalf("height %d: beacon repeats", h)
		}
		seen[b.Value] = true
	}
	if _, ok := v.beacon(v.h); ok {
		t.Fatal("beacon of the last height exists before its extensions were included")
	}
}

// The beacon is exactly the documented hash of the sorted signatures, so
// it depends on signatures over h that no state before h holds (ed25519
// keys are secret, and deterministic signing leaves no choice to signers).
func TestBridgeBeaconDefinition(t *testing.T) {
	v := newVNet(t, 4, 100)
	for v.h < 6 {
		v.block()
	}
	for h := int64(1); h < v.h; h++ {
		b, ok := v.beacon(h)
		if !ok {
			t.Fatalf("no beacon at %d", h)
		}
		type ent struct{ addr, sig []byte }
		var es []ent
		for i, k := range v.bridge {
			es = append(es, ent{v.cons[i], ed25519.Sign(k, bridge.BeaconMessage(testChainID, uint64(h)))})
		}
		for i := range es {
			for j := i + 1; j < len(es); j++ {
				if bytes.Compare(es[j].addr, es[i].addr) < 0 {
					es[i], es[j] = es[j], es[i]
				}
			}
		}
		hh := sha256.New()
		hh.Write(bridge.BeaconMessage(testChainID, uint64(h)))
		for _, e := range es {
			hh.Write(e.addr)
			hh.Write(e.sig)
		}
		if !bytes.Equal(hh.Sum(nil), b.Value[:]) {
			t.Fatalf("height %d: beacon is not the hash of the sorted signatures", h)
		}
	}
}

// Another chain identical but for one validator's bridge key yields other
// beacons at every height: the value is not computable from public state.
func TestBridgeBeaconDependsOnSecrets(t *testing.T) {
	a, b := newVNet(t, 4, 100), newVNet(t, 4, 100)
	for a.h < 5 {
		a.block()
		b.block()
	}
	for h := int64(1); h < 5; h++ {
		x, _ := a.beacon(h)
		y, _ := b.beacon(h)
		if x.Value != y.Value {
			t.Fatalf("same keys, different beacons at %d", h)
		}
	}
	// Same chain but validator 3 holds another bridge key.
	c := newVNet(t, 4, 100, func(i int) ed25519.PrivateKey {
		if i == 3 {
			return testBridgeKey(100)
		}
		return testBridgeKey(i)
	})
	for c.h < 5 {
		c.block()
	}
	for h := int64(1); h < 5; h++ {
		x, _ := a.beacon(h)
		y, ok := c.beacon(h)
		if !ok || x.Value == y.Value {
			t.Fatalf("height %d: beacon does not depend on validator 3's secret key", h)
		}
	}
}

func TestBridgeLateSignaturesCredited(t *testing.T) {
	v := newVNet(t, 4, 5)
	// Validator 3 (power 40 of 100: the others still hold 60 > 2/3? no:
	// 60/100 < 2/3). Make validator 0 (power 10) miss heights 6..9.
	v.absent = func(i int, h int64) bool { return i == 0 && h >= 6 && h <= 9 }
	for v.h < 8 {
		v.block()
	}
	r := v.checkpoint(1)
	if r.Status != bridge.StatusSealed || len(r.Signatures) != 3 {
		t.Fatalf("before return: %s with %d signatures", r.Status, len(r.Signatures))
	}
	for v.h < 12 {
		v.block()
	}
	r = v.checkpoint(1)
	if len(r.Signatures) != 4 || r.SignedPower != r.TotalPower || r.Status != bridge.StatusSealed {
		t.Fatalf("after return: %s with %d signatures, %d/%d", r.Status, len(r.Signatures), r.SignedPower, r.TotalPower)
	}
	late := false
	for _, s := range r.Signatures {
		late = late || s.Height > r.SealedHeight
	}
	if !late {
		t.Fatal("no signature recorded after sealing")
	}
}

func TestBridgeNoBeaconWithoutTwoThirds(t *testing.T) {
	v := newVNet(t, 4, 100) // powers 10 20 30 40
	// Heights 3..4: validators 2 and 3 (70 of 100) precommit without
	// extensions; 1 and 0 (30) with. 30 < 2/3: no beacon, block still valid.
	v.override = func(i int, h int64, ext []byte) []byte {
		if i >= 2 && (h == 3 || h == 4) {
			return nil
		}
		return ext
	}
	for v.h < 6 {
		v.block()
	}
	for h := int64(1); h < 6; h++ {
		_, ok := v.beacon(h)
		if want := h != 3 && h != 4; ok != want {
			t.Fatalf("height %d: beacon %v, want %v", h, ok, want)
		}
	}
	if h, _, ok, _ := bridgekeeper.NextBeacon(kvReader{v.a.tree}, 3, 10); !ok || h != 5 {
		t.Fatalf("next beacon after 3: %d %v", h, ok)
	}
}

// Bad extensions from validator 0 are left out by the proposer; the block
// is valid and the others' signatures still make the beacon and seal.
func TestBridgeBadExtensionsDropped(t *testing.T) {
	stranger := ed25519.NewKeyFromSeed(make([]byte, 32))
	cases := map[string]func(h int64, ext []byte) []byte{
		"garbage": func(int64, []byte) []byte { return []byte("not an extension at all") },
		"oversized-prefix": func(int64, []byte) []byte {
			return append([]byte{1, 1}, bytes.Repeat([]byte{7}, 300)...)
		},
		"wrong-height": func(h int64, _ []byte) []byte {
			s := [64]byte(ed25519.Sign(testBridgeKey(0), bridge.BeaconMessage(testChainID, uint64(h-1))))
			b, _ := (&bridge.VoteExt{Beacon: &s}).Encode()
			return b
		},
		"wrong-signer": func(h int64, _ []byte) []byte {
			s := [64]byte(ed25519.Sign(testBridgeKey(1), bridge.BeaconMessage(testChainID, uint64(h))))
			b, _ := (&bridge.VoteExt{Beacon: &s}).Encode()
			return b
		},
		"non-validator": func(h int64, _ []byte) []byte {
			s := [64]byte(ed25519.Sign(stranger, bridge.BeaconMessage(testChainID, uint64(h))))
			c := [64]byte(ed25519.Sign(stranger, make([]byte, 32)))
			b, _ := (&bridge.VoteExt{Beacon: &s, Checkpoints: []bridge.CheckpointSig{{Epoch: 1, Sig: c}}}).Encode()
			return b
		},
		"unknown-epoch": func(h int64, ext []byte) []byte {
			e, _ := bridge.DecodeVoteExt(ext)
			e.Checkpoints = append(e.Checkpoints, bridge.CheckpointSig{Epoch: 99})
			b, _ := e.Encode()
			return b
		},
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			v := newVNet(t, 4, 5)
			v.override = func(i int, h int64, ext []byte) []byte {
				if i == 0 {
					return bad(h, ext)
				}
				return ext
			}
			for v.h < 9 {
				txs := v.prepare()
				if len(txs) == 0 && v.h >= 1 {
					t.Fatalf("height %d: no vote-extension tx", v.h+1)
				}
				if v.h >= 1 && name != "unknown-epoch" {
					vt, err := bridge.DecodeVoteTx(txs[0])
					if err != nil {
						t.Fatal(err)
					}
					for _, e := range vt.Entries {
						if bytes.Equal(e.ConsAddr[:], v.cons[0]) && e.Ext.Beacon != nil {
							t.Fatalf("height %d: bad beacon signature of validator 0 included", v.h+1)
						}
					}
				}
				if st := v.process(txs); st != abci.ResponseProcessProposal_ACCEPT {
					t.Fatalf("height %d rejected", v.h+1)
				}
				v.finalize(txs)
			}
			if r := v.checkpoint(1); r.Status != bridge.StatusSealed || len(r.Signatures) != 3 && name != "unknown-epoch" {
				t.Fatalf("epoch 1: %s with %d signatures", r.Status, len(r.Signatures))
			}
			if _, ok := v.beacon(5); !ok {
				t.Fatal("no beacon from the 3 honest validators (90 of 100)")
			}
		})
	}
}

// A proposer that injects anything that does not verify gets its block
// rejected; a block without the tx is fine.
func TestBridgeForgedInjectionRejected(t *testing.T) {
	v := newVNet(t, 4, 5)
	for v.h < 6 {
		v.block()
	}
	honest := v.prepare() // block 7 carries the signatures of epoch 1
	vt, err := bridge.DecodeVoteTx(honest[0])
	if err != nil || len(vt.Entries) != 4 || len(vt.Entries[0].Ext.Checkpoints) != 1 {
		t.Fatalf("honest tx: %v %+v", err, vt)
	}
	enc := func(t2 bridge.VoteTx) [][]byte {
		b, err := t2.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return [][]byte{b}
	}
	clone := func() bridge.VoteTx {
		c, _ := bridge.DecodeVoteTx(honest[0])
		return c
	}
	forged := map[string][][]byte{}
	{
		c := clone()
		s := *c.Entries[1].Ext.Beacon
		s[5] ^= 1
		c.Entries[1].Ext.Beacon = &s
		forged["beacon-bit-flip"] = enc(c)
	}
	{
		c := clone()
		c.Entries[2].Ext.Checkpoints[0].Sig[0] ^= 1
		forged["checkpoint-bit-flip"] = enc(c)
	}
	{
		c := clone()
		c.VoteHeight--
		forged["wrong-vote-height"] = enc(c)
	}
	who := func(addr [20]byte) int {
		for i, a := range v.cons {
			if bytes.Equal(a, addr[:]) {
				return i
			}
		}
		t.Fatal("unknown voter")
		return -1
	}
	{
		c := clone()
		other := (who(c.Entries[0].ConsAddr) + 1) % 4
		s := [64]byte(ed25519.Sign(testBridgeKey(other), bridge.BeaconMessage(testChainID, c.VoteHeight)))
		c.Entries[0].Ext.Beacon = &s // another validator's signature
		forged["signature-of-other-validator"] = enc(c)
	}
	{
		c := clone()
		c.Entries[0].ConsAddr[19] ^= 1 // not in the commit
		if bytes.Compare(c.Entries[0].ConsAddr[:], c.Entries[1].ConsAddr[:]) < 0 {
			forged["not-a-voter"] = enc(c)
		}
	}
	forged["garbage-with-prefix"] = [][]byte{append(append([]byte(nil), bridge.VoteTxMagic...), 1, 2, 3)}
	forged["not-first"] = [][]byte{honest[0], honest[0]}
	for name, txs := range forged {
		if st := v.process(txs); st != abci.ResponseProcessProposal_REJECT {
			t.Errorf("%s: accepted", name)
		}
	}
	if st := v.process(nil); st != abci.ResponseProcessProposal_ACCEPT {
		t.Fatal("block without vote-extension tx rejected")
	}
	if st := v.process(honest); st != abci.ResponseProcessProposal_ACCEPT {
		t.Fatal("honest block rejected")
	}
	// The duplicate: epoch 1 was signed by all in block 7; signing it again
	// later is refused.
	for v.h < 9 {
		v.block()
	}
	honest = v.prepare()
	dup := clone()
	dup.Entries[0].Ext.Checkpoints = nil
	r := v.checkpoint(1)
	for _, s := range r.Signatures {
		if r.Valset[s.Index].PubKey == bridge.Hash32(testBridgeKey(who(dup.Entries[0].ConsAddr)).Public().(ed25519.PublicKey)) {
			dup.Entries[0].Ext.Checkpoints = []bridge.CheckpointSig{{Epoch: 1, Sig: s.Sig}}
		}
	}
	if st := v.process(enc(dup)); st != abci.ResponseProcessProposal_REJECT {
		t.Fatal("duplicate checkpoint signature accepted")
	}
}

func TestBridgeVoteTxNotSubmittable(t *testing.T) {
	v := newVNet(t, 4, 5)
	v.block()
	v.block()
	txs := v.prepare()
	res, _ := v.a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: txs[0]})
	if res.Codespace != bridge.Codespace || res.Code != bridge.ErrReservedTx.Code() {
		t.Fatalf("CheckTx: %s/%d %s", res.Codespace, res.Code, res.Log)
	}
}

func TestBridgeVerifyVoteExtension(t *testing.T) {
	v := newVNet(t, 1, 5)
	for _, tc := range []struct {
		ext  []byte
		want abci.ResponseVerifyVoteExtension_VerifyStatus
	}{
		{nil, abci.ResponseVerifyVoteExtension_ACCEPT},
		{[]byte("garbage"), abci.ResponseVerifyVoteExtension_ACCEPT},
		{make([]byte, bridge.MaxVoteExtBytes), abci.ResponseVerifyVoteExtension_ACCEPT},
		{make([]byte, bridge.MaxVoteExtBytes+1), abci.ResponseVerifyVoteExtension_REJECT},
	} {
		res, _ := v.a.VerifyVoteExtension(context.Background(), &abci.RequestVerifyVoteExtension{Height: 1, VoteExtension: tc.ext})
		if res.Status != tc.want {
			t.Fatalf("%d bytes: %v", len(tc.ext), res.Status)
		}
	}
}

// ExtendVote of an app configured with a registered key returns exactly
// what the keeper builds, and nothing without a key.
func TestBridgeExtendVote(t *testing.T) {
	v := newVNet(t, 2, 5)
	v.block()
	res, _ := v.a.ExtendVote(context.Background(), &abci.RequestExtendVote{Height: 2})
	if len(res.VoteExtension) != 0 {
		t.Fatal("extension without a bridge key")
	}
	v.a.cfg.BridgeKey = v.bridge[1]
	res, _ = v.a.ExtendVote(context.Background(), &abci.RequestExtendVote{Height: 2})
	e, err := bridge.DecodeVoteExt(res.VoteExtension)
	if err != nil || e.Beacon == nil || !ed25519.Verify(v.bridge[1].Public().(ed25519.PublicKey), bridge.BeaconMessage(testChainID, 2), e.Beacon[:]) {
		t.Fatalf("extension %x: %v", res.VoteExtension, err)
	}
	v.a.SetExtendVoteOverride(func(int64, []byte) []byte { return []byte{0xde, 0xad} })
	res, _ = v.a.ExtendVote(context.Background(), &abci.RequestExtendVote{Height: 2})
	if !bytes.Equal(res.VoteExtension, []byte{0xde, 0xad}) {
		t.Fatal("override not applied")
	}
}

func TestBridgeQueryPaths(t *testing.T) {
	v := newVNet(t, 4, 5)
	for v.h < 9 {
		v.block()
	}
	q := func(path string) *abci.ResponseQuery {
		res, err := v.a.Query(context.Background(), &abci.RequestQuery{Path: path, Prove: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, path := range []string{"/bridge/params", "/bridge/checkpoint/1", "/bridge/latest_sealed", "/bridge/beacon/3",
		"/bridge/beacon/latest", "/bridge/open_epochs", "/bridge/anchored_set", "/bridge/key/" + v.ops[0].Hex()} {
		res := q(path)
		if res.Code != 0 || len(res.Value) == 0 || res.ProofOps == nil {
			t.Fatalf("%s: code %d %q, %d bytes", path, res.Code, res.Log, len(res.Value))
		}
	}
	r, err := bridge.UnmarshalCheckpoint(q("/bridge/checkpoint/1").Value)
	if err != nil || r.Status != bridge.StatusSealed {
		t.Fatalf("checkpoint 1: %v %s", err, r.Status)
	}
	if b, _ := bridge.UnmarshalBeacon(q("/bridge/beacon/3").Value); b.SignedPower == 0 {
		t.Fatal("empty beacon")
	}
	for _, bad := range []string{"/bridge/checkpoint/x", "/bridge/checkpoint/01", "/bridge/beacon/-1", "/bridge/nope", "/bridge/key/0x12"} {
		if res := q(bad); res.Code == 0 {
			t.Fatalf("%s accepted", bad)
		}
	}
}
