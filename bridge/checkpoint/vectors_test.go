package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

// Shared vectors, both directions:
//
//   - testdata/go_vectors.json: messages this package builds, with the exit
//     code the contract must answer. TestGoVectors fails if the encoding
//     changes (go test ./bridge/checkpoint -run TestGoVectors -update
//     rewrites it); bridge/contracts/tests/vectors.test.js sends every
//     message to the real contract in @ton/sandbox and checks the codes.
//   - testdata/js_vectors.json: checkpoint and validator-set cells built by
//     @ton/core and read back from the contract's getters, written by
//     vectors.test.js (UPDATE_VECTORS=1 npm test). TestJSVectors parses
//     them here and requires identical fields and hashes.
var update = flag.Bool("update", false, "rewrite testdata/go_vectors.json")

type vecValidator struct {
	PubKey string `json:"pubkey"`
	Power  uint64 `json:"power"`
}

type vecStep struct {
	Name       string `json:"name"`
	Epoch      uint64 `json:"epoch"`
	Digest     string `json:"digest"`
	BodyBOC    string `json:"body_boc"`
	ExpectExit int    `json:"expect_exit"`
}

type vecScenario struct {
	Name           string         `json:"name"`
	ChainID        uint64         `json:"chain_id"`
	LastEpoch      uint64         `json:"last_epoch"`
	Validators     []vecValidator `json:"validators"`
	ValsetHash     string         `json:"valset_hash"`
	InitialDataBOC string         `json:"initial_data_boc"`
	Steps          []vecStep      `json:"steps"`
}

type goVectors struct {
	Comment   string        `json:"comment"`
	Scenarios []vecScenario `json:"scenarios"`
}

func toVecValidators(vs []Validator) []vecValidator {
	out := make([]vecValidator, len(vs))
	for i, v := range vs {
		out[i] = vecValidator{PubKey: hex.EncodeToString(v.PubKey), Power: v.Power}
	}
	return out
}

func bocHex(c *cell.Cell) string { return hex.EncodeToString(c.ToBOC()) }

type scenarioBuilder struct {
	t  *testing.T
	sc vecScenario
}

func newScenario(t *testing.T, name string, set testSet) *scenarioBuilder {
	data, err := InitialData(7, 0, set.validators())
	if err != nil {
		t.Fatal(err)
	}
	h := set.hash(t)
	return &scenarioBuilder{t: t, sc: vecScenario{
		Name: name, ChainID: 7, Validators: toVecValidators(set.validators()),
		ValsetHash: hex.EncodeToString(h[:]), InitialDataBOC: bocHex(data),
	}}
}

func (b *scenarioBuilder) add(name string, cp Checkpoint, body *cell.Cell, exit int) {
	d := cp.Digest()
	b.sc.Steps = append(b.sc.Steps, vecStep{Name: name, Epoch: cp.Epoch, Digest: hex.EncodeToString(d[:]), BodyBOC: bocHex(body), ExpectExit: exit})
}

func (b *scenarioBuilder) submit(name string, cp Checkpoint, sigs []Signature, newSet testSet, exit int) {
	var ns []Validator
	if newSet != nil {
		ns = newSet.validators()
	}
	body, err := SubmitBody(uint64(len(b.sc.Steps)), cp, sigs, ns)
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	b.add(name, cp, body, exit)
}

