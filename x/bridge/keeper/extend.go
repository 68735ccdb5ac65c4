package keeper

import (
	"crypto/ed25519"

	"github.com/pingo-chain/pingo/x/bridge/types"
)

// Extend builds this validator's vote extension for height h from state
// (the last committed state when called from ExtendVote): the beacon
// signature, and a signature for each open checkpoint whose set holds this
// key and that it has not yet signed — late ones included, so a validator
// that missed a commit still gets credit. Pure local computation: no I/O
// beyond state reads, so it can never hold up consensus. A key that is not
// registered yields an empty extension.
func Extend(kv KV, chainID uint64, h int64, priv ed25519.PrivateKey) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize || h < 1 {
		return nil, nil
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
	return ext.Encode()
}
