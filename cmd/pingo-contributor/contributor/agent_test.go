package contributor_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	"github.com/pingo-chain/pingo/cmd/pingo-cdn/cdn"
	"github.com/pingo-chain/pingo/cmd/pingo-contributor/contributor"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// node is an offline CDN daemon (protocol only) behind httptest with one
// accepted job of units [0, units).
func node(t *testing.T, units uint64) (*cdn.Daemon, *httptest.Server) {
	t.Helper()
	d, err := cdn.New(context.Background(), cdn.Config{Home: t.TempDir(), Key: testutil.Key(0), ChainID: testutil.ChainID,
		BatchUnits: units, MaxGathering: 1, MinContributors: 2, AssignTTL: time.Minute})
	require.NoError(t, err)
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	require.NoError(t, d.AddJob(cdn.JobEntry{ID: 3, Seed: compute.Hash{4}, UnitKind: kernel.KindMatmulI8,
		SpecHash: kernel.SpecMatmulI8, End: units, Expiry: 1000}))
	return d, srv
}

func agent(t *testing.T, url, home string, key uint64) *contributor.Agent {
	t.Helper()
	a, err := contributor.New(contributor.Config{NodeURL: url, Home: home, Key: testutil.Key(key), ChainID: testutil.ChainID,
		Limits: contributor.Limits{Cores: 1}, PollWait: 200 * time.Millisecond})
	require.NoError(t, err)
	return a
}