// buildGoVectors is the whole Go → contract vector set; deterministic.
func buildGoVectors(t *testing.T) goVectors {
	old := uniformSet(4, 10)
	next := newTestSet([]int{1, 2, 3, 4}, []uint64{20, 10, 10, 30})
	other := newTestSet([]int{5, 6}, []uint64{1, 1})

	b := newScenario(t, "four validators: rejections, anchoring, replay, rotation", old)
	cp1 := testCheckpoint(t, 1, old, old)
	forged := old.sign(cp1, 0, 1, 2)
	forged[1].Sig[7] ^= 0x10
	b.submit("forged signature", cp1, forged, nil, ExitBadSignature)
	b.submit("2 of 4 signatures", cp1, old.sign(cp1, 0, 1), nil, ExitInsufficient)
	b.add("duplicate signer", cp1, rawSubmitBody(0, cp1.Cell(), signatureChain(old.sign(cp1, 0, 1, 1)), nil), ExitUnsortedSigners)
	b.add("unsorted signers", cp1, rawSubmitBody(0, cp1.Cell(), signatureChain(old.sign(cp1, 0, 2, 1)), nil), ExitUnsortedSigners)
	b.submit("3 of 4 signatures", cp1, old.sign(cp1, 0, 1, 3), nil, ExitOK)
	b.submit("same checkpoint again", cp1, old.sign(cp1, 0, 1, 3), nil, ExitAlreadyAnchored)
	fork := cp1
	fork.AppHash = sha256.Sum256([]byte("fork"))
	b.submit("other checkpoint for an anchored epoch", fork, old.sign(fork, 0, 1, 2), nil, ExitStaleEpoch)
	wrongChain := testCheckpoint(t, 2, old, old)
	wrongChain.ChainID = 8
	b.submit("another chain id", wrongChain, old.sign(wrongChain, 0, 1, 2), nil, ExitWrongChain)
	cp2 := testCheckpoint(t, 2, old, next)
	bad := next.validators()
	bad[0].Power++
	badCell, err := ValsetCell(bad)
	if err != nil {
		t.Fatal(err)
	}
	b.add("rotation with a mismatched new set", cp2, rawSubmitBody(0, cp2.Cell(), signatureChain(old.sign(cp2, 0, 1, 2)), badCell), ExitNewSetMismatch)
	b.add("rotation without the new set", cp2, rawSubmitBody(0, cp2.Cell(), signatureChain(old.sign(cp2, 0, 1, 2)), nil), ExitNewSetMissing)
	b.submit("rotation signed by the new set", cp2, next.sign(cp2, 0, 1, 2, 3), next, ExitBadSignature)
	b.submit("rotation signed by the old set", cp2, old.sign(cp2, 1, 2, 3), next, ExitOK)
	cp3old := testCheckpoint(t, 3, old, old)
	b.submit("old set after rotation", cp3old, old.sign(cp3old, 0, 1, 2, 3), nil, ExitValsetMismatch)
	cp3 := testCheckpoint(t, 3, next, next)
	b.submit("new set, 40 of 70", cp3, next.sign(cp3, 0, 1, 2), nil, ExitInsufficient)
	b.submit("new set, 60 of 70", cp3, next.sign(cp3, 0, 1, 3), nil, ExitOK)
	cp4 := testCheckpoint(t, 4, next, other)
	b.submit("second rotation", cp4, next.sign(cp4, 0, 2, 3), other, ExitOK)
	cp5 := testCheckpoint(t, 5, other, other)
	b.submit("third set, 1 of 2", cp5, other.sign(cp5, 1), nil, ExitInsufficient)
	b.submit("third set, 2 of 2", cp5, other.sign(cp5, 0, 1), nil, ExitOK)

	big := uniformSet(21, 10)
	b21 := newScenario(t, "21 validators", big)
	c := testCheckpoint(t, 1, big, big)
	c.WithdrawalRoot = sha256.Sum256([]byte("withdrawals-1"))
	idx := make([]int, 15)
	for i := range idx {
		idx[i] = i + 3
	}
	b21.submit("14 of 21 signatures", c, big.sign(c, idx[:14]...), nil, ExitInsufficient)
	b21.submit("15 of 21 signatures", c, big.sign(c, idx...), nil, ExitOK)

	return goVectors{
		Comment:   "Generated by go test ./bridge/checkpoint -run TestGoVectors -update; consumed by bridge/contracts/tests/vectors.test.js. Keys: ed25519 seed sha256(\"pingo/test-validator/<i>\").",
		Scenarios: []vecScenario{b.sc, b21.sc},
	}
}

func TestGoVectors(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(buildGoVectors(t)); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "go_vectors.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: the Go encoding changed; if intended, rerun with -update and run npm test in bridge/contracts", path)
	}
}
