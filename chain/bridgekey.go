package chain

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BridgeKeyFile is the validator's app-level ed25519 key: it signs the
// randomness beacon and TON checkpoints in vote extensions (x/bridge).
// It is not the consensus key, so it can be rotated (SetBridgeKey) without
// touching CometBFT, and a remote signer for consensus does not need it.
func BridgeKeyFile(home string) string { return filepath.Join(configDir(home), "bridge_key.json") }

type bridgeKeyJSON struct {
	PubKey  string `json:"pub_key"`
	PrivKey string `json:"priv_key"` // 0x + seed ‖ pubkey (64 bytes)
}

// LoadBridgeKey reads path; a missing file is (nil, nil): the node then
// adds no vote extensions.
func LoadBridgeKey(path string) (ed25519.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f bridgeKeyJSON
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := hex.DecodeString(strings.TrimPrefix(f.PrivKey, "0x"))
	if err != nil || len(b) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%s: priv_key must be 0x + 128 hex digits", path)
	}
	k := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
	if "0x"+hex.EncodeToString(k.Public().(ed25519.PublicKey)) != f.PubKey {
		return nil, fmt.Errorf("%s: pub_key does not match priv_key", path)
	}
	return k, nil
}

// LoadOrGenBridgeKey loads path, or creates it (mode 0600) with a fresh key.
func LoadOrGenBridgeKey(path string) (ed25519.PrivateKey, error) {
	if k, err := LoadBridgeKey(path); err != nil || k != nil {
		return k, err
	}
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	raw, _ := json.MarshalIndent(bridgeKeyJSON{
		PubKey:  "0x" + hex.EncodeToString(k.Public().(ed25519.PublicKey)),
		PrivKey: "0x" + hex.EncodeToString(k),
	}, "", "  ")
	if err := os.WriteFile(path, append(raw, '\n'), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}
