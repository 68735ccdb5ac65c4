// Package agentproto is the HTTP+JSON protocol between a CDN node daemon
// (cmd/pingo-cdn) and contributor agents (cmd/pingo-contributor), version 2
// (v1 plus signed requests: auth.go).
// The normative description is cmd/pingo-cdn/README.md §Protocol; this file
// is its Go form, shared so the two agents cannot drift apart.
//
// Why HTTP+JSON and not gRPC: contributors run behind NATs and proxies on
// home machines, and a protocol a browser or a 50-line script can speak
// lowers the bar for third-party contributor agents.
package agentproto

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/ethereum/go-ethereum/crypto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// Version is the protocol version; every path is under /v2/ and every
// request names it. v2 = v1's messages with every POST signed (auth.go).
// A node no longer serves v1: its requests were unauthenticated, and
// serving both would leave that door open.
const Version = 2

// Paths of the v2 endpoints (all JSON bodies, POST except Info).
const (
	PathInfo       = "/v2/info"
	PathRegister   = "/v2/register"
	PathAssignment = "/v2/assignment"
	PathResult     = "/v2/result"
)

// V1Prefix: requests under it are answered unsupported_version.
const V1Prefix = "/v1/"

// MaxBody bounds every request body: a result of 4,096 digests is ~270 KB.
const MaxBody = 1 << 20

// MaxWaitMillis caps a long poll, so a connection is never held longer.
const MaxWaitMillis = 30_000

// MaxAssignmentUnits bounds the units of one assignment (and so a result).
const MaxAssignmentUnits = 4096

// Info is GET /v1/info: who the node is and what it serves.
type Info struct {
	Version   int          `json:"version"`
	ChainID   uint64       `json:"chain_id"`
	Node      auth.Address `json:"node"`
	UnitKinds []uint32     `json:"unit_kinds"`
}

// RegisterRequest is POST /v1/register: a contributor announces itself.
type RegisterRequest struct {
	Version     int          `json:"version"`
	ChainID     uint64       `json:"chain_id"`
	Contributor auth.Address `json:"contributor"`
	// Cores is informational: how many units the contributor runs at once.
	Cores int `json:"cores"`
}

// RegisterResponse acknowledges a registration.
type RegisterResponse struct {
	Node         auth.Address `json:"node"`
	PollMillis   int          `json:"poll_ms"`
	Contributors int          `json:"contributors"`
}

// AssignmentRequest is POST /v1/assignment: a long poll for work.
type AssignmentRequest struct {
	Version     int          `json:"version"`
	ChainID     uint64       `json:"chain_id"`
	Contributor auth.Address `json:"contributor"`
	// WaitMillis is how long the node may hold the request (≤ MaxWaitMillis).
	WaitMillis int `json:"wait_ms"`
}

// Assignment is a contributor's part of one attestation. The contributor
// computes units [Start, End) of job JobID with Seed, and signs a
// ContributorShare over the attestation's whole range [AttStart, AttEnd)
// (what the chain verifies), naming Node. The node refuses results after
// ExpiresUnixMs and hands the part to another contributor.
type Assignment struct {
	ID            string       `json:"id"`
	ChainID       uint64       `json:"chain_id"`
	Node          auth.Address `json:"node"`
	JobID         uint64       `json:"job_id"`
	Seed          compute.Hash `json:"seed"`
	UnitKind      uint32       `json:"unit_kind"`
	SpecHash      compute.Hash `json:"spec_hash"`
	Start         uint64       `json:"start"`
	End           uint64       `json:"end"`
	AttStart      uint64       `json:"att_start"`
	AttEnd        uint64       `json:"att_end"`
	ExpiresUnixMs int64        `json:"expires_unix_ms"`
}

// AssignmentResponse carries one assignment, or none (Assignment nil) when
// the long poll ended without work.
type AssignmentResponse struct {
	Assignment *Assignment `json:"assignment"`
}

// ResultRequest is POST /v1/result: the contributor's output digests (one
// per unit, in index order), the sub-root over its leaves and its EIP-712
// ContributorShare signature (65 bytes, v = 27/28).
type ResultRequest struct {
	Version      int              `json:"version"`
	ChainID      uint64           `json:"chain_id"`
	Contributor  auth.Address     `json:"contributor"`
	AssignmentID string           `json:"assignment_id"`
	Digests      []compute.Hash   `json:"digests"`
	SubRoot      compute.Hash     `json:"sub_root"`
	Signature    compute.HexBytes `json:"signature"`
}

// ResultResponse acknowledges an accepted result.
type ResultResponse struct {
	Accepted bool   `json:"accepted"`
	Units    uint64 `json:"units"`
}

