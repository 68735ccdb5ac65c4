package app

import (
	"context"
	"crypto/ed25519"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/bridge/checkpoint"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

func setKeyTx(t *testing.T, opIndex int, nonce uint64, key ed25519.PrivateKey, proofKey ed25519.PrivateKey, signer []byte) []byte {
	t.Helper()
	if signer == nil {
		signer = testOperatorKey(opIndex)
	}
	ek, err := crypto.ToECDSA(signer)
	if err != nil {
		t.Fatal(err)
	}
	from := auth.PubkeyToAddress(&ek.PublicKey)
	m := &bridge.SetBridgeKey{}
	copy(m.BridgeKey[:], key.Public().(ed25519.PublicKey))
	copy(m.Proof[:], ed25519.Sign(proofKey, bridge.KeyProofMessage(testChainID, from)))
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

func TestSetBridgeKey(t *testing.T) {
	v := newVNet(t, 4, 5)
	v.block()
	check := func(raw []byte) *abci.ResponseCheckTx {
		res, err := v.a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	fresh := testBridgeKey(50)
	stranger := testOperatorKey(1000)
	for name, tc := range map[string]struct {
		raw  []byte
		code uint32
	}{
		"key-of-other-validator": {setKeyTx(t, 0, 0, testBridgeKey(1), testBridgeKey(1), nil), bridge.ErrBridgeKeyInUse.Code()},
		"own-current-key":        {setKeyTx(t, 0, 0, testBridgeKey(0), testBridgeKey(0), nil), bridge.ErrBridgeKeyInUse.Code()},
		"proof-by-other-key":     {setKeyTx(t, 0, 0, fresh, testBridgeKey(51), nil), bridge.ErrBadProofOfPossession.Code()},
		"not-a-validator":        {setKeyTx(t, 0, 0, fresh, fresh, stranger), bridge.ErrNotValidator.Code()},
	} {
		if res := check(tc.raw); res.Codespace != bridge.Codespace || res.Code != tc.code {
			t.Errorf("%s: %s/%d %s", name, res.Codespace, res.Code, res.Log)
		}
	}
	// A zero (small-order) key is refused before any state is read.
	if err := (&bridge.SetBridgeKey{}).ValidateBasic(nil); err == nil {
		t.Fatal("zero key accepted")
	}

	// Rotation: validator 0 moves to a fresh key; beacons continue with it.
	good := setKeyTx(t, 0, 0, fresh, fresh, nil)
	if res := check(good); res.Code != 0 {
		t.Fatalf("rotation refused: %s", res.Log)
	}
	res := v.block(good)
	if len(res.TxResults) != 2 { // vote-extension tx + the rotation
		t.Fatalf("%d tx results", len(res.TxResults))
	}
	got, ok, _ := bridgekeeper.BridgeKey(kvReader{v.a.tree}, v.ops[0])
	if !ok || got != bridge.Hash32(fresh.Public().(ed25519.PublicKey)) {
		t.Fatal("key not rotated")
	}
	// The old key stays reserved: nobody (not even validator 0) can take it.
	if res := check(setKeyTx(t, 1, 0, testBridgeKey(0), testBridgeKey(0), nil)); res.Code != bridge.ErrBridgeKeyInUse.Code() {
		t.Fatalf("old key reusable: %s", res.Log)
	}
	v.bridge[0] = fresh
	for v.h < 14 {
		v.block()
	}
	b, ok := v.beacon(11)
	if !ok || b.SignedPower != b.TotalPower {
		t.Fatalf("beacon after rotation: %v %+v", ok, b)
	}
	// Epoch 2 (taken after the rotation) lists the new key and is signed by it.
	r := v.checkpoint(2)
	if _, ok := r.IndexOf(bridge.Hash32(fresh.Public().(ed25519.PublicKey))); !ok || len(r.Signatures) != 4 {
		t.Fatalf("epoch 2: new key in set %v, %d signatures", ok, len(r.Signatures))
	}
}

func TestBridgeGenesisValidation(t *testing.T) {
	g := DefaultGenesis()
	k := bridge.Hash32(testBridgeKey(1).Public().(ed25519.PublicKey))
	g.Bridge.Keys = []bridge.GenesisKey{{Operator: auth.Address{1}, PubKey: k}, {Operator: auth.Address{2}, PubKey: k}}
	if err := g.Validate(); err == nil {
		t.Fatal("duplicate genesis bridge key accepted")
	}
	g.Bridge.Keys = []bridge.GenesisKey{{Operator: auth.Address{1}, PubKey: bridge.Hash32{}}}
	if err := g.Validate(); err == nil {
		t.Fatal("zero genesis bridge key accepted")
	}
	g.Bridge.Keys = nil
	g.Bridge.Params.EpochBlocks = 1
	if err := g.Validate(); err == nil {
		t.Fatal("epoch of 1 block accepted")
	}
	// A genesis without a bridge section takes the defaults.
	if st, err := ParseGenesis([]byte(`{"auth":{"params":` + string(mustJSON(DefaultGenesis().Auth.Params)) + `},"bank":` + string(mustJSON(DefaultGenesis().Bank)) + `,"staking":` + string(mustJSON(DefaultGenesis().Staking)) + `}`)); err != nil || st.Bridge.Params != bridge.DefaultParams() {
		t.Fatalf("no bridge section: %v", err)
	}
}

// Validator 3 has no key at genesis, so the first sets leave it out; once
// it registers one, the next checkpoint rotates the anchor to a set with
// it (next_valset_hash differs), and the checkpoint after is signed by the
// new set, validator 3 included.
func TestBridgeSetRotatesWhenKeyRegistered(t *testing.T) {
	v := newVNet(t, 4, 5, func(i int) ed25519.PrivateKey {
		if i == 3 {
			return nil
		}
		return testBridgeKey(i)
	})
	for v.h < 7 {
		v.block()
	}
	r1 := v.checkpoint(1)
	if len(r1.Valset) != 3 || r1.Rotates() {
		t.Fatalf("epoch 1: %d members, rotates %v", len(r1.Valset), r1.Rotates())
	}
	v.block(setKeyTx(t, 3, 0, testBridgeKey(3), testBridgeKey(3), nil))
	v.bridge[3] = testBridgeKey(3)
	for v.h < 18 {
		v.block()
	}
	r2, r3 := v.checkpoint(2), v.checkpoint(3)
	if len(r2.Valset) != 3 || len(r2.NextValset) != 4 || !r2.Rotates() || r2.Status != bridge.StatusSealed {
		t.Fatalf("epoch 2: %d → %d members, rotates %v, %s", len(r2.Valset), len(r2.NextValset), r2.Rotates(), r2.Status)
	}
	if r3.ValsetHash != r2.NextValsetHash || len(r3.Valset) != 4 || len(r3.Signatures) != 4 || r3.Rotates() {
		t.Fatalf("epoch 3: set %x (want %x), %d members, %d signatures", r3.ValsetHash, r2.NextValsetHash, len(r3.Valset), len(r3.Signatures))
	}
	// What a relayer submits to TON parses back (strictly, as the contract
	// reads it) to the same checkpoint, signatures and new set, and every
	// signature verifies against the set the anchor holds.
	for _, r := range []bridge.CheckpointRecord{r2, r3} {
		body, err := r.SubmitBody(uint64(r.Epoch))
		if err != nil {
			t.Fatal(err)
		}
		sub, err := checkpoint.ParseSubmitBody(body)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Checkpoint != r.Checkpoint() || len(sub.Signatures) != len(r.Signatures) || (sub.NewSet != nil) != r.Rotates() {
			t.Fatalf("epoch %d: submission differs from the record", r.Epoch)
		}
		for _, s := range sub.Signatures {
			if !checkpoint.Verify(r.Valset[s.Index].PubKey[:], sub.Checkpoint, s.Sig) {
				t.Fatalf("epoch %d: signature %d does not verify", r.Epoch, s.Index)
			}
		}
	}
}
