package cdn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	"github.com/pingo-chain/pingo/cmd/pingo-cdn/cdn"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// offline is a daemon without a chain (protocol only) serving one job of
// 8 units planned into one batch over `parts` contributors.
func offline(t *testing.T, parts int) (*cdn.Daemon, *httptest.Server) {
	t.Helper()
	d, err := cdn.New(context.Background(), cdn.Config{Home: t.TempDir(), Key: testutil.Key(0), ChainID: testutil.ChainID,
		BatchUnits: 8, MaxGathering: 1, AssignTTL: time.Minute})
	require.NoError(t, err)
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	require.NoError(t, d.AddJob(cdn.JobEntry{ID: 5, Seed: compute.Hash{9}, UnitKind: kernel.KindMatmulI8,
		SpecHash: kernel.SpecMatmulI8, Start: 0, End: 8, Expiry: 1000}))
	for i := 0; i < parts; i++ {
		call(t, srv, agentproto.PathRegister, agentproto.RegisterRequest{Version: agentproto.Version, ChainID: testutil.ChainID,
			Contributor: testutil.Addr(testutil.Key(uint64(20 + i)))}, 200, "")
	}
	n, err := d.Plan(0)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	return d, srv
}

// call posts body (raw bytes when []byte), signed (protocol v2) for the
// offline daemon (key 0) by the contributor the body names (key 20 when
// it names none), and checks the status and, for errors, the error code;
// it returns the raw answer.
func call(t *testing.T, srv *httptest.Server, path string, body any, status int, code string) []byte {
	t.Helper()
	b, ok := body.([]byte)
	if !ok {
		var err error
		b, err = json.Marshal(body)
		require.NoError(t, err)
	}
	key := testutil.Key(20)
	var named struct {
		Contributor auth.Address `json:"contributor"`
	}
	if json.Unmarshal(b, &named) == nil && named.Contributor != auth.ZeroAddress {
		for i := uint64(0); i < 64; i++ {
			if testutil.Addr(testutil.Key(i)) == named.Contributor {
				key = testutil.Key(i)
			}
		}
	}
	a, err := agentproto.SignRequest(key, testutil.Addr(testutil.Key(0)), http.MethodPost, path, b, time.Now())
	require.NoError(t, err)
	return send(t, srv, path, b, a.Set, status, code)
}

// send posts b with the headers auth sets (nil: none) and checks the
// answer as call does.
func send(t *testing.T, srv *httptest.Server, path string, b []byte, auth func(http.Header), status int, code string) []byte {
	t.Helper()
	hr, err := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
	require.NoError(t, err)
	hr.Header.Set("Content-Type", "application/json")
	if auth != nil {
		auth(hr.Header)
	}
	r, err := http.DefaultClient.Do(hr)
	require.NoError(t, err)
	defer r.Body.Close()
	out, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.Equal(t, status, r.StatusCode, "%s: %s", path, out)
	if code != "" {
		var eb agentproto.ErrorBody
		require.NoError(t, json.Unmarshal(out, &eb), "%s", out)
		require.NotNil(t, eb.Error)
		require.Equal(t, code, eb.Error.Code, "%s", out)
		require.NotEmpty(t, eb.Error.Message)
	}
	return out
}

func poll(t *testing.T, srv *httptest.Server, key uint64) *agentproto.Assignment {
	t.Helper()
	out := call(t, srv, agentproto.PathAssignment, agentproto.AssignmentRequest{Version: agentproto.Version, ChainID: testutil.ChainID,
		Contributor: testutil.Addr(testutil.Key(key)), WaitMillis: 50}, 200, "")
	var resp agentproto.AssignmentResponse
	require.NoError(t, json.Unmarshal(out, &resp))
	return resp.Assignment
}

