package checkpoint

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

type jsCheckpoint struct {
	Source         string `json:"source"`
	ChainID        string `json:"chain_id"`
	Epoch          string `json:"epoch"`
	Height         string `json:"height"`
	AppHash        string `json:"app_hash"`
	ValsetHash     string `json:"valset_hash"`
	NextValsetHash string `json:"next_valset_hash"`
	WithdrawalRoot string `json:"withdrawal_root"`
	BOC            string `json:"boc"`
	Hash           string `json:"hash"`
}

type jsValset struct {
	Source     string `json:"source"`
	Validators []struct {
		PubKey string `json:"pubkey"`
		Power  string `json:"power"`
	} `json:"validators"`
	BOC  string `json:"boc"`
	Hash string `json:"hash"`
}

type jsVectors struct {
	Checkpoints []jsCheckpoint `json:"checkpoints"`
	Valsets     []jsValset     `json:"valsets"`
}

func mustHex32(t *testing.T, s string) [32]byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad 32-byte hex %q", s)
	}
	var out [32]byte
	copy(out[:], b)
	return out
}

func mustU64(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestJSVectors: cells built by @ton/core and returned by the contract's
// getters (testdata/js_vectors.json, written by the contract tests) parse
// here to the same fields and hash, and the same fields rebuilt here give
// the same cell hash.
func TestJSVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "js_vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v jsVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Checkpoints) < 4 || len(v.Valsets) < 10 {
		t.Fatalf("too few vectors: %d checkpoints, %d sets", len(v.Checkpoints), len(v.Valsets))
	}
	for _, jc := range v.Checkpoints {
		t.Run("checkpoint/"+jc.Source+"/"+jc.Epoch, func(t *testing.T) {
			boc, err := hex.DecodeString(jc.BOC)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseBOC(boc)
			if err != nil {
				t.Fatal(err)
			}
			want := Checkpoint{
				ChainID: mustU64(t, jc.ChainID), Epoch: mustU64(t, jc.Epoch), Height: mustU64(t, jc.Height),
				AppHash: mustHex32(t, jc.AppHash), ValsetHash: mustHex32(t, jc.ValsetHash),
				NextValsetHash: mustHex32(t, jc.NextValsetHash), WithdrawalRoot: mustHex32(t, jc.WithdrawalRoot),
			}
			if got != want {
				t.Fatalf("parsed %+v\nwant   %+v", got, want)
			}
			if d := want.Digest(); hex.EncodeToString(d[:]) != jc.Hash {
				t.Fatalf("Go digest %x, JS hash %s", d, jc.Hash)
			}
		})
	}
	for _, js := range v.Valsets {
		t.Run("valset/"+js.Source, func(t *testing.T) {
			set := make([]Validator, len(js.Validators))
			for i, jv := range js.Validators {
				pk := mustHex32(t, jv.PubKey)
				set[i] = Validator{PubKey: pk[:], Power: mustU64(t, jv.Power)}
			}
			h, err := ValsetHash(set)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(h[:]) != js.Hash {
				t.Fatalf("Go valset hash %x, JS %s (%d validators)", h, js.Hash, len(set))
			}
			boc, err := hex.DecodeString(js.BOC)
			if err != nil {
				t.Fatal(err)
			}
			root, err := fromBOC(boc)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := ParseValset(root)
			if err != nil {
				t.Fatal(err)
			}
			if len(parsed) != len(set) {
				t.Fatalf("parsed %d validators, want %d", len(parsed), len(set))
			}
			for i := range set {
				if !parsed[i].PubKey.Equal(set[i].PubKey) || parsed[i].Power != set[i].Power {
					t.Fatalf("validator %d: parsed %x/%d, want %x/%d", i, parsed[i].PubKey, parsed[i].Power, set[i].PubKey, set[i].Power)
				}
			}
		})
	}
}
