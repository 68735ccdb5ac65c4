// Package keys is the node's keyring for secp256k1 account keys, behind the
// `pingod keys` commands.
//
// Keys are derived and stored the way Ethereum wallets do it (BIP39
// mnemonic, BIP32 path m/44'/60'/0'/0/i, Web3 Secret Storage v3 files)
// because PinGo addresses are Ethereum addresses: a user can move a key
// between this keyring and MetaMask, ethers or a hardware wallet in either
// direction and see the same account. See README.md for the on-disk layout.
package keys

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/keystore"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// Backends. The name is also the suffix of the keyring directory (see Dir),
// so keys written by one backend are never read by the other.
const (
	// BackendFile encrypts every key with the user's passphrase (scrypt +
	// AES-128-CTR, Web3 Secret Storage v3). The default.
	BackendFile = "file"
	// BackendTest stores private keys UNENCRYPTED. It exists so scripted
	// localnets and tests can sign without prompting; anyone who can read
	// the directory can spend from its accounts. Never use it for real funds.
	BackendTest = "test"
)

var (
	// ErrKeyExists: the name, or the address under another name, is taken.
	// The keyring never overwrites, because the old key may be the only copy.
	ErrKeyExists = errors.New("keys: key already exists")
	// ErrKeyNotFound: no key by that name or address.
	ErrKeyNotFound = errors.New("keys: key not found")
	// ErrBadPassphrase: the keystore MAC did not verify. Distinct from I/O
	// errors so the CLI can re-prompt instead of failing.
	ErrBadPassphrase = errors.New("keys: wrong passphrase")
	// ErrEmptyPassphrase: the file backend refuses "" because a keystore
	// encrypted with it only looks protected; use the test backend instead.
	ErrEmptyPassphrase = errors.New("keys: passphrase must not be empty")
	// ErrInvalidMnemonic: wrong word count, unknown word or bad checksum.
	// Checked before deriving so a typo never silently yields another wallet.
	ErrInvalidMnemonic = errors.New("keys: invalid mnemonic")
	// ErrInvalidName: names become file names, so they are restricted to
	// [a-zA-Z0-9_-]{1,64} and must not look like an address.
	ErrInvalidName = errors.New("keys: invalid key name")
	// ErrInvalidPath: a malformed BIP32 path, or one of the ~2^-127 indices
	// at which BIP32 derivation is undefined.
	ErrInvalidPath = errors.New("keys: invalid derivation path")
	// ErrUnknownBackend: Open was given a backend other than file or test.
	ErrUnknownBackend = errors.New("keys: unknown keyring backend")
)

// Info is what can be learnt about a key without its passphrase.
type Info struct {
	Name    string
	Address auth.Address
	// Path is the BIP32 path the key was derived at, "" for imported keys.
	Path    string
	Backend string
}

// Keyring is a directory of keys. Its methods are safe for concurrent use
// within a process; across processes, creation is still no-clobber because
// files are linked into place (see writeNew).
type Keyring struct {
	dir     string
	backend string
	scryptN int
	scryptP int
	mu      sync.Mutex
}

// Option adjusts Open.
type Option func(*Keyring)

// WithScrypt sets the scrypt cost for newly encrypted keys. Tests pass
// keystore.LightScryptN/P; the standard cost (~1s, 256 MiB) is the default
// because it is what protects a stolen keyring against offline guessing.
func WithScrypt(n, p int) Option {
	return func(k *Keyring) { k.scryptN, k.scryptP = n, p }
}

// Dir is the conventional keyring directory for a node home.
func Dir(home, backend string) string {
	return filepath.Join(home, "keyring-"+backend)
}

// Open opens (creating with mode 0700 if needed) the keyring in dir. An
// empty backend means BackendFile.
func Open(dir, backend string, opts ...Option) (*Keyring, error) {
	if backend == "" {
		backend = BackendFile
	}
	if backend != BackendFile && backend != BackendTest {
		return nil, fmt.Errorf("%w %q (want %q or %q)", ErrUnknownBackend, backend, BackendFile, BackendTest)
	}
	k := &Keyring{dir: dir, backend: backend, scryptN: keystore.StandardScryptN, scryptP: keystore.StandardScryptP}
	for _, o := range opts {
		o(k)
	}
	if err := mkdirPrivate(dir); err != nil {
		return nil, err
	}
	return k, nil
}

// Backend reports which backend the keyring was opened with.
func (k *Keyring) Backend() string { return k.backend }