// Two real agents against a real (offline) node: they register, long-poll,
// compute and upload; the node's batch completes with valid shares whose
// top root is what an Attest would carry.
func TestAgentsFillBatch(t *testing.T) {
	d, srv := node(t, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{}, 2)
	agents := []*contributor.Agent{agent(t, srv.URL, t.TempDir(), 20), agent(t, srv.URL, t.TempDir(), 21)}
	for _, a := range agents {
		go func() { _ = a.Run(ctx); done <- struct{}{} }()
	}
	deadline := time.Now().Add(15 * time.Second)
	for d.Active() < 2 {
		require.True(t, time.Now().Before(deadline), "agents did not register")
		time.Sleep(20 * time.Millisecond)
	}
	_, err := d.Plan(0)
	require.NoError(t, err)
	for {
		s := d.Journal().Snapshot()
		if len(s) == 1 && s[0].Parts[0].Done && s[0].Parts[1].Done {
			for _, p := range s[0].Parts {
				a := agentproto.Assignment{ChainID: testutil.ChainID, Node: d.Address(), JobID: 3, Start: p.Start, End: p.End, AttStart: 0, AttEnd: 10}
				require.NoError(t, agentproto.VerifyShare(&a, p.Contributor, p.SubRoot, p.Signature))
			}
			break
		}
		require.True(t, time.Now().Before(deadline), "batch not filled: %+v", s)
		time.Sleep(20 * time.Millisecond)
	}
	// The node stored both results; the agents count theirs when the
	// answer arrives.
	accepted := func() (n uint64) {
		for _, a := range agents {
			n += a.Status().UnitsAccepted
		}
		return n
	}
	for accepted() < 10 {
		require.True(t, time.Now().Before(deadline), "agents counted %d of 10 units", accepted())
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	<-done
	for _, a := range agents {
		require.Equal(t, a.Status().UnitsComputed, a.Status().UnitsAccepted)
	}
	require.Equal(t, uint64(10), accepted())
}

func assignment(node [20]byte) *agentproto.Assignment {
	return &agentproto.Assignment{ID: "a1", ChainID: testutil.ChainID, Node: node, JobID: 3, Seed: compute.Hash{4},
		UnitKind: kernel.KindMatmulI8, SpecHash: kernel.SpecMatmulI8, Start: 0, End: 2, AttStart: 0, AttEnd: 4,
		ExpiresUnixMs: time.Now().Add(time.Minute).UnixMilli()}
}

// The agent refuses to sign what it must not: another chain, an unknown
// unit kind, a malformed range, units it already signed for.
func TestAgentRefusesBadAssignments(t *testing.T) {
	_, srv := node(t, 4)
	a := agent(t, srv.URL, t.TempDir(), 20)
	code := func(as *agentproto.Assignment) string {
		var pe *agentproto.Error
		if err := a.Check(as); errors.As(err, &pe) {
			return pe.Code
		}
		return ""
	}
	as := assignment(testutil.Addr(testutil.Key(0)))
	require.Equal(t, "", code(as))
	x := *as
	x.ChainID = 1
	require.Equal(t, agentproto.CodeWrongChain, code(&x))
	x = *as
	x.SpecHash = compute.Hash{1}
	require.Equal(t, agentproto.CodeBadResult, code(&x))
	x = *as
	x.End = 5
	require.Equal(t, agentproto.CodeMalformed, code(&x))
	x = *as
	x.End = x.Start
	require.Equal(t, agentproto.CodeMalformed, code(&x))

	// Sign a1 (the node does not know it: the upload is refused and the
	// entry dropped), then a2 over the same units is still a double claim
	// only while a1 stands; a1 dropped frees them.
	ctx := context.Background()
	require.NoError(t, a.Journal().Put(contributor.Entry{Assignment: *as, SubRoot: compute.Hash{1}, Signature: make([]byte, 65)}))
	y := *as
	y.ID, y.Start, y.End = "a2", 1, 3
	require.Equal(t, agentproto.CodeAlreadyClaimed, code(&y))
	require.NoError(t, a.Work(ctx, as)) // re-upload of the journaled a1: node answers unknown_assignment
	e, ok := a.Journal().Get("a1")
	require.True(t, ok)
	require.Equal(t, agentproto.CodeUnknownAssign, e.Dropped)
	require.Equal(t, "", code(&y))
}

// A result signed before a restart is re-uploaded as signed after it,
// never recomputed; a node that already has it answers duplicate, which
// counts as delivered.
func TestAgentRestartReuploads(t *testing.T) {
	d, srv := node(t, 4)
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, k := range []uint64{20, 21} {
		var resp agentproto.RegisterResponse
		require.NoError(t, postJSON(srv.URL, agentproto.PathRegister, testutil.Key(k), d.Address(), agentproto.RegisterRequest{Version: agentproto.Version,
			ChainID: testutil.ChainID, Contributor: testutil.Addr(testutil.Key(k))}, &resp))
	}
	n, err := d.Plan(0)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// The node hands 20 a part; 20 computes and journals it, but the
	// upload "fails" (we stop the agent's server access by using a dead URL).
	dead := agent(t, "http://127.0.0.1:1", home, 20)
	as := takeAssignment(t, srv.URL, d.Address(), 20)
	require.Error(t, dead.Work(ctx, as))
	require.Equal(t, uint64(as.End-as.Start), dead.Status().UnitsComputed)
	require.Len(t, dead.Journal().Pending(), 1)

	// Restart against the live node: re-upload, nothing recomputed.
	again := agent(t, srv.URL, home, 20)
	rctx, rcancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { _ = again.Run(rctx); close(stopped) }()
	deadline := time.Now().Add(15 * time.Second)
	for again.Status().UnitsAccepted < as.End-as.Start {
		require.True(t, time.Now().Before(deadline), "not re-uploaded")
		time.Sleep(10 * time.Millisecond)
	}
	rcancel()
	<-stopped
	require.Zero(t, again.Status().UnitsComputed)
	require.Equal(t, as.End-as.Start, again.Status().UnitsAccepted)
	require.Empty(t, again.Journal().Pending())
	// And a second restart has nothing left to send.
	e, ok := again.Journal().Get(as.ID)
	require.True(t, ok)
	require.True(t, e.Uploaded)
	require.NoError(t, again.Work(ctx, as))
}

func takeAssignment(t *testing.T, url string, node auth.Address, key uint64) *agentproto.Assignment {
	t.Helper()
	var resp agentproto.AssignmentResponse
	require.NoError(t, postJSON(url, agentproto.PathAssignment, testutil.Key(key), node, agentproto.AssignmentRequest{Version: agentproto.Version, ChainID: testutil.ChainID,
		Contributor: testutil.Addr(testutil.Key(key)), WaitMillis: 100}, &resp))
	require.NotNil(t, resp.Assignment)
	return resp.Assignment
}
