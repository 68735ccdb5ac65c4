package keys

import (
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// On-disk layout (see README.md):
//
//	<name>.json       the key: a v3 keystore (file) or plain hex (test)
//	<addr>.address    reverse index, lowercase hex address -> {name, path}
const (
	keySuffix  = ".json"
	addrSuffix = ".address"
)

// keyHeader is the part of either key format readable without the
// passphrase. The v3 keystore stores its address in clear, which is what
// lets `keys list` work without prompting.
type keyHeader struct {
	Address    string          `json:"address"`
	Crypto     json.RawMessage `json:"crypto"`
	PrivateKey string          `json:"private_key"`
}

// testKey is the test backend's file. The warning travels with the file so
// that whoever finds a copy of it knows it is a live, unprotected secret.
type testKey struct {
	Warning    string `json:"warning"`
	Address    string `json:"address"`
	PrivateKey string `json:"private_key"`
}

const testKeyWarning = "UNENCRYPTED pingod test-backend key: anyone who can read this file can spend from this address"

// addrRecord is kept beside the key rather than inside it so the key file
// stays a pure v3 keystore that other wallets import unchanged.
type addrRecord struct {
	Name string `json:"name"`
	Path string `json:"path,omitempty"`
}

func (k *Keyring) keyPath(name string) string { return filepath.Join(k.dir, name+keySuffix) }

func (k *Keyring) addrPath(a auth.Address) string {
	return filepath.Join(k.dir, hex.EncodeToString(a[:])+addrSuffix)
}

func (k *Keyring) exists(name string) bool {
	_, err := os.Lstat(k.keyPath(name))
	return err == nil
}

// store writes the key file, then the address record. Both are no-clobber;
// if the record cannot be written the key file is removed again, so a
// failed store leaves nothing behind.
func (k *Keyring) store(name string, key *ecdsa.PrivateKey, path, passphrase string) (Info, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	addr := auth.PubkeyToAddress(&key.PublicKey)
	if k.exists(name) {
		return Info{}, fmt.Errorf("%w: %q", ErrKeyExists, name)
	}
	if owner, ok := k.owner(addr); ok {
		return Info{}, fmt.Errorf("%w: %s is already stored as %q", ErrKeyExists, addr.Hex(), owner)
	}
	// A record without a live key is left over from an interrupted Delete.
	if err := os.Remove(k.addrPath(addr)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Info{}, err
	}

	var data []byte
	var err error
	if k.backend == BackendFile {
		data, err = encryptV3(key, passphrase, k.scryptN, k.scryptP)
	} else {
		data, err = json.MarshalIndent(testKey{
			Warning:    testKeyWarning,
			Address:    hex.EncodeToString(addr[:]),
			PrivateKey: hex.EncodeToString(crypto.FromECDSA(key)),
		}, "", "  ")
	}
	if err != nil {
		return Info{}, err
	}
	if err := writeNew(k.keyPath(name), data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Info{}, fmt.Errorf("%w: %q", ErrKeyExists, name)
		}
		return Info{}, err
	}
	rec, _ := json.Marshal(addrRecord{Name: name, Path: path})
	if err := writeNew(k.addrPath(addr), rec); err != nil {
		_ = os.Remove(k.keyPath(name))
		if errors.Is(err, fs.ErrExist) {
			return Info{}, fmt.Errorf("%w: %s", ErrKeyExists, addr.Hex())
		}
		return Info{}, err
	}
	return Info{Name: name, Address: addr, Path: path, Backend: k.backend}, nil
}

// owner returns the name holding addr, if its record points at a key file
// that really holds addr; anything else is a stale record.
func (k *Keyring) owner(addr auth.Address) (string, bool) {
	rec, err := k.record(addr)
	if err != nil || ValidateName(rec.Name) != nil {
		return "", false
	}
	h, _, err := k.header(rec.Name)
	if err != nil || h != addr {
		return "", false
	}
	return rec.Name, true
}

func (k *Keyring) record(addr auth.Address) (addrRecord, error) {
	var rec addrRecord
	b, err := os.ReadFile(k.addrPath(addr))
	if err != nil {
		return rec, err
	}
	return rec, json.Unmarshal(b, &rec)
}

