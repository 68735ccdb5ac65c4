package agentproto

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// Request authentication (v2). Every POST a contributor sends carries four
// headers; the node verifies them before it reads the request, so nobody
// can take work or deliver results in another contributor's name, and a
// captured request cannot be sent again. The signature is an Ethereum
// personal_sign (EIP-191) of AuthMessage, so any Ethereum wallet or a
// 50-line script with a secp256k1 library can produce it.
const (
	HeaderContributor = "X-Pingo-Contributor" // 0x + 40 hex: the signer
	HeaderTimestamp   = "X-Pingo-Timestamp"   // unix milliseconds, decimal
	HeaderNonce       = "X-Pingo-Nonce"       // 32 lowercase hex (16 random bytes), unique per request
	HeaderSignature   = "X-Pingo-Signature"   // 0x + 130 hex: r ‖ s ‖ v, v = 27/28
)

// MaxClockSkew is how far a request's timestamp may be from the node's
// clock, either way. A nonce is remembered for twice this long (the whole
// window its timestamp is acceptable in), so a replay is either stale or
// remembered.
const MaxClockSkew = 30 * time.Second

// MaxNonces bounds the node's replay cache. At one request per
// contributor every few seconds, 2×MaxClockSkew holds a few thousand
// contributors' nonces; past the bound new requests are refused (internal,
// retry later) rather than letting memory grow.
const MaxNonces = 1 << 18

// Auth is the authentication of one request.
type Auth struct {
	Contributor auth.Address
	TimestampMs int64
	Nonce       string
	Signature   [65]byte
}

// AuthMessage is the text a contributor signs: the protocol, the CDN node
// it talks to (a signature for one node is worthless at another), the
// method and path (a poll cannot be replayed as an upload), the body's
// SHA-256 (nothing in the request can be changed), the time and the nonce.
func AuthMessage(method, path string, body []byte, node auth.Address, tsMs int64, nonce string) []byte {
	h := sha256.Sum256(body)
	return []byte("PinGo agent request v2\n" +
		"node: " + strings.ToLower(node.Hex()) + "\n" +
		"method: " + method + "\n" +
		"path: " + path + "\n" +
		"body-sha256: " + hex.EncodeToString(h[:]) + "\n" +
		"timestamp-ms: " + strconv.FormatInt(tsMs, 10) + "\n" +
		"nonce: " + nonce)
}

// NewNonce is 16 random bytes as lowercase hex.
func NewNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SignRequest authenticates a request to node with key, at now.
func SignRequest(key *ecdsa.PrivateKey, node auth.Address, method, path string, body []byte, now time.Time) (Auth, error) {
	a := Auth{Contributor: auth.PubkeyToAddress(&key.PublicKey), TimestampMs: now.UnixMilli(), Nonce: NewNonce()}
	sig, err := crypto.Sign(accounts.TextHash(AuthMessage(method, path, body, node, a.TimestampMs, a.Nonce)), key)
	if err != nil {
		return a, err
	}
	copy(a.Signature[:], sig)
	a.Signature[64] += 27
	return a, nil
}

// Set writes a's headers.
func (a Auth) Set(h http.Header) {
	h.Set(HeaderContributor, a.Contributor.Hex())
	h.Set(HeaderTimestamp, strconv.FormatInt(a.TimestampMs, 10))
	h.Set(HeaderNonce, a.Nonce)
	h.Set(HeaderSignature, "0x"+hex.EncodeToString(a.Signature[:]))
}