// result computes a's units honestly and signs with key signer.
func result(t *testing.T, a *agentproto.Assignment, contributor, signer uint64) agentproto.ResultRequest {
	t.Helper()
	addr := testutil.Addr(testutil.Key(contributor))
	var ds []compute.Hash
	for i := a.Start; i < a.End; i++ {
		ds = append(ds, kernel.Digest(a.Seed, i))
	}
	sub := kernel.Root(agentproto.Leaves(a.JobID, a.Start, addr, ds))
	sig, err := agentproto.SignShare(testutil.Key(signer), a, sub)
	require.NoError(t, err)
	return agentproto.ResultRequest{Version: agentproto.Version, ChainID: testutil.ChainID, Contributor: addr, AssignmentID: a.ID,
		Digests: ds, SubRoot: sub, Signature: sig[:]}
}

func TestProtocolBadInput(t *testing.T) {
	d, srv := offline(t, 2)
	c20, c22 := testutil.Addr(testutil.Key(20)), testutil.Addr(testutil.Key(22))

	// Transport-level garbage.
	call(t, srv, agentproto.PathRegister, []byte(`{"version":2,`), 400, agentproto.CodeMalformed)
	call(t, srv, agentproto.PathRegister, []byte(`{"version":2,"chain_id":7447,"contributor":"0x12"}`), 400, agentproto.CodeMalformed)
	call(t, srv, agentproto.PathRegister, []byte(`{"version":2,"chain_id":7447,"contributor":"`+c20.Hex()+`","extra":1}`), 400, agentproto.CodeMalformed)
	call(t, srv, agentproto.PathRegister, []byte(`{"version":2,"chain_id":7447,"contributor":"`+c20.Hex()+`"} {}`), 400, agentproto.CodeMalformed)
	r, err := http.Get(srv.URL + agentproto.PathResult)
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, 405, r.StatusCode)

	// Wrong chain, wrong version, zero address, unregistered poller.
	call(t, srv, agentproto.PathRegister, agentproto.RegisterRequest{Version: agentproto.Version, ChainID: 1, Contributor: c20}, 409, agentproto.CodeWrongChain)
	call(t, srv, agentproto.PathRegister, agentproto.RegisterRequest{Version: 1, ChainID: testutil.ChainID, Contributor: c20}, 400, agentproto.CodeVersion)
	call(t, srv, agentproto.PathRegister, agentproto.RegisterRequest{Version: agentproto.Version, ChainID: testutil.ChainID}, 400, agentproto.CodeMalformed)
	call(t, srv, agentproto.PathAssignment, agentproto.AssignmentRequest{Version: agentproto.Version, ChainID: testutil.ChainID, Contributor: c22}, 404, agentproto.CodeUnknownContrib)
	call(t, srv, agentproto.PathAssignment, agentproto.AssignmentRequest{Version: agentproto.Version, ChainID: 99, Contributor: c20}, 409, agentproto.CodeWrongChain)

	a := poll(t, srv, 20)
	require.NotNil(t, a)
	require.Equal(t, uint64(0), a.Start)
	require.Equal(t, uint64(4), a.End)
	require.Equal(t, uint64(8), a.AttEnd)
	require.Equal(t, d.Address(), a.Node)
	require.Nil(t, poll(t, srv, 20), "one part per contributor per attestation")

	// Unknown assignment; another contributor's assignment; wrong chain.
	good := result(t, a, 20, 20)
	bad := good
	bad.AssignmentID = "nope"
	call(t, srv, agentproto.PathResult, bad, 404, agentproto.CodeUnknownAssign)
	bad = result(t, a, 21, 21)
	call(t, srv, agentproto.PathResult, bad, 403, agentproto.CodeNotYours)
	bad = good
	bad.ChainID = 1
	call(t, srv, agentproto.PathResult, bad, 409, agentproto.CodeWrongChain)

	// A share signed by the wrong key.
	bad = result(t, a, 20, 21)
	call(t, srv, agentproto.PathResult, bad, 422, agentproto.CodeBadSignature)
	bad = good
	bad.Signature = good.Signature[:64]
	call(t, srv, agentproto.PathResult, bad, 422, agentproto.CodeBadSignature)

	// Wrong digest count; digests not matching the sub-root.
	bad = good
	bad.Digests = good.Digests[:3]
	call(t, srv, agentproto.PathResult, bad, 422, agentproto.CodeBadResult)
	bad = good
	bad.Digests = append([]compute.Hash{{1}}, good.Digests[1:]...)
	call(t, srv, agentproto.PathResult, bad, 422, agentproto.CodeBadResult)

	// Accepted once; the same upload again is a duplicate.
	call(t, srv, agentproto.PathResult, good, 200, "")
	call(t, srv, agentproto.PathResult, good, 409, agentproto.CodeDuplicate)
	snap := d.Journal().Snapshot()
	require.Len(t, snap, 1)
	require.True(t, snap[0].Parts[0].Done)
	require.False(t, snap[0].Parts[1].Done)
}

