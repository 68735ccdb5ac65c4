package keys

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"strings"

	"github.com/tyler-smith/go-bip39"
	"golang.org/x/text/unicode/norm"
)

// MnemonicEntropyBits is what Add generates: 256 bits (24 words) leaves a
// margin against any future weakening of 128-bit security, and costs the
// user nothing but writing down 12 more words once.
const MnemonicEntropyBits = 256

// NewMnemonic returns a fresh 24-word BIP39 English mnemonic from crypto/rand.
func NewMnemonic() (string, error) {
	entropy, err := bip39.NewEntropy(MnemonicEntropyBits)
	if err != nil {
		return "", fmt.Errorf("keys: reading entropy: %w", err)
	}
	defer clear(entropy)
	return bip39.NewMnemonic(entropy)
}

// NormalizeMnemonic collapses whitespace and lowercases, so a phrase pasted
// across lines or typed with capitals still yields the BIP39 seed other
// wallets compute for the canonical single-spaced form.
func NormalizeMnemonic(mnemonic string) string {
	return strings.ToLower(strings.Join(strings.Fields(mnemonic), " "))
}

// ValidateMnemonic checks word count, word list and checksum. Error text
// names word positions, never words, because the words are the secret and
// errors end up in terminals and logs.
func ValidateMnemonic(mnemonic string) error {
	words := strings.Fields(NormalizeMnemonic(mnemonic))
	switch len(words) {
	case 12, 15, 18, 21, 24:
	default:
		return fmt.Errorf("%w: want 12, 15, 18, 21 or 24 words, got %d", ErrInvalidMnemonic, len(words))
	}
	for i, w := range words {
		if _, ok := bip39.GetWordIndex(w); !ok {
			return fmt.Errorf("%w: word %d is not in the BIP39 English word list", ErrInvalidMnemonic, i+1)
		}
	}
	entropy, err := bip39.EntropyFromMnemonic(strings.Join(words, " "))
	clear(entropy)
	if errors.Is(err, bip39.ErrChecksumIncorrect) {
		return fmt.Errorf("%w: checksum mismatch (a word is mistyped or out of order)", ErrInvalidMnemonic)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidMnemonic, err)
	}
	return nil
}

// DerivePrivateKey derives the key at DefaultPath(index), the account
// MetaMask and ethers show as "Account index+1" for the same mnemonic.
func DerivePrivateKey(mnemonic, bip39Passphrase string, index uint32) (*ecdsa.PrivateKey, error) {
	return DeriveKey(mnemonic, bip39Passphrase, DefaultPath(index))
}

// DeriveKey derives along an arbitrary path, for keys created by wallets
// that use another layout (e.g. Ledger Live's m/44'/60'/i'/0/0).
//
// The BIP39 passphrase is NFKD-normalised as the spec requires; go-bip39
// does not, and without it a non-ASCII passphrase would give a different
// wallet here than in every other tool.
func DeriveKey(mnemonic, bip39Passphrase string, path Path) (*ecdsa.PrivateKey, error) {
	if err := ValidateMnemonic(mnemonic); err != nil {
		return nil, err
	}
	seed := bip39.NewSeed(NormalizeMnemonic(mnemonic), norm.NFKD.String(bip39Passphrase))
	defer clear(seed)
	return deriveFromSeed(seed, path)
}
