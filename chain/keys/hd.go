package keys

// BIP32 is implemented here rather than imported so that the whole path from
// mnemonic to private key is a page of code a reviewer can hold against the
// spec (https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki),
// with no dependency beyond go-ethereum's secp256k1 curve, which the chain
// already trusts for signature verification.

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
)

// HardenedOffset is added to a path element to make it hardened: a leaked
// child key plus the parent's public data cannot then reveal the parent.
const HardenedOffset uint32 = 1 << 31

// Path is a BIP32 derivation path; elements >= HardenedOffset are hardened.
type Path []uint32

// DefaultPath is BIP44 with Ethereum's coin type 60, m/44'/60'/0'/0/index.
// PinGo addresses are Ethereum addresses, so using Ethereum's coin type is
// what makes one mnemonic yield the same accounts in MetaMask, ethers and
// hardware wallets.
func DefaultPath(index uint32) Path {
	return Path{44 | HardenedOffset, 60 | HardenedOffset, HardenedOffset, 0, index}
}

// String renders the conventional form with ' for hardened elements, which
// is what Info.Path stores and what other wallets accept back.
func (p Path) String() string {
	var b strings.Builder
	b.WriteString("m")
	for _, e := range p {
		if e >= HardenedOffset {
			fmt.Fprintf(&b, "/%d'", e-HardenedOffset)
		} else {
			fmt.Fprintf(&b, "/%d", e)
		}
	}
	return b.String()
}

// ParsePath reads "m/44'/60'/0'/0/0". A trailing h or H is accepted as well
// as ' because some wallets and shells make the quote awkward to type.
func ParsePath(s string) (Path, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if parts[0] != "m" {
		return nil, fmt.Errorf("%w: %q does not start with m", ErrInvalidPath, s)
	}
	p := make(Path, 0, len(parts)-1)
	for _, seg := range parts[1:] {
		var hardened bool
		if n := len(seg); n > 0 && strings.ContainsRune("'hH", rune(seg[n-1])) {
			hardened, seg = true, seg[:n-1]
		}
		v, err := strconv.ParseUint(seg, 10, 32)
		if err != nil || uint32(v) >= HardenedOffset {
			return nil, fmt.Errorf("%w: %q: bad element %q", ErrInvalidPath, s, seg)
		}
		e := uint32(v)
		if hardened {
			e |= HardenedOffset
		}
		p = append(p, e)
	}
	return p, nil
}

// curveN is the secp256k1 group order; child keys are sums modulo N.
var curveN = crypto.S256().Params().N

// deriveFromSeed walks path from the BIP32 master key of seed. Intermediate
// secrets are cleared on return (best effort: big.Int copies cannot be).
func deriveFromSeed(seed []byte, path Path) (*ecdsa.PrivateKey, error) {
	if len(seed) < 16 || len(seed) > 64 {
		return nil, fmt.Errorf("keys: BIP32 seed must be 16..64 bytes, got %d", len(seed))
	}
	k, c := hmacSplit([]byte("Bitcoin seed"), seed)
	defer func() { clear(k); clear(c) }()
	if !validScalar(k) {
		return nil, fmt.Errorf("%w: master key out of range", ErrInvalidPath)
	}
	for _, i := range path {
		ck, cc, err := childKey(k, c, i)
		clear(k)
		clear(c)
		if err != nil {
			return nil, err
		}
		k, c = ck, cc
	}
	return crypto.ToECDSA(k)
}

// childKey is BIP32 CKDpriv. Hardened children hash the private key,
// normal children hash the compressed public key, so that xpub holders can
// derive the same normal children without the secret.
func childKey(k, c []byte, i uint32) (key, chain []byte, err error) {
	var data []byte
	if i >= HardenedOffset {
		data = append([]byte{0}, k...)
	} else {
		data = compressedPubkey(k)
	}
	data = binary.BigEndian.AppendUint32(data, i)
	il, ir := hmacSplit(c, data)
	clear(data)
	defer clear(il)

	n := new(big.Int).SetBytes(il)
	if n.Cmp(curveN) >= 0 {
		clear(ir)
		return nil, nil, fmt.Errorf("%w: child %d is invalid (IL >= n); use the next index", ErrInvalidPath, i)
	}
	n.Add(n, new(big.Int).SetBytes(k)).Mod(n, curveN)
	if n.Sign() == 0 {
		clear(ir)
		return nil, nil, fmt.Errorf("%w: child %d is invalid (zero key); use the next index", ErrInvalidPath, i)
	}
	// FillBytes keeps leading zero bytes; dropping them would change every
	// descendant (BIP32 test vector 3 exists to catch exactly that).
	return n.FillBytes(make([]byte, 32)), ir, nil
}

// compressedPubkey is SEC1 compressed form: 0x02/0x03 by Y parity, then X.
func compressedPubkey(k []byte) []byte {
	x, y := crypto.S256().ScalarBaseMult(k)
	out := make([]byte, 33)
	out[0] = 0x02 | byte(y.Bit(0))
	x.FillBytes(out[1:])
	return out
}

func hmacSplit(key, data []byte) (left, right []byte) {
	m := hmac.New(sha512.New, key)
	m.Write(data)
	sum := m.Sum(nil)
	return sum[:32], sum[32:]
}

func validScalar(k []byte) bool {
	n := new(big.Int).SetBytes(k)
	return n.Sign() > 0 && n.Cmp(curveN) < 0
}