// Error codes (the "code" of an error body), each with one HTTP status.
const (
	CodeMalformed        = "malformed"             // 400: body is not the JSON of the request
	CodeVersion          = "unsupported_version"   // 400
	CodeWrongChain       = "wrong_chain"           // 409: chain id differs from the node's
	CodeUnknownContrib   = "unknown_contributor"   // 404: register first (the node restarted)
	CodeUnknownAssign    = "unknown_assignment"    // 404
	CodeNotYours         = "not_your_assignment"   // 403
	CodeExpired          = "assignment_expired"    // 410
	CodeDuplicate        = "duplicate_result"      // 409: already accepted (a retry may treat as success)
	CodeBadResult        = "bad_result"            // 422: digest count, sub-root or spot check wrong
	CodeBadSignature     = "bad_signature"         // 422: share not signed by the contributor
	CodeAlreadyClaimed   = "already_claimed"       // contributor-side: units it already signed for
	CodeInternal         = "internal"              // 500
	CodeMethodNotAllowed = "method_not_allowed"    // 405
	CodeUnauthenticated  = "unauthenticated"       // 401: request signature headers missing or malformed
	CodeBadAuth          = "bad_request_signature" // 401: not signed by the contributor, for this node and request
	CodeStale            = "stale_request"         // 401: timestamp beyond MaxClockSkew (check the clock)
	CodeReplayed         = "replayed_request"      // 401: nonce already used
)

var statusOf = map[string]int{
	CodeMalformed: 400, CodeVersion: 400, CodeWrongChain: 409, CodeUnknownContrib: 404,
	CodeUnknownAssign: 404, CodeNotYours: 403, CodeExpired: 410, CodeDuplicate: 409,
	CodeBadResult: 422, CodeBadSignature: 422, CodeInternal: 500, CodeMethodNotAllowed: 405,
	CodeUnauthenticated: 401, CodeBadAuth: 401, CodeStale: 401, CodeReplayed: 401,
}

// Error is the body of every non-2xx answer: {"error": {"code", "message"}}.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Status is the HTTP status of e's code.
func (e *Error) Status() int {
	if s, ok := statusOf[e.Code]; ok {
		return s
	}
	return 500
}

// Errf builds a protocol error.
func Errf(code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// ErrorBody wraps an Error for the wire.
type ErrorBody struct {
	Error *Error `json:"error"`
}

// WriteJSON writes v with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError writes err as an error body; non-protocol errors are internal.
func WriteError(w http.ResponseWriter, err error) {
	var pe *Error
	if !errors.As(err, &pe) {
		pe = &Error{Code: CodeInternal, Message: err.Error()}
	}
	WriteJSON(w, pe.Status(), ErrorBody{Error: pe})
}

// ReadBody reads a request body of at most MaxBody bytes (the signature
// covers the exact bytes, so they are read before anything is decoded).
func ReadBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBody))
	if err != nil {
		return nil, Errf(CodeMalformed, "%v", err)
	}
	return b, nil
}

// DecodeJSON decodes body strictly (unknown fields and trailing data are
// malformed: a typo must not silently drop a field).
func DecodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errf(CodeMalformed, "%v", err)
	}
	if dec.More() {
		return Errf(CodeMalformed, "trailing data after the JSON body")
	}
	return nil
}

// Leaves are the Merkle leaves of a contributor's digests for units
// [start, start+len(digests)) of job.
func Leaves(job, start uint64, contributor auth.Address, digests []compute.Hash) [][32]byte {
	out := make([][32]byte, len(digests))
	for i, d := range digests {
		out[i] = kernel.Leaf(job, start+uint64(i), contributor, d)
	}
	return out
}

// SignShare is the contributor's EIP-712 ContributorShare signature for
// assignment a with sub-root: exactly what Attest verifies on chain.
func SignShare(key *ecdsa.PrivateKey, a *Assignment, subRoot compute.Hash) ([65]byte, error) {
	d := ShareDigest(a, auth.PubkeyToAddress(&key.PublicKey), subRoot)
	var out [65]byte
	sig, err := crypto.Sign(d[:], key)
	if err != nil {
		return out, err
	}
	copy(out[:], sig)
	out[64] += 27
	return out, nil
}

// ShareDigest is the digest a contributor signs for assignment a.
func ShareDigest(a *Assignment, contributor auth.Address, subRoot compute.Hash) [32]byte {
	return compute.ShareDigest(a.ChainID, a.JobID, a.Node, a.AttStart, a.AttEnd, contributor, a.End-a.Start, subRoot)
}

// VerifyShare checks that sig is contributor's signature of its share.
func VerifyShare(a *Assignment, contributor auth.Address, subRoot compute.Hash, sig []byte) error {
	if len(sig) != 65 {
		return Errf(CodeBadSignature, "signature of %d bytes, want 65", len(sig))
	}
	signer, err := auth.RecoverTypedSigner(ShareDigest(a, contributor, subRoot), [65]byte(sig))
	if err != nil {
		return Errf(CodeBadSignature, "%v", err)
	}
	if signer != contributor {
		return Errf(CodeBadSignature, "share of %s signed by %s", contributor, signer)
	}
	return nil
}
