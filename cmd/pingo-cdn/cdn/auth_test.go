package cdn_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/stretchr/testify/require"
)

// Every POST must be signed by the contributor it names, for this node,
// method, path and body, fresh and once; otherwise it is refused before
// the node looks at it: no registration, no work handed out, no result
// accepted. One case per way to get it wrong.
func TestProtocolAuth(t *testing.T) {
	d, srv := offline(t, 1) // contributor 20 registered; one batch of 8 units, one part
	node := d.Address()
	c21 := testutil.Addr(testutil.Key(21))
	reg := func(c auth.Address) []byte {
		b, err := json.Marshal(agentproto.RegisterRequest{Version: agentproto.Version, ChainID: testutil.ChainID, Contributor: c})
		require.NoError(t, err)
		return b
	}
	sign := func(key uint64, node auth.Address, path string, body []byte, at time.Time) agentproto.Auth {
		a, err := agentproto.SignRequest(testutil.Key(key), node, http.MethodPost, path, body, at)
		require.NoError(t, err)
		return a
	}
	now := time.Now()
	good := sign(21, node, agentproto.PathRegister, reg(c21), now)
	without := func(h string) func(http.Header) {
		return func(hd http.Header) { good.Set(hd); hd.Del(h) }
	}
	with := func(h, v string) func(http.Header) {
		return func(hd http.Header) { good.Set(hd); hd.Set(h, v) }
	}
	forgedSig := good
	forgedSig.Signature[10] ^= 1
	claimed := sign(20, node, agentproto.PathRegister, reg(c21), now) // 20 signs, claims to be 21
	claimed.Contributor = c21
	cases := []struct {
		name   string
		body   []byte
		set    func(http.Header)
		status int
		code   string
	}{
		{"missing: no headers", reg(c21), nil, 401, agentproto.CodeUnauthenticated},
		{"missing: contributor", reg(c21), without(agentproto.HeaderContributor), 401, agentproto.CodeUnauthenticated},
		{"missing: timestamp", reg(c21), without(agentproto.HeaderTimestamp), 401, agentproto.CodeUnauthenticated},
		{"missing: nonce", reg(c21), without(agentproto.HeaderNonce), 401, agentproto.CodeUnauthenticated},
		{"missing: signature", reg(c21), without(agentproto.HeaderSignature), 401, agentproto.CodeUnauthenticated},
		{"malformed: signature hex", reg(c21), with(agentproto.HeaderSignature, "0x1234"), 401, agentproto.CodeUnauthenticated},
		{"malformed: timestamp", reg(c21), with(agentproto.HeaderTimestamp, "12.5"), 401, agentproto.CodeUnauthenticated},
		{"malformed: nonce", reg(c21), with(agentproto.HeaderNonce, "XYZ"), 401, agentproto.CodeUnauthenticated},
		{"forged: signature bytes", reg(c21), forgedSig.Set, 401, agentproto.CodeBadAuth},
		{"forged: another key claims 21", reg(c21), claimed.Set, 401, agentproto.CodeBadAuth},
		{"forged: body changed after signing", reg(testutil.Addr(testutil.Key(22))), good.Set, 401, agentproto.CodeBadAuth},
		{"forged: signed for another node", reg(c21), sign(21, c21, agentproto.PathRegister, reg(c21), now).Set, 401, agentproto.CodeBadAuth},
		{"forged: signed for another path", reg(c21), sign(21, node, agentproto.PathResult, reg(c21), now).Set, 401, agentproto.CodeBadAuth},
		{"forged: valid signature, body names someone else", reg(testutil.Addr(testutil.Key(22))),
			sign(21, node, agentproto.PathRegister, reg(testutil.Addr(testutil.Key(22))), now).Set, 401, agentproto.CodeBadAuth},
		{"stale: 31 s old", reg(c21), sign(21, node, agentproto.PathRegister, reg(c21), now.Add(-agentproto.MaxClockSkew-time.Second)).Set, 401, agentproto.CodeStale},
		{"stale: 31 s ahead", reg(c21), sign(21, node, agentproto.PathRegister, reg(c21), now.Add(agentproto.MaxClockSkew+time.Second)).Set, 401, agentproto.CodeStale},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			send(t, srv, agentproto.PathRegister, tc.body, tc.set, tc.status, tc.code)
		})
	}
	// None of them registered 21 (or 22).
	call(t, srv, agentproto.PathAssignment, agentproto.AssignmentRequest{Version: agentproto.Version, ChainID: testutil.ChainID,
		Contributor: c21}, 404, agentproto.CodeUnknownContrib)

	// Replayed: the good request works once; the identical bytes again are
	// refused before the handler runs.
	send(t, srv, agentproto.PathRegister, reg(c21), good.Set, 200, "")
	send(t, srv, agentproto.PathRegister, reg(c21), good.Set, 401, agentproto.CodeReplayed)

	// A result: accepted once; its replay is refused as a replay (the
	// handler, which would say duplicate_result, is never reached), and a
	// forged upload for the same assignment leaves the part as it was.
	a := poll(t, srv, 20)
	require.NotNil(t, a)
	res, err := json.Marshal(result(t, a, 20, 20))
	require.NoError(t, err)
	ok := sign(20, node, agentproto.PathResult, res, time.Now())
	bad := ok
	bad.Signature[3] ^= 0x80
	send(t, srv, agentproto.PathResult, res, bad.Set, 401, agentproto.CodeBadAuth)
	require.False(t, d.Journal().Snapshot()[0].Parts[0].Done, "a forged upload must not deliver the part")
	send(t, srv, agentproto.PathResult, res, ok.Set, 200, "")
	send(t, srv, agentproto.PathResult, res, ok.Set, 401, agentproto.CodeReplayed)

	// v1 (unsigned) is no longer served.
	send(t, srv, "/v1/register", reg(c21), nil, 400, agentproto.CodeVersion)

	// Counted by code (the body/signer mismatch is the handler's refusal,
	// after authentication, so 6 of the 7 bad signatures).
	require.Equal(t, 8.0, value(d.Metrics().AuthFailures.WithLabelValues(agentproto.CodeUnauthenticated)))
	require.Equal(t, 6.0, value(d.Metrics().AuthFailures.WithLabelValues(agentproto.CodeBadAuth)))
	require.Equal(t, 2.0, value(d.Metrics().AuthFailures.WithLabelValues(agentproto.CodeStale)))
	require.Equal(t, 2.0, value(d.Metrics().AuthFailures.WithLabelValues(agentproto.CodeReplayed)))
}
