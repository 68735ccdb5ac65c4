package chain_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/stretchr/testify/require"
)

// The instrumentation port serves CometBFT's series and the app's pingo_ ones.
func TestMetricsEndpoint(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.91:%d", testutil.FreePort(t))
	// A one-validator localnet (IPs 127.0.0.91+): its validator is a
	// staking validator, so the power and missed-block series exist.
	n := testutil.NewNet(t, testutil.NetOptions{Validators: 1, FirstIP: 91, BlockTime: 100 * time.Millisecond,
		Tune: func(c *cmtcfg.Config) {
			c.Instrumentation.Prometheus = true
			c.Instrumentation.PrometheusListenAddr = addr
		}})
	n.StartAll()
	n.WaitHeight(0, 2, 30*time.Second)
	c := n.Nodes[0].Client
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err := c.Transfer(ctx, chain.DevKey(0), testutil.Addr(testutil.Key(1)), uint256.NewInt(5), uint256.NewInt(10_000))
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
		"pingo_mempool_txs",
		`pingo_validator_missed_blocks{operator="0x`,
	} {
		require.True(t, strings.Contains(text, series), "missing %s", series)
	}
	// The node's own validator is in the set with its bonded power.
	m := regexp.MustCompile(`(?m)^pingo_validator_power\{operator="(0x[0-9a-fA-F]{40})"\} (\d+)$`).FindStringSubmatch(text)
	require.NotNil(t, m, "no pingo_validator_power series:\n%s", text)
	power, err := strconv.ParseInt(m[2], 10, 64)
	require.NoError(t, err)
	require.Positive(t, power)
}