// Add creates a key from a fresh 24-word mnemonic at DefaultPath(0) and
// returns the mnemonic, which the caller must show to the user exactly
// once: it is not stored anywhere and is the only backup.
func (k *Keyring) Add(name, passphrase string) (Info, string, error) {
	if err := k.precheck(name, passphrase); err != nil {
		return Info{}, "", err
	}
	mnemonic, err := NewMnemonic()
	if err != nil {
		return Info{}, "", err
	}
	info, err := k.Recover(name, mnemonic, "", passphrase, 0)
	if err != nil {
		return Info{}, "", err
	}
	return info, mnemonic, nil
}

// Recover stores the key at DefaultPath(index) of an existing mnemonic.
// bip39Passphrase is the optional BIP39 "25th word" (usually ""); it is
// unrelated to passphrase, which encrypts the key on disk.
func (k *Keyring) Recover(name, mnemonic, bip39Passphrase, passphrase string, index uint32) (Info, error) {
	if err := k.precheck(name, passphrase); err != nil {
		return Info{}, err
	}
	key, err := DerivePrivateKey(mnemonic, bip39Passphrase, index)
	if err != nil {
		return Info{}, err
	}
	return k.store(name, key, DefaultPath(index).String(), passphrase)
}

// Import stores an existing private key, e.g. one exported from another
// wallet. Its Info.Path is empty: the key has no known mnemonic.
func (k *Keyring) Import(name string, key *ecdsa.PrivateKey, passphrase string) (Info, error) {
	if err := k.precheck(name, passphrase); err != nil {
		return Info{}, err
	}
	if key == nil || key.D == nil || !validScalar(key.D.Bytes()) {
		return Info{}, errors.New("keys: not a valid secp256k1 private key")
	}
	return k.store(name, key, "", passphrase)
}

// List returns every key sorted by name; it needs no passphrase because
// keystore files carry their address in clear.
func (k *Keyring) List() ([]Info, error) {
	names, err := k.names()
	if err != nil {
		return nil, err
	}
	out := make([]Info, 0, len(names))
	for _, n := range names {
		info, err := k.info(n)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Show looks a key up by name or by 0x address, since users copy either.
func (k *Keyring) Show(nameOrAddress string) (Info, error) {
	name, err := k.resolve(nameOrAddress)
	if err != nil {
		return Info{}, err
	}
	return k.info(name)
}

// Key decrypts and returns the private key for signing. For the test
// backend the passphrase is ignored.
func (k *Keyring) Key(nameOrAddress, passphrase string) (*ecdsa.PrivateKey, error) {
	name, err := k.resolve(nameOrAddress)
	if err != nil {
		return nil, err
	}
	key, _, err := k.load(name, passphrase)
	return key, err
}

// Export returns the key as a Web3 Secret Storage v3 JSON, importable by
// geth, MetaMask and ethers. For the file backend passphrase must be the
// key's passphrase (it is checked, and the stored file returned as is); for
// the test backend it is the new passphrase the export is encrypted with.
func (k *Keyring) Export(nameOrAddress, passphrase string) ([]byte, error) {
	name, err := k.resolve(nameOrAddress)
	if err != nil {
		return nil, err
	}
	if k.backend == BackendTest && passphrase == "" {
		return nil, ErrEmptyPassphrase
	}
	key, raw, err := k.load(name, passphrase)
	if err != nil {
		return nil, err
	}
	if k.backend == BackendFile {
		return raw, nil
	}
	return encryptV3(key, passphrase, k.scryptN, k.scryptP)
}

// Delete removes a key. It asks for no passphrase (the CLI confirms
// instead): deleting grants no access, and a forgotten passphrase must not
// make a key impossible to remove.
func (k *Keyring) Delete(nameOrAddress string) error {
	name, err := k.resolve(nameOrAddress)
	if err != nil {
		return err
	}
	return k.remove(name)
}

// precheck rejects bad input before any expensive or irreversible step, so
// that e.g. Add never generates a mnemonic for a name that is taken.
func (k *Keyring) precheck(name, passphrase string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if k.backend == BackendFile && passphrase == "" {
		return ErrEmptyPassphrase
	}
	if k.exists(name) {
		return fmt.Errorf("%w: %q", ErrKeyExists, name)
	}
	return nil
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// ValidateName enforces the name rule. Names that parse as an address are
// refused so that Show(x) is never ambiguous between a name and an address.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%w %q: want 1-64 of [a-zA-Z0-9_-]", ErrInvalidName, name)
	}
	if looksLikeAddress(name) {
		return fmt.Errorf("%w %q: looks like an address", ErrInvalidName, name)
	}
	return nil
}

func looksLikeAddress(s string) bool {
	return len(s) == 2+2*auth.AddressLen && strings.HasPrefix(strings.ToLower(s), "0x")
}
