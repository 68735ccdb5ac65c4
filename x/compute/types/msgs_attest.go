package types

import (
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// Share is one contributor's part of an attestation, with the
// contributor's own EIP-712 signature over a ContributorShare naming the
// job, the node, the attested range, its units and sub-root. The node
// cannot put a contributor's name on work it did not sign for, nor move a
// signed share to another job, node or range.
type Share struct {
	Contributor auth.Address
	Units       uint64
	SubRoot     Hash
	Sig         [65]byte
}

// Attest is a CDN node's claim that units [Start, End) of job JobID were
// computed, with output Merkle root OutputRoot, by the contributors in
// Shares (their units sum to End − Start). AttestationID is single-use;
// the attestation is void after height Expiry.
//
//	EIP-712: Attest(address from,uint64 jobId,bytes32 attestationId,uint64 start,uint64 end,bytes32 outputRoot,Share[] shares,uint64 expiry,uint256 fee,uint64 nonce)
//	         Share(address contributor,uint64 units,bytes32 subRoot,bytes signature)
//	contributor signs: ContributorShare(uint64 jobId,address node,uint64 start,uint64 end,address contributor,uint64 units,bytes32 subRoot)
//	wire body: [jobId, attestationId (32), start, end, outputRoot (32), [[contributor (20), units, subRoot (32), signature (65)], ...], expiry]
type Attest struct {
	JobID         uint64
	AttestationID Hash
	Start, End    uint64
	OutputRoot    Hash
	Shares        []Share
	Expiry        uint64
}

var (
	shareType = auth.TypeDef{Name: "Share", Fields: []auth.Field{
		{Name: "contributor", Type: "address"}, {Name: "units", Type: "uint64"},
		{Name: "subRoot", Type: "bytes32"}, {Name: "signature", Type: "bytes"}}}
	attestType = auth.TypeDef{Name: "Attest", Fields: []auth.Field{
		fFrom, fJobID, {Name: "attestationId", Type: "bytes32"}, {Name: "start", Type: "uint64"},
		{Name: "end", Type: "uint64"}, {Name: "outputRoot", Type: "bytes32"}, {Name: "shares", Type: "Share[]"},
		{Name: "expiry", Type: "uint64"}, fFee, fNonce}}
	// ContributorShareType is what a contributor signs (primary type of its
	// own signTypedData call, same PinGo domain).
	ContributorShareType = auth.TypeDef{Name: "ContributorShare", Fields: []auth.Field{
		fJobID, {Name: "node", Type: "address"}, {Name: "start", Type: "uint64"}, {Name: "end", Type: "uint64"},
		{Name: "contributor", Type: "address"}, {Name: "units", Type: "uint64"}, {Name: "subRoot", Type: "bytes32"}}}

	attestTypeHash           = auth.TypeHash(attestType, shareType)
	shareTypeHash            = auth.TypeHash(shareType)
	contributorShareTypeHash = auth.TypeHash(ContributorShareType)
)

type shareBody struct {
	Contributor [20]byte
	Units       uint64
	SubRoot     [32]byte
	Sig         [65]byte
}

type attestBody struct {
	JobID         uint64
	AttestationID [32]byte
	Start, End    uint64
	OutputRoot    [32]byte
	Shares        []shareBody
	Expiry        uint64
}

// DecodeAttest decodes the wire body.
func DecodeAttest(b []byte) (auth.Msg, error) {
	var w attestBody
	if err := rlp.DecodeBytes(b, &w); err != nil {
		return nil, err
	}
	if len(w.Shares) > MaxWireShares {
		return nil, codes.Wrapf(ErrShares, "%d shares > %d", len(w.Shares), MaxWireShares)
	}
	m := &Attest{JobID: w.JobID, AttestationID: w.AttestationID, Start: w.Start, End: w.End,
		OutputRoot: w.OutputRoot, Expiry: w.Expiry, Shares: make([]Share, len(w.Shares))}
	for i, s := range w.Shares {
		m.Shares[i] = Share{Contributor: s.Contributor, Units: s.Units, SubRoot: s.SubRoot, Sig: s.Sig}
	}
	return m, nil
}

func (m *Attest) Action() uint64 { return ActionAttest }
func (m *Attest) Type() (auth.TypeDef, []auth.TypeDef) {
	return attestType, []auth.TypeDef{shareType}
}
func (m *Attest) EncodeBody() ([]byte, error) {
	w := attestBody{JobID: m.JobID, AttestationID: m.AttestationID, Start: m.Start, End: m.End,
		OutputRoot: m.OutputRoot, Expiry: m.Expiry, Shares: make([]shareBody, len(m.Shares))}
	for i, s := range m.Shares {
		w.Shares[i] = shareBody{Contributor: s.Contributor, Units: s.Units, SubRoot: s.SubRoot, Sig: s.Sig}
	}
	return rlp.EncodeToBytes(&w)
}

func (m *Attest) HashStruct(h *auth.Header) [32]byte {
	var arr, s auth.StructHasher
	arr.Reset()
	for i := range m.Shares {
		sh := &m.Shares[i]
		s.Begin(shareTypeHash)
		s.Address(sh.Contributor)
		s.Uint64(sh.Units)
		s.Word(sh.SubRoot)
		s.Word([32]byte(crypto.Keccak256(sh.Sig[:])))
		arr.Word(s.Sum())
	}
	var w auth.StructHasher
	w.Begin(attestTypeHash)
	w.Address(h.From)
	w.Uint64(m.JobID)
	w.Word(m.AttestationID)
	w.Uint64(m.Start)
	w.Uint64(m.End)
	w.Word(m.OutputRoot)
	w.Word(arr.Sum())
	w.Uint64(m.Expiry)
	w.Uint256(&h.Fee)
	w.Uint64(h.Nonce)
	return w.Sum()
}

func (m *Attest) Message(h *auth.Header) map[string]any {
	shares := make([]map[string]any, len(m.Shares))
	for i, s := range m.Shares {
		shares[i] = map[string]any{"contributor": s.Contributor.Hex(), "units": s.Units,
			"subRoot": s.SubRoot.Hex(), "signature": "0x" + hexBytes(s.Sig[:])}
	}
	return map[string]any{"from": h.From.Hex(), "jobId": m.JobID, "attestationId": m.AttestationID.Hex(),
		"start": m.Start, "end": m.End, "outputRoot": m.OutputRoot.Hex(), "shares": shares,
		"expiry": m.Expiry, "fee": h.Fee.Dec(), "nonce": h.Nonce}
}

// ValidateBasic checks the range, the expiry and the shares without state:
// 1..256 shares (max_shares is enforced by execution), no zero or repeated
// contributor, each share's units positive, and their sum exactly the
// range size.
func (m *Attest) ValidateBasic(*auth.Header) error {
	if m.End <= m.Start {
		return codes.Wrapf(ErrRange, "empty range [%d, %d)", m.Start, m.End)
	}
	if m.Expiry == 0 {
		return codes.Wrap(ErrExpiry, "attestation expiry 0")
	}
	if len(m.Shares) == 0 || len(m.Shares) > MaxWireShares {
		return codes.Wrapf(ErrShares, "%d shares out of [1, %d]", len(m.Shares), MaxWireShares)
	}
	var sum uint64
	for i := range m.Shares {
		s := &m.Shares[i]
		if s.Contributor == auth.ZeroAddress {
			return codes.Wrapf(ErrShares, "share %d: zero contributor", i)
		}
		for j := 0; j < i; j++ {
			if m.Shares[j].Contributor == s.Contributor {
				return codes.Wrapf(ErrShares, "contributor %s listed twice", s.Contributor)
			}
		}
		if s.Units == 0 {
			return codes.Wrapf(ErrShareUnits, "share %d: 0 units", i)
		}
		if sum+s.Units < sum {
			return codes.Wrap(ErrShareUnits, "units overflow")
		}
		sum += s.Units
	}
	if sum != m.End-m.Start {
		return codes.Wrapf(ErrShareUnits, "contributor units sum to %d, range [%d, %d) has %d", sum, m.Start, m.End, m.End-m.Start)
	}
	return nil
}

// ShareDigest is the EIP-712 digest a contributor signs for its share of
// an attestation of [start, end) of job jobID by node.
func ShareDigest(chainID, jobID uint64, node auth.Address, start, end uint64, contributor auth.Address, units uint64, subRoot Hash) [32]byte {
	var w auth.StructHasher
	w.Begin(contributorShareTypeHash)
	w.Uint64(jobID)
	w.Address(node)
	w.Uint64(start)
	w.Uint64(end)
	w.Address(contributor)
	w.Uint64(units)
	w.Word(subRoot)
	return auth.SigningDigest(auth.DomainSeparator(chainID), w.Sum())
}

// VerifyCoSignatures checks that every share is signed by the contributor
// it names, for this chain, this node (the tx sender), job and range.
func (m *Attest) VerifyCoSignatures(chainID uint64, from auth.Address) error {
	for i := range m.Shares {
		s := &m.Shares[i]
		d := ShareDigest(chainID, m.JobID, from, m.Start, m.End, s.Contributor, s.Units, s.SubRoot)
		signer, err := auth.RecoverTypedSigner(d, s.Sig)
		if err != nil {
			return codes.Wrapf(ErrShareSignature, "share %d: %v", i, err)
		}
		if signer != s.Contributor {
			return codes.Wrapf(ErrShareSignature, "share %d of %s signed by %s", i, s.Contributor, signer)
		}
	}
	return nil
}

func hexBytes(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}
