package chain_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain/client"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/stretchr/testify/require"
)

// The instrumentation port serves CometBFT's series and the app's pingo_ ones.
func TestMetricsEndpoint(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", testutil.FreePort(t))
	n := testutil.StartNode(t, testutil.Genesis(2, 1_000_000_000), func(c *cmtcfg.Config) {
		c.Instrumentation.Prometheus = true
		c.Instrumentation.PrometheusListenAddr = addr
	})
	c, err := client.New(n.RPC)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err = c.Transfer(ctx, testutil.Key(0), testutil.Addr(testutil.Key(1)), uint256.NewInt(5), uint256.NewInt(10_000))
	require.NoError(t, err)

	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	text := string(body)
	for _, series := range []string{
		"cometbft_consensus_height",
		"pingo_block_execution_seconds_bucket",
		"pingo_commit_seconds_count",
		`pingo_txs_total{code="0",codespace=""}`,
		`pingo_checktx_total{code="0",codespace="",type="new"}`,
		"pingo_iavl_version",
		"pingo_iavl_leaves",
		"pingo_height",
	} {
		require.True(t, strings.Contains(text, series), "missing %s", series)
	}
}