// header reads a key file's clear address and checks its format matches the
// keyring's backend: a plaintext key dropped into a file keyring must not
// be used as if it had been protected.
func (k *Keyring) header(name string) (auth.Address, []byte, error) {
	raw, err := os.ReadFile(k.keyPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return auth.Address{}, nil, fmt.Errorf("%w: %q", ErrKeyNotFound, name)
	}
	if err != nil {
		return auth.Address{}, nil, err
	}
	var h keyHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return auth.Address{}, nil, fmt.Errorf("keys: %s: %w", k.keyPath(name), err)
	}
	format := BackendTest
	if len(h.Crypto) > 0 {
		format = BackendFile
	}
	if format != k.backend {
		return auth.Address{}, nil, fmt.Errorf("keys: %s holds a %s-backend key, but the keyring is %s", k.keyPath(name), format, k.backend)
	}
	addr, err := auth.ParseAddress("0x" + strings.TrimPrefix(h.Address, "0x"))
	if err != nil {
		return auth.Address{}, nil, fmt.Errorf("keys: %s: %w", k.keyPath(name), err)
	}
	return addr, raw, nil
}

func (k *Keyring) info(name string) (Info, error) {
	addr, _, err := k.header(name)
	if err != nil {
		return Info{}, err
	}
	info := Info{Name: name, Address: addr, Backend: k.backend}
	if rec, err := k.record(addr); err == nil && rec.Name == name {
		info.Path = rec.Path
	}
	return info, nil
}

// load decrypts a key and checks it against the clear address, because
// List and Show display that address and someone who can edit the file
// could otherwise make them show an address the key does not control.
func (k *Keyring) load(name, passphrase string) (*ecdsa.PrivateKey, []byte, error) {
	addr, raw, err := k.header(name)
	if err != nil {
		return nil, nil, err
	}
	var key *ecdsa.PrivateKey
	if k.backend == BackendFile {
		dk, err := keystore.DecryptKey(raw, passphrase)
		if errors.Is(err, keystore.ErrDecrypt) {
			return nil, nil, fmt.Errorf("%w for %q", ErrBadPassphrase, name)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("keys: %q: %w", name, err)
		}
		key = dk.PrivateKey
	} else {
		var tk testKey
		if err := json.Unmarshal(raw, &tk); err != nil {
			return nil, nil, err
		}
		if key, err = crypto.HexToECDSA(tk.PrivateKey); err != nil {
			return nil, nil, fmt.Errorf("keys: %q: %w", name, err)
		}
	}
	if got := auth.PubkeyToAddress(&key.PublicKey); got != addr {
		return nil, nil, fmt.Errorf("keys: %q: key is for %s but the file claims %s", name, got.Hex(), addr.Hex())
	}
	return key, raw, nil
}

// resolve maps a name or 0x address to an existing key name.
func (k *Keyring) resolve(s string) (string, error) {
	if looksLikeAddress(s) {
		addr, err := auth.ParseAddress(s)
		if err != nil {
			return "", err
		}
		if name, ok := k.owner(addr); ok {
			return name, nil
		}
		return "", fmt.Errorf("%w: %s", ErrKeyNotFound, addr.Hex())
	}
	if err := ValidateName(s); err != nil {
		return "", err
	}
	if !k.exists(s) {
		return "", fmt.Errorf("%w: %q", ErrKeyNotFound, s)
	}
	return s, nil
}

// names lists key files. Temp files (".tmp-*") and anything that is not a
// valid key name are skipped, so a crashed write never shows up as a key.
func (k *Keyring) names() ([]string, error) {
	ents, err := os.ReadDir(k.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), keySuffix)
		if ok && e.Type().IsRegular() && ValidateName(n) == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// remove deletes the key first, then its record: a crash in between leaves
// only a stale record, which store and owner already treat as absent.
func (k *Keyring) remove(name string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	addr, _, herr := k.header(name)
	if err := os.Remove(k.keyPath(name)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %q", ErrKeyNotFound, name)
		}
		return err
	}
	if herr == nil {
		if rec, err := k.record(addr); err == nil && rec.Name == name {
			if err := os.Remove(k.addrPath(addr)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	syncDir(k.dir)
	return nil
}

func encryptV3(key *ecdsa.PrivateKey, passphrase string, n, p int) ([]byte, error) {
	id, err := uuid.NewRandom()
	if err != nil {
		return nil, err
	}
	return keystore.EncryptKey(&keystore.Key{
		Id:         id,
		Address:    crypto.PubkeyToAddress(key.PublicKey),
		PrivateKey: key,
	}, passphrase, n, p)
}
