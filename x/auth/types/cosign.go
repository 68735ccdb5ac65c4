package types

import (
	"math/big"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/x/codes"
)

// CoSigned is a Msg that carries EIP-712 signatures of accounts other than
// the sender (x/compute's Attest: each contributor signs its own share).
// The app verifies them with the sender's signature, before any state is
// read, and caches the verdict with the tx: they depend only on the tx
// bytes and the chain id.
type CoSigned interface {
	VerifyCoSignatures(chainID uint64, from Address) error
}

// RecoverTypedSigner returns the account whose 65-byte signature
// (r ‖ s ‖ v, v ∈ {27, 28}, low s) signed an EIP-712 digest. The same
// malleability rules as a transaction signature apply, so each signed
// message has one valid signature encoding.
func RecoverTypedSigner(digest [32]byte, sig [65]byte) (Address, error) {
	v := sig[64]
	if v != 27 && v != 28 {
		return Address{}, codes.Wrapf(ErrInvalidSignature, "v must be 27 or 28, got %d", v)
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:64])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(secp256k1N) >= 0 {
		return Address{}, codes.Wrap(ErrInvalidSignature, "r or s out of range")
	}
	if s.Cmp(secp256k1HalfN) > 0 {
		return Address{}, codes.Wrap(ErrInvalidSignature, "s in the upper half of the curve order (EIP-2)")
	}
	sig[64] = v - 27
	pub, err := crypto.Ecrecover(digest[:], sig[:])
	if err != nil {
		return Address{}, codes.Wrap(ErrInvalidSignature, err.Error())
	}
	return AddressFromUncompressed(pub), nil
}
