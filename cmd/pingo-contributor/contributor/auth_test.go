package contributor_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	"github.com/pingo-chain/pingo/cmd/pingo-cdn/cdn"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
)

func counter(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.Counter.GetValue()
}

// Requests are signed for the node the agent learnt from /v2/info. When
// another node (another key) answers at the same URL, the agent's next
// request is refused as signed for someone else; the agent re-reads the
// node's info, registers with the new node and works for it. Nothing it
// signed for the first node is ever accepted by the second.
func TestAgentFollowsReplacedNode(t *testing.T) {
	newNode := func(key uint64) *cdn.Daemon {
		d, err := cdn.New(context.Background(), cdn.Config{Home: t.TempDir(), Key: testutil.Key(key), ChainID: testutil.ChainID,
			BatchUnits: 4, MaxGathering: 1, AssignTTL: time.Minute})
		require.NoError(t, err)
		require.NoError(t, d.AddJob(cdn.JobEntry{ID: 3, Seed: compute.Hash{4}, UnitKind: kernel.KindMatmulI8,
			SpecHash: kernel.SpecMatmulI8, End: 4, Expiry: 1000}))
		return d
	}
	first, second := newNode(0), newNode(1)
	var current atomic.Pointer[http.Handler]
	h1, h2 := first.Handler(), second.Handler()
	current.Store(&h1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*current.Load()).ServeHTTP(w, r) }))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a := agent(t, srv.URL, t.TempDir(), 20)
	done := make(chan struct{})
	go func() { _ = a.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitUntil := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !cond() {
			require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitUntil("registration with the first node", func() bool { return first.Active() == 1 })

	current.Store(&h2) // the node behind the URL is replaced
	waitUntil("registration with the second node", func() bool { return second.Active() == 1 })
	require.Positive(t, counter(second.Metrics().AuthFailures.WithLabelValues(agentproto.CodeBadAuth)),
		"the agent's first request to the new node was signed for the old one")
	_, err := second.Plan(0)
	require.NoError(t, err)
	waitUntil("the part delivered to the second node", func() bool {
		s := second.Journal().Snapshot()
		return len(s) == 1 && s[0].Parts[0].Done
	})
	p := second.Journal().Snapshot()[0].Parts[0]
	as := agentproto.Assignment{ChainID: testutil.ChainID, Node: second.Address(), JobID: 3, Start: p.Start, End: p.End, AttStart: 0, AttEnd: 4}
	require.NoError(t, agentproto.VerifyShare(&as, a.Address(), p.SubRoot, p.Signature), "the share names the second node")
}