// A lazy contributor whose garbage digests are consistent with its own
// signed sub-root is caught by the node's spot check (every unit is
// garbage here, so the random check cannot miss).
func TestProtocolSpotCheck(t *testing.T) {
	_, srv := offline(t, 1)
	a := poll(t, srv, 20)
	require.NotNil(t, a)
	addr := testutil.Addr(testutil.Key(20))
	ds := make([]compute.Hash, a.End-a.Start)
	for i := range ds {
		ds[i] = compute.Hash{byte(i + 1)}
	}
	sub := kernel.Root(agentproto.Leaves(a.JobID, a.Start, addr, ds))
	sig, err := agentproto.SignShare(testutil.Key(20), a, sub)
	require.NoError(t, err)
	call(t, srv, agentproto.PathResult, agentproto.ResultRequest{Version: agentproto.Version, ChainID: testutil.ChainID, Contributor: addr,
		AssignmentID: a.ID, Digests: ds, SubRoot: sub, Signature: sig[:]}, 422, agentproto.CodeBadResult)
}

// An expired part is handed to another contributor under a new id; the
// late result of the first is refused.
func TestProtocolExpiredPartReassigned(t *testing.T) {
	d, err := cdn.New(context.Background(), cdn.Config{Home: t.TempDir(), Key: testutil.Key(0), ChainID: testutil.ChainID,
		BatchUnits: 4, MaxGathering: 1, AssignTTL: 400 * time.Millisecond})
	require.NoError(t, err)
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	require.NoError(t, d.AddJob(cdn.JobEntry{ID: 1, UnitKind: 1, SpecHash: kernel.SpecMatmulI8, End: 4, Expiry: 100}))
	for _, k := range []uint64{20, 21} {
		call(t, srv, agentproto.PathRegister, agentproto.RegisterRequest{Version: agentproto.Version, ChainID: testutil.ChainID,
			Contributor: testutil.Addr(testutil.Key(k))}, 200, "")
	}
	_, err = d.Plan(0) // two parts of 2 units
	require.NoError(t, err)
	a1 := poll(t, srv, 20)
	a2 := poll(t, srv, 21)
	require.NotNil(t, a1)
	require.NotNil(t, a2)
	call(t, srv, agentproto.PathResult, result(t, a2, 21, 21), 200, "")
	time.Sleep(450 * time.Millisecond)
	call(t, srv, agentproto.PathResult, result(t, a1, 20, 20), 410, agentproto.CodeExpired)
	a3 := poll(t, srv, 20) // 20 may take its own expired part again, under a new id
	require.NotNil(t, a3)
	require.NotEqual(t, a1.ID, a3.ID)
	require.Nil(t, poll(t, srv, 21), "21 already delivered a part of this attestation")
	call(t, srv, agentproto.PathResult, result(t, a1, 20, 20), 404, agentproto.CodeUnknownAssign)
	call(t, srv, agentproto.PathResult, result(t, a3, 20, 20), 200, "")
}
