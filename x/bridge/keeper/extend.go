package keeper

import (
	"bytes"
	"crypto/ed25519"
	"sort"

	"github.com/pingo-chain/pingo/x/bridge/types"
)

// Extend builds this validator's vote extension for height h from the last
// committed state (height h-1, whose AppHash is prevAppHash): the beacon
// signature, and a signature for each open checkpoint whose set holds this
// key and that it has not yet signed — late ones included, so a validator
// that missed a commit still gets credit. Pure local computation: no I/O
// beyond state reads, so it can never hold up consensus. A key that is not
// registered yields an empty extension.
//
// When h-1 ended an epoch, block h's BeginBlock will take that checkpoint
// from exactly this committed state (nothing before it in block h changes
// the sets or keys it reads), so Extend runs the same BeginBlock on a
// scratch overlay and signs the checkpoint already in height h's
// extensions: it is sealed in block h+1, not h+2.
//
// confirm (nil: vote for no fact) says whether this node's own TON view
// confirms a pending fact. It must answer from memory (the TON watcher's
// cache) and never wait: Extend votes for up to MaxFactVotes pending facts
// it confirms, oldest report first.
func Extend(committed KV, chainID uint64, h int64, prevAppHash []byte, priv ed25519.PrivateKey, confirm func(types.Hash32) bool) ([]byte, error) {
	return ExtendSkipping(committed, chainID, h, prevAppHash, priv, confirm, nil)
}

// ExtendSkipping is Extend that does not vote for the facts in applied
// (sorted ascending; AppliedFacts of block h), which block h applies
// itself, and votes for the next pending ones instead.
func ExtendSkipping(committed KV, chainID uint64, h int64, prevAppHash []byte, priv ed25519.PrivateKey, confirm func(types.Hash32) bool, applied []types.Hash32) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize || h < 1 {
		return nil, nil
	}
	kv := newScratch(committed)
	if _, err := BeginBlock(kv, chainID, h, prevAppHash); err != nil {
		return nil, err
	}
	var pub types.Hash32
	copy(pub[:], priv.Public().(ed25519.PublicKey))
	op, found, err := KeyOwner(kv, pub)
	if err != nil || !found {
		return nil, err
	}
	if cur, ok, err := BridgeKey(kv, op); err != nil || !ok || cur != pub {
		return nil, err // rotated away: this key no longer speaks for op
	}
	var s [types.SigLen]byte
	copy(s[:], ed25519.Sign(priv, types.BeaconMessage(chainID, uint64(h))))
	ext := types.VoteExt{Beacon: &s}
	open, err := OpenEpochs(kv)
	if err != nil {
		return nil, err
	}
	for _, e := range open {
		if len(ext.Checkpoints) == types.MaxCheckpointSigs {
			break
		}
		r, found, err := GetCheckpoint(kv, e)
		if err != nil {
			return nil, err
		}
		idx, ok := r.IndexOf(pub)
		if !found || !ok || r.Signed(idx) {
			continue
		}
		c := types.CheckpointSig{Epoch: e}
		copy(c.Sig[:], ed25519.Sign(priv, r.Digest[:]))
		ext.Checkpoints = append(ext.Checkpoints, c)
	}
	if confirm != nil {
		pending, err := PendingFacts(kv)
		if err != nil {
			return nil, err
		}
		for _, p := range pending {
			if len(ext.Facts) == types.MaxFactVotes {
				break
			}
			if !containsFact(applied, p.ID) && confirm(p.ID) {
				ext.Facts = append(ext.Facts, p.ID)
			}
		}
		if len(ext.Facts) > 0 {
			sort.Slice(ext.Facts, func(i, j int) bool { return bytes.Compare(ext.Facts[i][:], ext.Facts[j][:]) < 0 })
			copy(ext.FactsSig[:], ed25519.Sign(priv, types.FactsMessage(chainID, uint64(h), ext.Facts)))
		}
	}
	return ext.Encode()
}

// scratch is a throwaway overlay: reads fall through to base, writes stay
// here (a map used for lookups only) and are dropped with it.
type scratch struct {
	base KV
	m    map[string][]byte // nil value = deleted
}

func newScratch(base KV) *scratch { return &scratch{base: base, m: map[string][]byte{}} }

func (s *scratch) Get(k []byte) ([]byte, error) {
	if v, ok := s.m[string(k)]; ok {
		return v, nil
	}
	return s.base.Get(k)
}
func (s *scratch) Set(k, v []byte) { s.m[string(k)] = v }
func (s *scratch) Delete(k []byte) { s.m[string(k)] = nil }