// ParseAuth reads the four headers (untrusted input): any missing or
// malformed one is CodeUnauthenticated.
func ParseAuth(h http.Header) (Auth, error) {
	var a Auth
	c, ts, nonce, sig := h.Get(HeaderContributor), h.Get(HeaderTimestamp), h.Get(HeaderNonce), h.Get(HeaderSignature)
	if c == "" || ts == "" || nonce == "" || sig == "" {
		return a, Errf(CodeUnauthenticated, "missing request signature (headers %s, %s, %s, %s)",
			HeaderContributor, HeaderTimestamp, HeaderNonce, HeaderSignature)
	}
	addr, err := auth.ParseAddress(c)
	if err != nil || addr == auth.ZeroAddress {
		return a, Errf(CodeUnauthenticated, "%s: not an address", HeaderContributor)
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || t <= 0 || strconv.FormatInt(t, 10) != ts {
		return a, Errf(CodeUnauthenticated, "%s: want unix milliseconds", HeaderTimestamp)
	}
	if b, err := hex.DecodeString(nonce); err != nil || len(b) != 16 || strings.ToLower(nonce) != nonce {
		return a, Errf(CodeUnauthenticated, "%s: want 32 lowercase hex digits", HeaderNonce)
	}
	s, err := hex.DecodeString(strings.TrimPrefix(sig, "0x"))
	if err != nil || len(s) != 65 || !strings.HasPrefix(sig, "0x") {
		return a, Errf(CodeUnauthenticated, "%s: want 0x + 65 bytes of hex", HeaderSignature)
	}
	a.Contributor, a.TimestampMs, a.Nonce = addr, t, nonce
	copy(a.Signature[:], s)
	return a, nil
}

// Verify checks that a signs this request to node and is fresh at now:
// a signature by anyone but a.Contributor, or over anything else, is
// CodeBadAuth; a timestamp further than MaxClockSkew from now is
// CodeStale. Replays are the ReplayCache's business.
func (a Auth) Verify(method, path string, body []byte, node auth.Address, now time.Time) error {
	signer, err := auth.RecoverTypedSigner([32]byte(accounts.TextHash(AuthMessage(method, path, body, node, a.TimestampMs, a.Nonce))), a.Signature)
	if err != nil {
		return Errf(CodeBadAuth, "request signature: %v", err)
	}
	if signer != a.Contributor {
		return Errf(CodeBadAuth, "request signed by %s, not %s (or not for this node, method, path and body)", signer, a.Contributor)
	}
	if d := now.Sub(time.UnixMilli(a.TimestampMs)); d > MaxClockSkew || d < -MaxClockSkew {
		return Errf(CodeStale, "request timestamp %d is %s from the node's clock (max %s)", a.TimestampMs, d.Round(time.Millisecond), MaxClockSkew)
	}
	return nil
}

// ReplayCache remembers the nonces of verified requests for
// 2×MaxClockSkew: a request seen before is CodeReplayed.
type ReplayCache struct {
	mu     sync.Mutex
	seen   map[string]int64 // contributor ‖ nonce → forget after (unix ms)
	pruned int64
}

// NewReplayCache is an empty cache.
func NewReplayCache() *ReplayCache { return &ReplayCache{seen: map[string]int64{}} }

// Use records a's nonce, or refuses it if it was used already.
func (c *ReplayCache) Use(a Auth, now time.Time) error {
	key := a.Contributor.Hex() + a.Nonce
	nowMs := now.UnixMilli()
	c.mu.Lock()
	defer c.mu.Unlock()
	if nowMs-c.pruned > 1000 || len(c.seen) >= MaxNonces {
		for k, until := range c.seen {
			if until < nowMs {
				delete(c.seen, k)
			}
		}
		c.pruned = nowMs
	}
	if _, ok := c.seen[key]; ok {
		return Errf(CodeReplayed, "nonce %s of %s was already used", a.Nonce, a.Contributor)
	}
	if len(c.seen) >= MaxNonces {
		return Errf(CodeInternal, "replay cache full; retry later")
	}
	c.seen[key] = max(a.TimestampMs, nowMs) + 2*MaxClockSkew.Milliseconds()
	return nil
}

// Authenticate is the node's whole check of one request: headers present
// and well formed, signature by the named contributor over this request
// to node, timestamp within MaxClockSkew, nonce not seen before (recorded
// only once everything else holds). It returns the authenticated
// contributor.
func Authenticate(r *http.Request, body []byte, node auth.Address, cache *ReplayCache, now time.Time) (auth.Address, error) {
	a, err := ParseAuth(r.Header)
	if err != nil {
		return auth.ZeroAddress, err
	}
	if err := a.Verify(r.Method, r.URL.Path, body, node, now); err != nil {
		return auth.ZeroAddress, err
	}
	if err := cache.Use(a, now); err != nil {
		return auth.ZeroAddress, err
	}
	return a.Contributor, nil
}

// String is for logs.
func (a Auth) String() string {
	return fmt.Sprintf("%s@%d/%s", a.Contributor, a.TimestampMs, a.Nonce)
}
