package app

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"math/rand"
	"sort"
	"testing"

	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// Property: whatever subset of extensions reaches the proposer, beacon(h)
// exists iff that subset holds > 2/3 of the power, and then equals the
// documented hash over exactly that subset (fixed seed, 40 heights, 7
// validators of unequal power).
func TestBridgeBeaconSubsetProperty(t *testing.T) {
	v := newVNet(t, 7, 1000) // powers 10..70, total 280
	rng := rand.New(rand.NewSource(6))
	masks := map[int64]uint{}
	v.override = func(i int, h int64, ext []byte) []byte {
		if _, ok := masks[h]; !ok {
			masks[h] = uint(rng.Intn(128))
		}
		if masks[h]&(1<<i) == 0 {
			return nil
		}
		return ext
	}
	for v.h < 41 {
		v.block()
	}
	seenWith, seenWithout := 0, 0
	for h := int64(1); h <= 40; h++ {
		var power int64
		type ent struct{ addr, sig []byte }
		var es []ent
		for i := 0; i < 7; i++ {
			if masks[h]&(1<<i) != 0 {
				power += v.power[i]
				es = append(es, ent{v.cons[i], ed25519.Sign(v.bridge[i], bridge.BeaconMessage(testChainID, uint64(h)))})
			}
		}
		sort.Slice(es, func(a, b int) bool { return bytes.Compare(es[a].addr, es[b].addr) < 0 })
		b, ok := v.beacon(h)
		if want := power*3 > 280*2; ok != want {
			t.Fatalf("height %d: power %d/280, beacon %v", h, power, ok)
		}
		if !ok {
			seenWithout++
			continue
		}
		seenWith++
		hh := sha256.New()
		hh.Write(bridge.BeaconMessage(testChainID, uint64(h)))
		for _, e := range es {
			hh.Write(e.addr)
			hh.Write(e.sig)
		}
		if !bytes.Equal(hh.Sum(nil), b.Value[:]) || b.SignedPower != uint64(power) || b.TotalPower != 280 {
			t.Fatalf("height %d: beacon differs from its definition", h)
		}
	}
	if seenWith == 0 || seenWithout == 0 {
		t.Fatalf("property not exercised: %d with, %d without", seenWith, seenWithout)
	}
}

func TestBridgeBeaconRetention(t *testing.T) {
	v := newVNetWith(t, 4, func(g *GenesisState) {
		g.Bridge.Params.BeaconRetentionBlocks = 100
		// Compute's reveal window must fit in the retention (genesis check).
		g.Compute.Params.RevealBlocks = 80
	})
	for v.h < 105 {
		v.block()
	}
	// Block 105's BeginBlock dropped beacon(104-100); newer ones remain.
	for h := int64(1); h < 105; h++ {
		_, ok := v.beacon(h)
		if want := h > 4; ok != want {
			t.Fatalf("height %d: beacon kept %v, want %v", h, ok, want)
		}
	}
}
