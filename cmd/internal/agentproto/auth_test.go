package agentproto

import (
	"crypto/ecdsa"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/stretchr/testify/require"
)

func testKey(t testing.TB, b byte) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(append(make([]byte, 31), b))
	require.NoError(t, err)
	return k
}

// The signed message is pinned: third-party contributor agents build it
// from the README, so a change here is a protocol change.
func TestAuthMessagePinned(t *testing.T) {
	node := auth.Address{0xab, 0xcd}
	got := string(AuthMessage("POST", "/v2/result", []byte(`{}`), node, 1795000000000, "00112233445566778899aabbccddeeff"))
	require.Equal(t, "PinGo agent request v2\n"+
		"node: 0xabcd000000000000000000000000000000000000\n"+
		"method: POST\n"+
		"path: /v2/result\n"+
		"body-sha256: 44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\n"+
		"timestamp-ms: 1795000000000\n"+
		"nonce: 00112233445566778899aabbccddeeff", got)
}

func TestAuthVerify(t *testing.T) {
	key, other := testKey(t, 1), testKey(t, 2)
	node := auth.Address{7}
	now := time.UnixMilli(1_795_000_000_000)
	body := []byte(`{"version":2}`)
	a, err := SignRequest(key, node, "POST", PathResult, body, now)
	require.NoError(t, err)
	require.NoError(t, a.Verify("POST", PathResult, body, node, now))
	require.NoError(t, a.Verify("POST", PathResult, body, node, now.Add(MaxClockSkew)))
	byOther, err := SignRequest(other, node, "POST", PathResult, body, now)
	require.NoError(t, err)
	byOther.Contributor = a.Contributor
	cases := []struct {
		name   string
		a      Auth
		method string
		path   string
		body   []byte
		node   auth.Address
		now    time.Time
		code   string
	}{
		{"other signer", byOther, "POST", PathResult, body, node, now, CodeBadAuth},
		{"method", a, "GET", PathResult, body, node, now, CodeBadAuth},
		{"path", a, "POST", PathAssignment, body, node, now, CodeBadAuth},
		{"body", a, "POST", PathResult, []byte(`{"version":1}`), node, now, CodeBadAuth},
		{"node", a, "POST", PathResult, body, auth.Address{8}, now, CodeBadAuth},
		{"too old", a, "POST", PathResult, body, node, now.Add(MaxClockSkew + time.Millisecond), CodeStale},
		{"too new", a, "POST", PathResult, body, node, now.Add(-MaxClockSkew - time.Millisecond), CodeStale},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Verify(tc.method, tc.path, tc.body, tc.node, tc.now)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tc.code, pe.Code)
			require.Equal(t, 401, pe.Status())
		})
	}
}

func TestParseAuth(t *testing.T) {
	a, err := SignRequest(testKey(t, 1), auth.Address{7}, "POST", PathRegister, nil, time.UnixMilli(1_795_000_000_000))
	require.NoError(t, err)
	h := http.Header{}
	a.Set(h)
	got, err := ParseAuth(h)
	require.NoError(t, err)
	require.Equal(t, a, got)
	for _, tc := range []struct{ header, value string }{
		{HeaderContributor, ""}, {HeaderContributor, "0x12"}, {HeaderContributor, "0x" + "00000000000000000000000000000000000000000"[:40]},
		{HeaderTimestamp, ""}, {HeaderTimestamp, "-5"}, {HeaderTimestamp, "0"}, {HeaderTimestamp, "+17"}, {HeaderTimestamp, "017"},
		{HeaderNonce, ""}, {HeaderNonce, "00"}, {HeaderNonce, "00112233445566778899AABBCCDDEEFF"},
		{HeaderSignature, ""}, {HeaderSignature, h.Get(HeaderSignature)[2:]}, {HeaderSignature, h.Get(HeaderSignature)[:130]},
	} {
		bad := h.Clone()
		bad.Set(tc.header, tc.value)
		_, err := ParseAuth(bad)
		var pe *Error
		require.ErrorAs(t, err, &pe, "%s=%q", tc.header, tc.value)
		require.Equal(t, CodeUnauthenticated, pe.Code, "%s=%q", tc.header, tc.value)
	}
}

// A nonce is refused while its request could still pass the skew check,
// per contributor, and forgotten afterwards.
func TestReplayCache(t *testing.T) {
	c := NewReplayCache()
	now := time.UnixMilli(1_795_000_000_000)
	a := Auth{Contributor: auth.Address{1}, TimestampMs: now.UnixMilli(), Nonce: "00112233445566778899aabbccddeeff"}
	require.NoError(t, c.Use(a, now))
	err := c.Use(a, now.Add(2*MaxClockSkew))
	var pe *Error
	require.ErrorAs(t, err, &pe)
	require.Equal(t, CodeReplayed, pe.Code)
	b := a
	b.Contributor = auth.Address{2}
	require.NoError(t, c.Use(b, now), "another contributor's nonce space")
	// Past the window the entry is pruned (its request would be stale anyway).
	require.NoError(t, c.Use(a, now.Add(2*MaxClockSkew+2*time.Second)))
}

// FuzzParseAuth: the headers are untrusted; parsing never panics and what
// parses writes back to the same headers.
func FuzzParseAuth(f *testing.F) {
	f.Add("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "1795000000000", "00112233445566778899aabbccddeeff",
		"0x00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001b")
	f.Fuzz(func(t *testing.T, c, ts, nonce, sig string) {
		h := http.Header{}
		h.Set(HeaderContributor, c)
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderNonce, nonce)
		h.Set(HeaderSignature, sig)
		a, err := ParseAuth(h)
		if err != nil {
			return
		}
		h2 := http.Header{}
		a.Set(h2)
		b, err := ParseAuth(h2)
		if err != nil || a != b {
			t.Fatalf("round trip: %v %v %v", a, b, err)
		}
		_ = a.Verify("POST", PathResult, nil, auth.Address{}, time.UnixMilli(a.TimestampMs))
	})
}
